import fc from 'fast-check';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp-dir';
import type { LocalMessageRow } from './repositories/mail';
import { InvalidMutationError } from './errors';
import { enqueueMutation, openStore, type Store } from './store';
import { TEST_STORE_KEY } from '../testing/store-key';

let dir: ReturnType<typeof tempDir>;
let store: Store;
const at = '2026-01-01T00:00:00.000Z';

beforeEach(() => {
  dir = tempDir();
  store = openStore(join(dir.path, 'device.db'), TEST_STORE_KEY);
  store.residents.upsert({
    id: 'r1',
    facilityId: 'fac',
    state: 'FL',
    docNumber: 'S1',
    firstName: 'Ana',
    lastName: 'Diaz',
    tabletSerial: null,
    housingUnitId: null,
    badgeHash: null,
    sourceScope: null,
    updatedAt: at,
  });
  store.contacts.upsert(
    {
      id: 'c1',
      residentId: 'r1',
      customerId: 'u1',
      displayName: 'Maria',
      email: 'm@example.com',
      blocked: false,
    },
    at,
  );
});
afterEach(() => {
  store.close();
  dir.cleanup();
});

function message(id: string, overrides: Partial<LocalMessageRow> = {}): LocalMessageRow {
  return {
    id,
    residentId: 'r1',
    contactId: 'c1',
    direction: 'inbound',
    status: 'delivered',
    subject: `Subject ${id}`,
    body: 'hello',
    replyToId: null,
    stampCost: 0,
    prepaidReplyStamps: 0,
    ecard: false,
    readAt: null,
    statusReason: null,
    sortAt: at,
    sentAt: null,
    updatedAt: at,
    ...overrides,
  };
}

