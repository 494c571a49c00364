import { createHash, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pageChecksumInput, type PullResponse } from '../../sync/protocol';
import { runCli } from '../../sync/server/cli';
import { CentralFixture } from './support/central';
import { SyncedDevice } from './support/device';
import { startFaultProxy, type Fault, type FaultProxy } from './support/fault-proxy';
import { expectConsistent } from './support/invariants';

/**
 * Sync under faults, against the real central service (in-process, SQLite) over loopback HTTP.
 * Each case ends with the same checks (support/invariants.ts).
 */
let central: CentralFixture;
let proxy: FaultProxy;
const open: SyncedDevice[] = [];

beforeAll(async () => {
  central = await CentralFixture.start();
  proxy = await startFaultProxy(central.url);
});
afterEach(async () => {
  proxy.plan = () => ({ kind: 'pass' });
  await Promise.all(open.splice(0).map((device) => device.close()));
});
afterAll(async () => {
  await proxy.close();
  await central.stop();
});

let docs = 100;
async function residentWithContact(balance: { stamps?: number; cents?: number }) {
  const docNumber = `S8${String((docs += 1)).padStart(5, '0')}`;
  const residentId = await central.central.resident({ docNumber }, balance);
  const customerId = await central.customerFor(residentId);
  return { residentId, customerId, docNumber };
}

async function device(options: Parameters<typeof SyncedDevice.enroll>[2] = {}) {
  const enrolled = await SyncedDevice.enroll(central.url, await central.enrollment(), {
    syncUrl: proxy.url,
    timeoutMs: 2_000,
    ...options,
  });
  open.push(enrolled);
  return enrolled;
}

/** 10 stamps, minus three one-stamp emails, plus four five-stamp bundles: each exactly once. */
const STAMPS_AFTER_WORK = 10 - 3 + 4 * 5;

/**
 * Writes what a resident does offline: a login (its PIN check is reported: one mutation), mail
 * through the backend, purchases and PIN events.
 */
async function workOffline(
  target: SyncedDevice,
  who: { residentId: string; customerId: string; docNumber: string },
) {
  await target.login(who.docNumber);
  for (let i = 0; i < 3; i += 1) await target.sendMail(who.customerId, `message ${i}`);
  const at = new Date().toISOString();
  target.store.transaction(() => {
    for (let i = 0; i < 4; i += 1) {
      target.store.outbox.enqueue(
        'stamps.purchase',
        { purchaseId: randomUUID(), residentId: who.residentId, bundleId: 'bundle-5' },
        at,
      );
      target.store.outbox.enqueue('auth.pinSucceeded', { residentId: who.residentId, at }, at);
    }
  });
}

const FAULTS: Fault[] = [
  { kind: 'drop_request' },
  { kind: 'drop_response' },
  { kind: 'duplicate' },
  { kind: 'delay', ms: 30 },
  { kind: 'truncate_request' },
  { kind: 'truncate_response' },
  { kind: 'reset' },
];

describe('network faults between device and central service', () => {
  it.each(FAULTS.map((fault) => [fault.kind, fault] as const))(
    '%s on every other request: nothing lost, nothing applied twice',
    async (_kind, fault) => {
      const who = await residentWithContact({ stamps: 10, cents: 10_000 });
      const target = await device({ pushBatchSize: 2 });
      await target.sync.syncNow();
      await workOffline(target, who);
      proxy.plan = ({ index }) => (index % 2 === 0 ? fault : { kind: 'pass' });
      const status = await target.syncUntilSettled();
      proxy.plan = () => ({ kind: 'pass' });
      expect(status).toMatchObject({ state: 'idle', pendingMutations: 0 });
      expect(proxy.applied[fault.kind]).toBeGreaterThan(0);
      await target.sync.syncNow();
      await expectConsistent(central, target, [who.residentId]);
      expect(target.store.outbox.counts()).toMatchObject({ applied: 12, rejected: 0 });
      expect(target.store.stamps.confirmed(who.residentId)).toBe(STAMPS_AFTER_WORK);
      expect(target.store.stamps.confirmed(who.residentId)).toBe(STAMPS_AFTER_WORK);
    },
  );
});

