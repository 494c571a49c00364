import { randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FacilityConfigSchema } from '../../../domain/facility';
import type { Change, MessageData, Page, Scope } from '../../../sync/protocol';
import sample from '../../../assets/facility.sample.json';
import { verifyPin } from '../services/pin-hash';
import { createStore, enqueueMutation, openStore, type Store } from '../store';
import { TEST_STORE_KEY } from '../testing/store-key';
import { tempDir } from '../testing/temp-dir';
import { contactId, localPinHash, type Touched } from './apply';
import { HISTORY_KEPT } from '../store/repositories/stamps';
import { createSyncStorePort } from './port';

const at = '2026-03-01T10:00:00.000Z';
const facility = FacilityConfigSchema.parse(sample);
const facilityScope: Scope = { kind: 'facility', id: facility.id };
const unitScope: Scope = { kind: 'unit', id: 'unit-a' };
const residentScope: Scope = { kind: 'resident', id: 'r1' };

/** A PIN hash exactly as the central service writes it. */
function serverPinHash(pin: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(pin, salt, 32, { N: 16384, r: 8, p: 1 });
  return `scrypt$16384$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** A change before the server gives it a position. */
type Unpositioned = Change extends infer C
  ? C extends Change
    ? Omit<C, 'position'>
    : never
  : never;

let position = 0;
const page = (scope: Scope, changes: Unpositioned[], hasMore = false): Page => ({
  scope,
  changes: changes.map((change) => ({ ...change, position: ++position })),
  cursor: `epoch-1.${position + changes.length}`,
  hasMore,
  // The port applies pages the client already verified (checksum, signature).
  checksum: '0'.repeat(64),
  signature: 'A'.repeat(86),
});

/** What a lobby kiosk receives of resident r1. */
const directoryEntry = {
  id: 'r1',
  facilityId: facility.id,
  state: 'FL',
  docNumber: 'S100001',
  firstName: 'Ana',
  lastName: 'Diaz',
};

/** Resident r1's sign-in record, as the kiosks of unit-a receive it. */
const residentChange = (pinHash: string): Unpositioned => ({
  op: 'upsert',
  entity: 'resident',
  id: 'r1',
  data: {
    ...directoryEntry,
    housingUnitId: 'unit-a',
    pinHash,
    badgeHash: null,
    tabletSerial: 'TAB-0001',
    failedPinAttempts: 2,
    locked: false,
    lockedAt: null,
  },
});

const message = (id: string, change: Partial<MessageData> = {}): MessageData => ({
  id,
  residentId: 'r1',
  customerId: 'cust-1',
  direction: 'inbound',
  kind: 'email',
  subject: 'Hola',
  body: 'Te extrañamos',
  attachments: [],
  status: 'delivered',
  timeline: [
    { status: 'sent', at: '2026-03-01T08:00:00.000Z' },
    { status: 'released', at: '2026-03-01T09:00:00.000Z' },
  ],
  stampsCharged: 0,
  prepaidStampsUsed: 0,
  prepaidReplyStampsAttached: 2,
  sentAt: '2026-03-01T08:00:00.000Z',
  expectedDeliveryBy: '2026-03-04T08:00:00.000Z',
  rejectReason: null,
  withheldAttachments: [],
  refundedStamps: 0,
  ...change,
});

/** An enrolled identity (the keys are not used by the port). */
const credentialsRow = {
  deviceId: 'd1',
  facilityId: facility.id,
  profile: 'kiosk' as const,
  serverUrl: 'http://127.0.0.1:1',
  privateKey: 'k',
  publicKey: 'p',
  servicePublicKey: null,
  housingUnitId: 'unit-a',
  enrolledAt: at,
};

let dir: ReturnType<typeof tempDir>;
let store: Store;
let touched: Touched[];
const port = () => createSyncStorePort(store, { now: () => at, onTouched: (t) => touched.push(t) });

beforeEach(() => {
  dir = tempDir();
  store = openStore(join(dir.path, 'device.db'), TEST_STORE_KEY);
  touched = [];
  position = 0;
});
afterEach(() => {
  store.close();
  dir.cleanup();
});

describe('the sync store port: pulled pages', () => {
  it('applies a facility page and a resident page, each with its cursor', async () => {
    const sync = port();
    sync.applyPage(
      page(facilityScope, [{ op: 'upsert', entity: 'facility', id: facility.id, data: facility }]),
    );
    sync.applyPage(page(unitScope, [residentChange(serverPinHash('2468'))]));
    const residentPage = page(residentScope, [
      {
        op: 'upsert',
        entity: 'contact',
        id: 'cust-1',
        data: { id: 'cust-1', residentId: 'r1', displayName: 'Maria', prepaidReplyStamps: 2 },
      },
      { op: 'upsert', entity: 'message', id: 'm1', data: message('m1') },
      {
        op: 'upsert',
        entity: 'account',
        id: 'r1',
        data: { id: 'r1', stamps: 12, spendableCents: 5000 },
      },
    ]);
    sync.applyPage(residentPage);

    expect(store.identity.facility(facility.id)?.config).toEqual(facility);
    expect(store.residents.byDocNumber('FL', 'S100001')?.tabletSerial).toBe('TAB-0001');
    const credential = store.residents.credential('r1')!;
    expect(credential.failedAttempts).toBe(2);
    expect(await verifyPin('2468', { hash: credential.pinHash, salt: credential.pinSalt })).toBe(
      true,
    );
    expect(await verifyPin('1357', { hash: credential.pinHash, salt: credential.pinSalt })).toBe(
      false,
    );

    const localContact = contactId('r1', 'cust-1');
    expect(store.contacts.byId(localContact)?.displayName).toBe('Maria');
    expect(store.stamps.holdingsFor('r1', localContact)[0]?.available).toBe(2);
    expect(store.mail.byId('m1')).toMatchObject({
      status: 'delivered',
      direction: 'inbound',
      contactId: localContact,
    });
    expect(store.mail.events('m1').map((event) => event.status)).toEqual(['sent', 'released']);
    expect(store.stamps.confirmed('r1')).toBe(12);
    expect(store.sync.cursor('resident:r1')).toBe(residentPage.cursor);
    expect(sync.pullScopes()).toEqual([]); // not enrolled: nothing to pull
    store.credentials.save(credentialsRow);
    expect(sync.pullScopes()).toEqual([
      { scope: { kind: 'device', id: 'd1' }, cursor: null },
      { scope: unitScope, cursor: store.sync.cursor('unit:unit-a') },
      { scope: facilityScope, cursor: store.sync.cursor(`facility:${facility.id}`) },
      { scope: residentScope, cursor: residentPage.cursor },
    ]);
    expect(touched.at(-1)).toMatchObject({ stamps: true, messageIds: new Set(['m1']) });
  });

  it("shows each entry once in the resident's stamp history: the server's replaces the device's", () => {
    const sync = port();
    sync.applyPage(page(facilityScope, [residentChange(serverPinHash('2468'))]));
    const entry = (
      id: string,
      amount: number,
      kind: 'mail_send' | 'mail_refund' | 'stamp_purchase',
      ref: string,
    ) => ({
      op: 'upsert' as const,
      entity: 'ledger_entry' as const,
      id,
      data: {
        id,
        residentId: 'r1',
        account: 'stamps' as const,
        customerId: null,
        amount,
        kind,
        reference: ref,
        createdAt: at,
      },
    });
    sync.applyPage(
      page(residentScope, [
        {
          op: 'upsert',
          entity: 'message',
          id: 'm9',
          data: message('m9', { direction: 'outbound' }),
        },
      ]),
    );
    // What the device wrote when the resident sent m9 and bought a bundle here (ids: the send's
    // mutation, the purchase), before the server's ledger entries for them arrive.
    const local = { residentId: 'r1', status: 'pending' as const, at };
    store.stamps.recordHistory({
      ...local,
      id: 'mut-9',
      kind: 'spend',
      stamps: -2,
      messageId: 'm9',
    });
    store.stamps.recordHistory({
      ...local,
      id: 'p1',
      kind: 'purchase',
      stamps: 5,
      messageId: null,
    });
    const photoHash = 'a'.repeat(64);
    const videoHash = 'b'.repeat(64);
    sync.applyPage(
      page(residentScope, [
        entry('l1', -2, 'mail_send', 'm9'),
        entry('l2', 1, 'mail_refund', `m9:${photoHash}`),
        entry('l3', 1, 'mail_refund', `m9:${videoHash}`),
        entry('l4', 5, 'stamp_purchase', 'p1'),
        // The same entry pulled again (a re-sent page) stays one row.
        entry('l2', 1, 'mail_refund', `m9:${photoHash}`),
      ]),
    );
    const rows = store.stamps.history('r1', 10);
    expect(
      rows.map((row) => [row.id, row.kind, row.stamps, row.messageId, row.status]).sort(),
    ).toEqual([
      ['l1', 'spend', -2, 'm9', 'confirmed'],
      ['l2', 'refund', 1, 'm9', 'confirmed'],
      ['l3', 'refund', 1, 'm9', 'confirmed'],
      ['l4', 'purchase', 5, null, 'confirmed'],
    ]);
    expect(touched.at(-1)).toMatchObject({ stamps: true });
  });

  it('keeps nothing of a page that fails part-way, cursor included', () => {
    const sync = port();
    sync.applyPage(page(unitScope, [residentChange(serverPinHash('2468'))]));
    const before = store.sync.cursor('resident:r1');
    // The second change names a resident this device does not have: the foreign key refuses it.
    const broken = page(residentScope, [
      { op: 'upsert', entity: 'message', id: 'm1', data: message('m1') },
      { op: 'upsert', entity: 'message', id: 'm2', data: message('m2', { residentId: 'nobody' }) },
    ]);
    expect(() => sync.applyPage(broken)).toThrow();
    expect(store.mail.byId('m1')).toBeUndefined();
    expect(store.sync.cursor('resident:r1')).toBe(before);
  });

  it('applies tombstones: a message goes, a contact is hidden but its mail stays', () => {
    const sync = port();
    sync.applyPage(page(unitScope, [residentChange(serverPinHash('2468'))]));
    sync.applyPage(
      page(residentScope, [
        { op: 'upsert', entity: 'message', id: 'm1', data: message('m1') },
        { op: 'upsert', entity: 'message', id: 'm2', data: message('m2') },
      ]),
    );
    // The message arrived before its contact: a placeholder holds its place.
    expect(store.contacts.byId(contactId('r1', 'cust-1'))?.displayName).toBe('');
    sync.applyPage(
      page(residentScope, [
        { op: 'delete', entity: 'message', id: 'm1' },
        { op: 'delete', entity: 'contact', id: 'cust-1' },
      ]),
    );
    expect(store.mail.byId('m1')).toBeUndefined();
    expect(store.mail.byId('m2')).toBeDefined();
    expect(store.contacts.byId(contactId('r1', 'cust-1'))?.blocked).toBe(true);
  });

  it('a revoked message goes with its photo bytes and its search row; shared bytes stay', () => {
    const sync = port();
    sync.applyPage(page(unitScope, [residentChange(serverPinHash('2468'))]));
    const photo = (sha256: string) => ({
      sha256,
      mime: 'image/jpeg' as const,
      size: 4,
      kind: 'photo' as const,
    });
    const [own, shared] = ['a'.repeat(64), 'b'.repeat(64)];
    sync.applyPage(
      page(residentScope, [
        {
          op: 'upsert',
          entity: 'message',
          id: 'm1',
          data: message('m1', {
            subject: 'Threatening words',
            attachments: [photo(own), photo(shared)],
          }),
        },
        {
          op: 'upsert',
          entity: 'message',
          id: 'm2',
          data: message('m2', { attachments: [photo(shared)] }),
        },
      ]),
    );
    store.blobs.save(own, Buffer.from('own!'));
    store.blobs.save(shared, Buffer.from('both'));
    store.db
      .prepare('INSERT INTO blob_download_parts (content_hash, start, data) VALUES (?, 0, ?)')
      .run(own, Buffer.from('ow'));
    expect(store.mail.search('r1', 'threatening', 10).map((m) => m.id)).toEqual(['m1']);
    sync.applyPage(page(residentScope, [{ op: 'delete', entity: 'message', id: 'm1' }]));
    expect(store.mail.byId('m1')).toBeUndefined();
    expect(store.mail.search('r1', 'threatening', 10)).toEqual([]);
    const held = store.db.prepare('SELECT content_hash FROM blobs ORDER BY content_hash').all();
    expect(held).toEqual([{ content_hash: shared }]);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM blob_download_parts').get()).toEqual({
      n: 0,
    });
  });
});

describe('the sync store port: push outcomes', () => {
  /** What the mail service writes for an offline send: message, reservation, history, outbox. */
  function queueSend(stamps: number): { messageId: string; mutationId: string } {
    const messageId = randomUUID();
    const localContact = contactId('r1', 'cust-1');
    return store.transaction(() => {
      store.mail.insert({
        id: messageId,
        residentId: 'r1',
        contactId: localContact,
        direction: 'outbound',
        status: 'queued',
        subject: 'Hi',
        body: 'Hello',
        replyToId: null,
        stampCost: stamps,
        prepaidReplyStamps: 0,
        ecard: false,
        readAt: null,
        statusReason: null,
        sortAt: at,
        sentAt: at,
        updatedAt: at,
      });
      const { mutationId } = enqueueMutation(
        store,
        'mail.send',
        {
          messageId,
          residentId: 'r1',
          customerId: 'cust-1',
          kind: 'email',
          subject: 'Hi',
          body: 'Hello',
          reservedStamps: stamps,
        },
        at,
      );
      store.stamps.reserve({
        id: randomUUID(),
        residentId: 'r1',
        messageId,
        mutationId,
        stamps,
        prepaidStamps: 0,
        holdingId: null,
        state: 'pending',
        createdAt: at,
      });
      store.stamps.recordHistory({
        id: mutationId,
        residentId: 'r1',
        kind: 'spend',
        stamps: -stamps,
        status: 'pending',
        messageId,
        at,
      });
      return { messageId, mutationId };
    });
  }

  beforeEach(() => {
    const sync = port();
    sync.applyPage(page(unitScope, [residentChange(serverPinHash('2468'))]));
    sync.applyPage(
      page(residentScope, [
        {
          op: 'upsert',
          entity: 'contact',
          id: 'cust-1',
          data: { id: 'cust-1', residentId: 'r1', displayName: 'Maria', prepaidReplyStamps: 0 },
        },
        {
          op: 'upsert',
          entity: 'account',
          id: 'r1',
          data: { id: 'r1', stamps: 3, spendableCents: 0 },
        },
      ]),
    );
  });

  it('sends outbox rows in the protocol shape, in sequence order', () => {
    const first = queueSend(1);
    const second = queueSend(2);
    const pending = port().unsettledMutations(10);
    expect(pending.map((mutation) => mutation.id)).toEqual([first.mutationId, second.mutationId]);
    expect(pending[0]!.seq).toBeLessThan(pending[1]!.seq);
    expect(pending[0]).toMatchObject({
      name: 'mail.send',
      args: {
        messageId: first.messageId,
        residentId: 'r1',
        customerId: 'cust-1',
        kind: 'email',
        reservedStamps: 1,
      },
    });
  });

  it('returns a refused send to drafts with its reason and releases its stamps, once', () => {
    const sync = port();
    const { messageId, mutationId } = queueSend(2);
    expect(store.stamps.reserved('r1')).toBe(2);
    const refusal = {
      id: mutationId,
      seq: 1,
      status: 'rejected' as const,
      outcome: {
        status: 'rejected' as const,
        code: 'insufficient_stamps' as const,
        reason: 'not enough',
      },
    };
    sync.recordOutcomes([refusal]);
    expect(store.mail.byId(messageId)).toMatchObject({
      status: 'draft',
      statusReason: 'insufficient_stamps',
    });
    expect(store.stamps.reserved('r1')).toBe(0);
    expect(store.mail.events(messageId).at(-1)).toMatchObject({
      status: 'draft',
      reason: 'insufficient_stamps',
    });
    expect(sync.unsettledCount()).toBe(0);
    expect(touched.at(-1)).toMatchObject({ stamps: true, messageIds: new Set([messageId]) });

    // The same answer again (a retried push) changes nothing.
    const events = store.mail.events(messageId).length;
    sync.recordOutcomes([{ ...refusal, status: 'duplicate' }]);
    expect(store.mail.events(messageId)).toHaveLength(events);
  });

  it('moves a confirmed send to sent and confirms its reservation', () => {
    const sync = port();
    const { messageId, mutationId } = queueSend(1);
    sync.recordOutcomes([
      { id: mutationId, seq: 1, status: 'applied', outcome: { status: 'applied' } },
    ]);
    expect(store.mail.byId(messageId)?.status).toBe('sent');
    expect(store.stamps.reserved('r1')).toBe(0);
    expect(store.outbox.byMutationId(mutationId)?.state).toBe('applied');
  });

  it("shows a sent letter's own steps and then the service's timeline, each step once", () => {
    const sync = port();
    sync.applyPage(page(unitScope, [residentChange(serverPinHash('2468'))]));
    const { messageId, mutationId } = queueSend(1);
    store.mail.addEvent(messageId, 'draft', '2026-03-01T07:00:00.000Z');
    store.mail.addEvent(messageId, 'queued', '2026-03-01T07:30:00.000Z');
    sync.recordOutcomes([
      { id: mutationId, seq: 1, status: 'applied', outcome: { status: 'applied' } },
    ]);
    expect(store.mail.events(messageId).map((event) => event.status)).toEqual([
      'draft',
      'queued',
      'sent',
    ]);
    const pulled = (timeline: MessageData['timeline']) =>
      page(residentScope, [
        {
          op: 'upsert',
          entity: 'message',
          id: messageId,
          data: message(messageId, { direction: 'outbound', timeline }),
        },
      ]);
    const sent = { status: 'sent' as const, at: '2026-03-01T08:00:00.000Z' };
    const inReview = { status: 'in_review' as const, at: '2026-03-01T08:00:00.000Z' };
    sync.applyPage(pulled([sent, inReview]));
    // The outcome's `sent` step gave way to the service's; the service's steps are not rows.
    expect(store.mail.events(messageId)).toEqual([
      { status: 'draft', at: '2026-03-01T07:00:00.000Z', reason: null },
      { status: 'queued', at: '2026-03-01T07:30:00.000Z', reason: null },
      { status: 'sent', at: sent.at, reason: null },
      { status: 'in_review', at: inReview.at, reason: null },
    ]);
    const rejected = { status: 'rejected' as const, at: '2026-03-01T09:00:00.000Z', reason: 'x' };
    sync.applyPage(pulled([sent, inReview, rejected]));
    expect(store.mail.events(messageId).map((event) => [event.status, event.reason])).toEqual([
      ['draft', null],
      ['queued', null],
      ['sent', null],
      ['in_review', null],
      ['rejected', 'x'],
    ]);
    const rows = store.db
      .prepare<[string], { n: number }>(
        'SELECT count(*) AS n FROM message_events WHERE message_id = ?',
      )
      .get(messageId)!.n;
    expect(rows).toBe(2);
  });

  it('deletes reservations settled more than 30 days before the latest outcomes', () => {
    let now = at;
    const sync = createSyncStorePort(store, { now: () => now });
    const count = () =>
      store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM stamp_reservations').get()!.n;
    const first = queueSend(1);
    sync.recordOutcomes([
      { id: first.mutationId, seq: 1, status: 'applied', outcome: { status: 'applied' } },
    ]);
    expect(count()).toBe(1);
    now = new Date(Date.parse(at) + 31 * 86_400_000).toISOString();
    const second = queueSend(1);
    sync.recordOutcomes([
      { id: second.mutationId, seq: 2, status: 'applied', outcome: { status: 'applied' } },
    ]);
    expect(count()).toBe(1); // the second one, settled just now
    expect(store.stamps.reserved('r1')).toBe(0);

    // An unsettled send is never pruned, however old: its stamps stay held.
    const unsettled = queueSend(2);
    now = new Date(Date.parse(at) + 400 * 86_400_000).toISOString();
    sync.recordOutcomes([]);
    expect(count()).toBe(1);
    expect(store.stamps.pendingReservations('r1').map((r) => r.mutationId)).toEqual([
      unsettled.mutationId,
    ]);
    expect(store.stamps.reserved('r1')).toBe(2);
  });

  it(`keeps the newest ${HISTORY_KEPT} stamp history entries of a resident and every pending one`, () => {
    const sync = port();
    sync.applyPage(page(unitScope, [residentChange(serverPinHash('2468'))]));
    // An unsettled send from long before every ledger entry below.
    const unsent = queueSend(1);
    const minute = (n: number) => new Date(Date.parse(at) + n * 60_000).toISOString();
    const purchase = (n: number): Unpositioned => ({
      op: 'upsert',
      entity: 'ledger_entry',
      id: `l${String(n).padStart(3, '0')}`,
      data: {
        id: `l${String(n).padStart(3, '0')}`,
        residentId: 'r1',
        account: 'stamps',
        customerId: null,
        amount: 1,
        kind: 'stamp_purchase',
        reference: `p${n}`,
        createdAt: minute(n),
      },
    });
    const account: Unpositioned = {
      op: 'upsert',
      entity: 'account',
      id: 'r1',
      data: { id: 'r1', stamps: 130, spendableCents: 0 },
    };
    const entries = Array.from({ length: 130 }, (_, n) => purchase(n + 1));
    sync.applyPage(page(residentScope, [...entries.slice(0, 60), account]));
    expect(store.stamps.history('r1', 200)).toHaveLength(61); // fewer than kept: nothing goes
    sync.applyPage(page(residentScope, entries.slice(60)));

    const kept = store.stamps.history('r1', 200);
    const newest = entries.slice(-HISTORY_KEPT).map((entry) => entry.id);
    expect(kept.map((row) => row.id)).toEqual([...newest.reverse(), unsent.mutationId]);
    // What the screen shows (the newest 50) is what it showed before plus what arrived since.
    expect(store.stamps.history('r1', 50).map((row) => row.id)).toEqual(
      entries
        .slice(-50)
        .map((entry) => entry.id)
        .reverse(),
    );
    // The balance is the service's, and the unsettled send still holds its stamp.
    expect(store.stamps.confirmed('r1')).toBe(130);
    expect(store.stamps.reserved('r1')).toBe(1);
    // Pulled again (a page re-sent after a lost answer), pruned entries come back and go again.
    sync.applyPage(page(residentScope, entries.slice(0, 10)));
    expect(store.stamps.history('r1', 200).map((row) => row.id)).toEqual(kept.map((row) => row.id));
  });

  it('after a server restore, forgets cursors and re-queues what the old server had acknowledged', () => {
    const sync = port();
    const sends = [queueSend(1), queueSend(1), queueSend(1)];
    const rows = sync.unsettledMutations(10);
    sync.recordOutcomes(
      rows.map((row) => ({
        id: row.id,
        seq: row.seq,
        status: 'applied' as const,
        outcome: { status: 'applied' as const },
      })),
    );
    sync.saveServerEpoch('epoch-1');
    sync.resetForEpoch('epoch-2', rows[0]!.seq);
    expect(sync.serverEpoch()).toBe('epoch-2');
    expect(store.sync.cursor('resident:r1')).toBeUndefined();
    expect(sync.unsettledMutations(10).map((row) => row.id)).toEqual([
      sends[1]!.mutationId,
      sends[2]!.mutationId,
    ]);
  });
});

describe('a resident leaving this device', () => {
  it('takes credentials, mail, search rows, attachment bytes, stamps and cursor along', () => {
    const sync = port();
    sync.applyPage(page(unitScope, [residentChange(serverPinHash('2468'))]));
    const photo = {
      sha256: 'c'.repeat(64),
      mime: 'image/jpeg' as const,
      size: 4,
      kind: 'photo' as const,
    };
    const residentPage = page(residentScope, [
      { op: 'upsert', entity: 'message', id: 'm1', data: message('m1', { attachments: [photo] }) },
      {
        op: 'upsert',
        entity: 'ledger_entry',
        id: 'l1',
        data: {
          id: 'l1',
          residentId: 'r1',
          account: 'stamps',
          customerId: null,
          kind: 'stamp_purchase',
          amount: 5,
          reference: 'p1',
          createdAt: at,
        },
      },
    ]);
    sync.applyPage(residentPage);
    store.blobs.save(photo.sha256, Buffer.from('foto'));
    const count = (table: string) =>
      (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    const tables = ['residents', 'resident_credentials', 'messages', 'blobs', 'stamp_history'];
    expect(tables.map(count)).toEqual([1, 1, 1, 1, 1]);

    // A tombstone from a scope that no longer vouches for the resident changes nothing.
    sync.applyPage(page(facilityScope, [{ op: 'delete', entity: 'resident', id: 'r1' }]));
    expect(tables.map(count)).toEqual([1, 1, 1, 1, 1]);

    sync.applyPage(page(unitScope, [{ op: 'delete', entity: 'resident', id: 'r1' }]));
    expect(tables.map(count)).toEqual([0, 0, 0, 0, 0]);
    expect(store.mail.search('r1', 'extrañamos', 10)).toEqual([]);
    expect(store.sync.cursor('resident:r1')).toBeUndefined();
    // Should they come back, their scope is pulled from the start again.
    sync.applyPage(page(unitScope, [residentChange(serverPinHash('2468'))]));
    store.credentials.save(credentialsRow);
    expect(sync.pullScopes().at(-1)).toEqual({ scope: residentScope, cursor: null });
  });
});

describe('which residents a device pulls', () => {
  it('those whose sign-in record came from its unit or its own scope; a lobby none', () => {
    const sync = port();
    const residents = (profile: 'kiosk' | 'tablet' | 'lobby') => {
      store.credentials.save({
        ...credentialsRow,
        profile,
        housingUnitId: profile === 'kiosk' ? 'unit-a' : null,
      });
      return sync.pullScopes().map((entry) => `${entry.scope.kind}:${entry.scope.id}`);
    };
    sync.applyPage(page(unitScope, [residentChange(serverPinHash('2468'))]));
    expect(residents('kiosk')).toEqual([
      'device:d1',
      'unit:unit-a',
      `facility:${facility.id}`,
      'resident:r1',
    ]);
    expect(residents('tablet')).toEqual(['device:d1', `facility:${facility.id}`, 'resident:r1']);
    const directory: Scope = { kind: 'directory', id: facility.id };
    sync.applyPage(
      page(directory, [
        { op: 'upsert', entity: 'directory_entry', id: 'r1', data: directoryEntry },
      ]),
    );
    // A directory entry carries no credentials, and the lobby reads no resident's scope.
    expect(store.residents.credential('r1')).toBeUndefined();
    expect(residents('lobby')).toEqual([
      'device:d1',
      `directory:${facility.id}`,
      `facility:${facility.id}`,
    ]);
  });
});

describe('request counters', () => {
  it('only grow, also across restarts', () => {
    store.credentials.save(credentialsRow);
    const seen = Array.from({ length: 1_500 }, () => store.credentials.nextCounter());
    // A new store over the same database: what a restart of the backend opens.
    const restarted = createStore(store.db).credentials.nextCounter();
    expect(seen[0]).toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i += 1) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
    expect(restarted).toBeGreaterThan(seen.at(-1)!);
  });
});

describe('localPinHash', () => {
  it('refuses parameters the backend cannot verify', () => {
    expect(localPinHash('scrypt$1024$8$1$c2FsdA==$aGFzaA==')).toBeUndefined();
    expect(localPinHash('bcrypt$x')).toBeUndefined();
  });
});