describe('mail repository', () => {
  it('pages newest-first without gaps or repeats, whatever the timestamps', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 0, maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        (minutes, pageSize) => {
          store.db.exec(`DELETE FROM messages`);
          minutes.forEach((minute, index) => {
            const sortAt = new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
            store.mail.insert(message(`m${index}`, { sortAt }));
          });
          const seen: string[] = [];
          let page = store.mail.page('r1', 'inbox', pageSize);
          while (page.length > 0) {
            seen.push(...page.map((m) => m.id));
            const last = page[page.length - 1]!;
            page = store.mail.page('r1', 'inbox', pageSize, { sortAt: last.sortAt, id: last.id });
          }
          const expected = store.db
            .prepare<[], { id: string }>(`SELECT id FROM messages ORDER BY sort_at DESC, id DESC`)
            .all()
            .map((row) => row.id);
          expect(seen).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps the search index in step with edits and deletes of drafts', () => {
    store.mail.insert(message('d1', { direction: 'outbound', status: 'draft', body: 'apples' }));
    store.mail.updateDraft({
      id: 'd1',
      contactId: 'c1',
      subject: 'fruit',
      body: 'oranges',
      replyToId: null,
      ecard: false,
      updatedAt: at,
    });
    const hits = (term: string) =>
      store.db.prepare(`SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?`).all(term)
        .length;
    expect(hits('apples')).toBe(0);
    expect(hits('oranges')).toBe(1);
    expect(store.mail.deleteDraft('d1')).toBe(true);
    expect(hits('oranges')).toBe(0);
  });

  it('rewrites a search row only when its text or its time changed', () => {
    store.mail.insert(message('m1', { body: 'apples' }));
    const indexRows = () =>
      store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM messages_fts_data').get()!.n;
    const found = (term: string) => store.mail.search('r1', term, 10).map((m) => m.id);
    const before = indexRows();
    // what a pull does to a letter it holds when only its status moved
    store.db
      .prepare(`UPDATE messages SET status = 'read', subject = subject, body = body WHERE id = ?`)
      .run('m1');
    expect(indexRows()).toBe(before);
    expect(found('"apples"')).toEqual(['m1']);
    store.db.prepare(`UPDATE messages SET body = 'pears' WHERE id = ?`).run('m1');
    expect(found('"apples"')).toEqual([]);
    expect(found('"pears"')).toEqual(['m1']);
    store.db
      .prepare(`UPDATE messages SET sort_at = '2026-02-01T00:00:00.000Z' WHERE id = ?`)
      .run('m1');
    expect(found('"pears"')).toEqual(['m1']);
  });

  it("finds only the resident's own mail, even for words everyone uses", () => {
    store.residents.upsert({
      id: 'r2',
      facilityId: 'fac',
      state: 'FL',
      docNumber: 'S2',
      firstName: 'Bo',
      lastName: 'Li',
      tabletSerial: null,
      housingUnitId: null,
      badgeHash: null,
      sourceScope: null,
      updatedAt: at,
    });
    store.contacts.upsert(
      {
        id: 'c2',
        residentId: 'r2',
        customerId: 'u2',
        displayName: 'X',
        email: 'x@example.com',
        blocked: false,
      },
      at,
    );
    store.mail.insert(message('mine', { body: 'love from home' }));
    store.mail.insert(message('theirs', { residentId: 'r2', contactId: 'c2', body: 'love too' }));
    expect(store.mail.search('r1', '"love"*', 10).map((m) => m.id)).toEqual(['mine']);
    expect(store.mail.search('r2', '"love"*', 10).map((m) => m.id)).toEqual(['theirs']);
    expect(store.mail.search('r2', '"r1"*', 10)).toEqual([]);
  });

  it('searches newest first across inbox and sent, a page at a time, never drafts', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            minute: fc.integer({ min: 0, max: 50 }),
            kind: fc.constantFrom('inbox', 'sent', 'draft'),
            matches: fc.boolean(),
          }),
          { maxLength: 40 },
        ),
        fc.integer({ min: 1, max: 12 }),
        (rows, limit) => {
          store.db.exec('DELETE FROM messages');
          rows.forEach((row, i) => {
            const sortAt = new Date(Date.UTC(2026, 0, 1, 0, row.minute)).toISOString();
            store.mail.insert(
              message(`m${String(i).padStart(2, '0')}`, {
                direction: row.kind === 'inbox' ? 'inbound' : 'outbound',
                status: row.kind === 'draft' ? 'draft' : 'delivered',
                body: row.matches ? 'birthday cake' : 'other words',
                sortAt,
              }),
            );
          });
          const expected = rows
            .map((row, i) => ({ ...row, id: `m${String(i).padStart(2, '0')}` }))
            .filter((row) => row.matches && row.kind !== 'draft')
            .sort((a, b) => b.minute - a.minute || (a.id < b.id ? 1 : -1))
            .slice(0, limit)
            .map((row) => row.id);
          expect(store.mail.search('r1', '"birthday"*', limit).map((m) => m.id)).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('searches in list order when mail is sent later, within a second and across seconds', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            // milliseconds over three seconds: many rows share a second, in any insert order
            ms: fc.integer({ min: 0, max: 2999 }),
            // a draft sent later moves to its send time (sort_at), which the index follows
            sentAtMs: fc.option(fc.integer({ min: 0, max: 2999 })),
          }),
          { maxLength: 40 },
        ),
        fc.integer({ min: 1, max: 8 }),
        (rows, limit) => {
          store.db.exec('DELETE FROM messages');
          const when = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
          rows.forEach((row, i) => {
            const id = `m${String(i).padStart(2, '0')}`;
            const outbound = row.sentAtMs !== null;
            store.mail.insert(
              message(id, {
                direction: outbound ? 'outbound' : 'inbound',
                status: outbound ? 'draft' : 'delivered',
                body: 'birthday cake',
                sortAt: when(row.ms),
              }),
            );
            if (row.sentAtMs !== null)
              store.mail.setStatus({
                id,
                status: 'queued',
                reason: null,
                stampCost: 1,
                sentAt: when(row.sentAtMs),
                at: when(row.sentAtMs),
              });
          });
          const expected = store.db
            .prepare<[number], { id: string }>(
              `SELECT id FROM messages ORDER BY sort_at DESC, id DESC LIMIT ?`,
            )
            .all(limit)
            .map((row) => row.id);
          expect(store.mail.search('r1', '"birthday"*', limit).map((m) => m.id)).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps the unread count in step with every write to a letter', () => {
    type Step =
      | { op: 'insert'; inbound: boolean; read: boolean }
      | { op: 'read' | 'delete' | 'refuse' | 'reupsert'; index: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ op: fc.constant('insert' as const), inbound: fc.boolean(), read: fc.boolean() }),
      fc.record({
        op: fc.constantFrom('read' as const, 'delete' as const, 'refuse' as const),
        index: fc.nat(30),
      }),
      fc.record({ op: fc.constant('reupsert' as const), index: fc.nat(30) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        store.db.exec('DELETE FROM messages');
        const ids: string[] = [];
        steps.forEach((s, i) => {
          if (s.op === 'insert') {
            ids.push(`m${i}`);
            store.mail.insert(
              message(`m${i}`, {
                direction: s.inbound ? 'inbound' : 'outbound',
                status: s.inbound ? 'delivered' : 'queued',
                readAt: s.read ? at : null,
              }),
            );
            return;
          }
          const id = ids[s.index % Math.max(1, ids.length)];
          if (!id) return;
          if (s.op === 'read') store.mail.markRead(id, at);
          if (s.op === 'delete') store.db.prepare('DELETE FROM messages WHERE id = ?').run(id);
          // a refused send goes back to drafts: never in the inbox either way
          if (s.op === 'refuse')
            store.db.prepare(`UPDATE messages SET status = 'draft' WHERE id = ?`).run(id);
          // a pull upserts a letter it holds already (status and read time rewritten)
          if (s.op === 'reupsert')
            store.db
              .prepare(`UPDATE messages SET status = status, read_at = read_at WHERE id = ?`)
              .run(id);
        });
        const counted = store.db
          .prepare<[], { n: number }>(
            `SELECT count(*) AS n FROM messages
              WHERE resident_id = 'r1' AND folder = 'inbox' AND read_at IS NULL`,
          )
          .get()!.n;
        expect(store.mail.unreadCount('r1')).toBe(counted);
      }),
      { numRuns: 80 },
    );
  });

  it('refuses values of the wrong type (STRICT) and unknown statuses', () => {
    store.mail.insert(message('m1'));
    expect(() =>
      store.db.prepare(`UPDATE messages SET stamp_cost = 'many' WHERE id = ?`).run('m1'),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(() => store.mail.insert(message('m2', { status: 'lost' as never }))).toThrow(
      /CHECK constraint/,
    );
  });
});