describe('device clocks far off the server', () => {
  it.each([
    ['ten years ahead', 10],
    ['ten years behind', -10],
  ] as const)('%s: sync works and ordering never uses the device clock', async (_name, years) => {
    const offset = years * 365 * 24 * 3600 * 1000;
    const who = await residentWithContact({ stamps: 10, cents: 10_000 });
    const target = await device({ now: () => new Date(Date.now() + offset) });
    await target.sync.syncNow();
    await workOffline(target, who);
    expect(await target.syncUntilSettled()).toMatchObject({ state: 'idle', pendingMutations: 0 });
    await target.sync.syncNow();
    await expectConsistent(central, target, [who.residentId]);
    expect(target.store.outbox.counts()).toMatchObject({ applied: 12, rejected: 0 });
    expect(target.store.stamps.confirmed(who.residentId)).toBe(STAMPS_AFTER_WORK);
  });
});

describe('a mutation that always fails', () => {
  it('is rejected and recorded, and the ones behind it go through', async () => {
    const who = await residentWithContact({ stamps: 10 });
    const target = await device();
    await target.sync.syncNow();
    const at = new Date().toISOString();
    target.store.transaction(() => {
      target.store.outbox.enqueue('mail.send', { nonsense: true }, at);
      target.store.outbox.enqueue('no.such.mutation', { residentId: who.residentId }, at);
      target.store.outbox.enqueue(
        'stamps.purchase',
        { purchaseId: randomUUID(), residentId: who.residentId, bundleId: 'no-such-bundle' },
        at,
      );
    });
    await target.login(who.docNumber);
    const messageId = await target.sendMail(who.customerId);

    expect(await target.syncUntilSettled()).toMatchObject({ state: 'idle', pendingMutations: 0 });
    const settled = target.store.db
      .prepare<[], { name: string; state: string; outcome: string }>(
        'SELECT name, state, outcome_json AS outcome FROM outbox ORDER BY seq',
      )
      .all()
      .map((row) => ({
        name: row.name,
        state: row.state,
        code: (JSON.parse(row.outcome) as { code?: string }).code,
      }));
    expect(settled).toEqual([
      { name: 'mail.send', state: 'rejected', code: 'invalid_args' },
      { name: 'no.such.mutation', state: 'rejected', code: 'unknown_mutation' },
      { name: 'stamps.purchase', state: 'rejected', code: 'not_found' },
      { name: 'auth.pinSucceeded', state: 'applied', code: undefined }, // the login
      { name: 'mail.send', state: 'applied', code: undefined },
    ]);
    expect(target.store.mail.byId(messageId)?.status).not.toBe('draft');
    await expectConsistent(central, target, [who.residentId]);
  });
});

describe('a restored central service', () => {
  it('is detected; cursors reset and what the old copy lacked is pushed again', async () => {
    const who = await residentWithContact({ stamps: 10, cents: 10_000 });
    const target = await device();
    await target.sync.syncNow();
    await target.login(who.docNumber);
    await target.sendMail(who.customerId, 'before the backup');
    await target.syncUntilSettled();
    const backup = await central.backup();

    await target.sendMail(who.customerId, 'after the backup');
    await target.sendMail(who.customerId, 'also after the backup');
    await target.syncUntilSettled();
    expect(target.store.stamps.confirmed(who.residentId)).toBe(7);

    await central.restore(backup);
    proxy.target = central.url;
    expect(await target.syncUntilSettled()).toMatchObject({ state: 'idle', pendingMutations: 0 });
    await target.sync.syncNow();
    await expectConsistent(central, target, [who.residentId]);
    expect(target.store.stamps.confirmed(who.residentId)).toBe(7);
    const messages = await central.central.storage.all(
      "SELECT id FROM messages WHERE resident_id = ? AND direction = 'outbound'",
      [who.residentId],
    );
    expect(messages).toHaveLength(3);
  });
});

/**
 * A kiosk sends 'original words'; the message comes back down in a pulled page, and the proxy
 * passes the first pull answer holding it through `alter`, once. `tampered()` counts the edits.
 */