describe('outbox', () => {
  const pinFailed = { residentId: 'r1', at };
  const purchase = {
    purchaseId: '6f1c2a4e-8b1d-4c3a-9e2f-0a1b2c3d4e5f',
    residentId: 'r1',
    bundleId: 'bundle-5',
    expectedPriceCents: 200,
  };

  it('numbers mutations in order with unique ids, only inside a transaction', () => {
    expect(() => enqueueMutation(store, 'auth.pinFailed', pinFailed, at)).toThrow(
      /inside the store transaction/,
    );
    const first = store.transaction(() => enqueueMutation(store, 'auth.pinFailed', pinFailed, at));
    const second = store.transaction(() => enqueueMutation(store, 'stamps.purchase', purchase, at));
    expect(second.seq).toBeGreaterThan(first.seq);
    expect(second.mutationId).not.toBe(first.mutationId);
    expect(store.outbox.unsettled(10).map((row) => [row.name, row.args])).toEqual([
      ['auth.pinFailed', pinFailed],
      ['stamps.purchase', purchase],
    ]);
    expect(store.outbox.settle(first.mutationId, 'rejected', { code: 'x' }, at)).toBe(true);
    expect(store.outbox.settle(first.mutationId, 'applied', null, at)).toBe(false);
    expect(store.outbox.counts()).toEqual({ pending: 1, sent: 0, applied: 0, rejected: 1 });
  });

  it('loses the local change and its mutation together when the transaction fails', () => {
    expect(() =>
      store.transaction(() => {
        store.mail.insert(message('m1'));
        enqueueMutation(store, 'auth.pinFailed', pinFailed, at);
        throw new Error('crash after the writes');
      }),
    ).toThrow('crash after the writes');
    expect(store.mail.byId('m1')).toBeUndefined();
    expect(store.outbox.unsettled(10)).toEqual([]);
  });

  it('refuses args the protocol would refuse, with the local change rolled back', () => {
    const refused = (() => {
      try {
        store.transaction(() => {
          store.mail.insert(message('m1'));
          enqueueMutation(store, 'stamps.purchase', { ...purchase, purchaseId: 'not-a-uuid' }, at);
        });
      } catch (error) {
        return error;
      }
      return 'nothing thrown';
    })();
    expect(refused).toBeInstanceOf(InvalidMutationError);
    expect(refused).toMatchObject({ mutation: 'stamps.purchase', field: 'purchaseId' });
    expect(store.mail.byId('m1')).toBeUndefined();
    expect(store.outbox.unsettled(10)).toEqual([]);
  });

  it('stores the parsed args: defaults filled in, unknown keys dropped', () => {
    store.transaction(() =>
      enqueueMutation(
        store,
        'mail.send',
        {
          messageId: purchase.purchaseId,
          residentId: 'r1',
          customerId: 'cust-1',
          kind: 'email',
          body: 'Hello',
          localOnly: true,
        } as never,
        at,
      ),
    );
    expect(store.outbox.unsettled(10)[0]!.args).toEqual({
      messageId: purchase.purchaseId,
      residentId: 'r1',
      customerId: 'cust-1',
      kind: 'email',
      subject: '',
      body: 'Hello',
      attachments: [],
    });
  });

  it('tells listeners once per committed transaction that queued, never for a rollback', () => {
    const heard: number[] = [];
    const stop = store.onOutboxCommitted(() => heard.push(store.outbox.unsettled(10).length));
    store.transaction(() => store.mail.insert(message('m1'))); // no mutation: silent
    store.transaction(() => {
      enqueueMutation(store, 'auth.pinFailed', pinFailed, at);
      store.transaction(() => enqueueMutation(store, 'auth.pinSucceeded', pinFailed, at));
    });
    expect(heard).toEqual([2]); // after the commit, both rows visible, one call
    expect(() =>
      store.transaction(() => {
        enqueueMutation(store, 'auth.pinFailed', pinFailed, at);
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    store.transaction(() => store.mail.insert(message('m3')));
    expect(heard).toEqual([2]);
    stop();
    store.transaction(() => enqueueMutation(store, 'auth.pinFailed', pinFailed, at));
    expect(heard).toEqual([2]);
  });
});

describe('stamps repository', () => {
  it('subtracts only pending general-balance reservations', () => {
    store.stamps.setConfirmed('r1', 10, at);
    const base = {
      residentId: 'r1',
      messageId: null,
      mutationId: 'x',
      prepaidStamps: 0,
      holdingId: null,
      createdAt: at,
    };
    store.stamps.reserve({ ...base, id: 'a', stamps: 3, state: 'pending' });
    store.stamps.reserve({ ...base, id: 'b', stamps: 4, state: 'released' });
    expect(store.stamps.confirmed('r1') - store.stamps.reserved('r1')).toBe(7);
    expect(() => store.stamps.setConfirmed('r1', -1, at)).toThrow(/CHECK constraint/);
  });
});