async function sentMailAlteredOnce(alter: (body: string) => string) {
  const who = await residentWithContact({ stamps: 10 });
  const target = await device();
  await target.sync.syncNow();
  await target.login(who.docNumber);
  await target.sendMail(who.customerId, 'original words');
  let tampered = 0;
  proxy.plan = ({ path }) =>
    path === '/v1/pull' && tampered === 0
      ? {
          kind: 'rewrite',
          change: (body) =>
            body.includes('original words') ? ((tampered += 1), alter(body)) : body,
        }
      : { kind: 'pass' };
  return { target, tampered: () => tampered };
}

describe('answers altered in transit', () => {
  it('a page whose checksum does not match is not applied; the retry gets it right', async () => {
    const { target, tampered } = await sentMailAlteredOnce((body) =>
      body.replace('original words', 'altered words!'),
    );
    const first = await target.sync.syncNow();
    expect(tampered()).toBe(1);
    expect(first).toMatchObject({ state: 'error', lastError: 'transient' });
    expect(
      target.store.db
        .prepare("SELECT count(*) AS n FROM messages WHERE body LIKE '%altered%'")
        .get(),
    ).toEqual({ n: 0 });
    expect(await target.syncUntilSettled()).toMatchObject({ state: 'idle' });
    expect(
      target.store.db
        .prepare("SELECT count(*) AS n FROM messages WHERE body = 'original words'")
        .get(),
    ).toEqual({ n: 1 });
  });
});

/** A pull answer with `from` replaced by `to` in every page and each checksum recomputed. */
function rewriteWithChecksums(body: string, from: string, to: string): string {
  const answer = JSON.parse(body) as PullResponse;
  for (const page of answer.pages) {
    const altered = JSON.parse(JSON.stringify(page).replaceAll(from, to)) as typeof page;
    Object.assign(page, altered, {
      checksum: createHash('sha256').update(pageChecksumInput(altered)).digest('hex'),
    });
  }
  return JSON.stringify(answer);
}

describe('pages rewritten or replayed by someone on the path', () => {
  it('refuses a page rewritten with a valid checksum as a signature problem, applying none of it', async () => {
    const { target, tampered } = await sentMailAlteredOnce((body) =>
      rewriteWithChecksums(body, 'original words', 'altered words!'),
    );
    const first = await target.sync.syncNow();
    expect(tampered()).toBe(1);
    expect(first).toMatchObject({ state: 'error', lastError: 'page_signature_invalid' });
    const altered = "SELECT count(*) AS n FROM messages WHERE body LIKE '%altered%'";
    expect(target.store.db.prepare(altered).get()).toEqual({ n: 0 });
    expect(await target.syncUntilSettled()).toMatchObject({ state: 'idle', lastError: null });
    expect(target.store.db.prepare(altered).get()).toEqual({ n: 0 });
  });

  it("refuses another device's signed page replayed to it", async () => {
    const first = await device();
    let captured: string | null = null;
    proxy.plan = ({ path }) =>
      path === '/v1/pull' && captured === null
        ? { kind: 'rewrite', change: (body) => ((captured = body), body) }
        : { kind: 'pass' };
    await first.sync.syncNow();
    expect(captured).not.toBeNull();
    const second = await device();
    proxy.plan = ({ path }) =>
      path === '/v1/pull' ? { kind: 'rewrite', change: () => captured! } : { kind: 'pass' };
    expect(await second.sync.syncNow()).toMatchObject({
      state: 'error',
      lastError: 'page_signature_invalid',
    });
    expect(second.store.sync.cursor(`facility:${central.facilityId}`)).toBeUndefined();
  });

  it('pins the service key once on a device enrolled before pages were signed', async () => {
    const target = await device();
    const pinned = () =>
      target.store.db.prepare('SELECT service_public_key AS key FROM sync_credentials').get();
    const enrolledWith = pinned();
    expect(enrolledWith).toEqual({ key: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    target.store.db.prepare('UPDATE sync_credentials SET service_public_key = NULL').run();
    expect(await target.sync.syncNow()).toMatchObject({ state: 'idle' });
    expect(pinned()).toEqual(enrolledWith);
  });
});

describe('a restored central service given a new epoch', () => {
  it('makes devices reset their cursors, push again what the backup lacks and pull anew', async () => {
    const who = await residentWithContact({ stamps: 10 });
    const target = await device();
    await target.sync.syncNow();
    await target.login(who.docNumber);
    const backup = await central.backup();
    await target.sendMail(who.customerId, 'after the backup');
    await target.sendMail(who.customerId, 'also after the backup');
    await target.syncUntilSettled();
    const epochBefore = target.store.sync.state().serverEpoch;

    const lines: string[] = [];
    await central.restore(backup, (db) =>
      runCli(['new-epoch', '--db', db], {}, (line) => lines.push(line)),
    );
    proxy.target = central.url;
    expect(lines[0]).toMatch(/^new epoch /);
    // The restored service moves on past the device's cursors: only the epoch tells.
    await central.mailFrom(who.customerId, who.residentId, 30);

    expect(await target.syncUntilSettled()).toMatchObject({ state: 'idle', pendingMutations: 0 });
    await target.sync.syncNow();
    expect(target.store.sync.state().serverEpoch).not.toBe(epochBefore);
    await expectConsistent(central, target, [who.residentId]);
    expect(target.store.stamps.confirmed(who.residentId)).toBe(8);
    const inbound = target.store.db
      .prepare<[string], { n: number }>(
        "SELECT count(*) AS n FROM messages WHERE resident_id = ? AND direction = 'inbound'",
      )
      .get(who.residentId);
    expect(inbound?.n).toBe(30);
  });
});

describe("requests over the service's body limit", () => {
  it('are split into smaller batches; one mutation too large alone is settled as rejected', async () => {
    const who = await residentWithContact({});
    const target = await device();
    await target.sync.syncNow();
    const at = new Date().toISOString();
    target.store.transaction(() => {
      target.store.outbox.enqueue(
        'auth.pinSucceeded',
        { residentId: who.residentId, at, padding: 'x'.repeat(4_500_000) },
        at,
      );
      for (let i = 0; i < 60; i += 1) {
        target.store.outbox.enqueue(
          'auth.pinSucceeded',
          { residentId: who.residentId, at, padding: 'y'.repeat(100_000) },
          at,
        );
      }
    });
    expect(await target.syncUntilSettled()).toMatchObject({ state: 'idle', pendingMutations: 0 });
    expect(target.store.outbox.counts()).toMatchObject({ applied: 60, rejected: 1 });
    const remote = await central.mutationsOf(target.deviceId);
    expect(remote).toHaveLength(60);
  });
});

describe('a first sync cut off part-way', () => {
  it('keeps the pages it applied and resumes from the last one', async () => {
    const who = await residentWithContact({});
    await central.mailFrom(who.customerId, who.residentId, 450);
    const target = await device({ pullLimit: 50 });
    let pulls = 0;
    proxy.plan = ({ path }) =>
      path === '/v1/pull' && (pulls += 1) > 5 ? { kind: 'reset' } : { kind: 'pass' };
    expect((await target.sync.syncNow()).state).toBe('offline');
    const count = () =>
      target.store.db
        .prepare<[string], { n: number }>(
          'SELECT count(*) AS n FROM messages WHERE resident_id = ?',
        )
        .get(who.residentId)!.n;
    const kept = count();
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(450);
    expect(target.store.sync.cursor(`resident:${who.residentId}`)).toBeDefined();

    pulls = 0;
    proxy.plan = ({ path }) => ((pulls += path === '/v1/pull' ? 1 : 0), { kind: 'pass' });
    expect(await target.syncUntilSettled()).toMatchObject({ state: 'idle' });
    expect(count()).toBe(450);
    // Only what was missing came down: (450 - kept) / 50 pages, plus the facility and the end.
    expect(pulls).toBeLessThanOrEqual(Math.ceil((450 - kept) / 50) + 3);
  });
});
