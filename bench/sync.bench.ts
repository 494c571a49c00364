/**
 * Sync benchmark (`npm run bench -- sync`), through the real central service on 127.0.0.1 (its
 * own process, `tsx sync/server/cli.ts serve`, as in production it is another machine):
 * - pull: 10,000 mails with 1 KB bodies to a freshly enrolled device (pages verified, applied
 *   with their cursors), beside a raw better-sqlite3 insert of the same rows in one transaction
 *   into an equally fresh store, measured in the same run. Target: pull <= 2.5x the raw insert.
 * - push: 10,000 outbox mutations to the service. Target: >= 30,000 mutations/s.
 * Prints figures; never fails on them.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { fixedKeySource, openStore } from '../electron/backend/store';
import { createBackendSync, enrollWithCode } from '../electron/backend/sync';
import { createEnrollCode } from '../sync/server/enrollment';
import { loadFacility } from '../sync/server/facilities';
import { publishContact } from '../sync/server/publish';
import { seedSample } from '../sync/server/seed';
import { openSqliteStorage } from '../sync/server/storage/sqlite';
import { insertReleasedEmail } from '../sync/server/testing/mail';
import { inWork } from '../sync/server/work';

const MAILS = 10_000;
const MUTATIONS = 10_000;
const RESIDENT = 'demo-resident-1';
const body = (i: number) => `Mail ${i}: `.padEnd(1024, 'lorem ipsum dolor sit amet ');

const dir = mkdtempSync(join(tmpdir(), 'homeline-sync-bench-'));
const clock = () => new Date();
const logger = pino({ level: 'silent' });
const centralDb = join(dir, 'central.db');
const storage = await openSqliteStorage(centralDb);
const { facilityId } = await seedSample(storage, clock);

// Server side: one customer writing 10,000 mails to one resident (not timed).
const customerId = randomUUID();
await inWork(storage, clock, async (work) => {
  const at = work.now;
  await work.tx.run(
    `INSERT INTO customers (id, email, display_name, password_hash, terms_version,
       terms_accepted_at, created_at) VALUES (?, ?, 'Bench Customer', 'unused', '1', ?, ?)`,
    [customerId, `${customerId}@example.com`, at, at],
  );
  await work.tx.run('INSERT INTO customer_residents (customer_id, resident_id) VALUES (?, ?)', [
    customerId,
    RESIDENT,
  ]);
  await publishContact(work, RESIDENT, customerId);
  const facility = await loadFacility(work.tx, facilityId);
  for (let i = 0; i < MAILS; i += 1) {
    await insertReleasedEmail(work, {
      facility,
      residentId: RESIDENT,
      customerId,
      subject: `Subject ${i}`,
      body: body(i),
    });
  }
});

const { code } = await createEnrollCode(storage, clock, {
  facilityId,
  profile: 'kiosk',
  validHours: 1,
});
await storage.close();

const central = spawn(
  process.execPath,
  ['--import', 'tsx', 'sync/server/cli.ts', 'serve', '--db', centralDb, '--port', '0'],
  { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise<string>((resolve, reject) => {
  let output = '';
  central.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const match = /central service on (http:\/\/\S+)/.exec(output);
    if (match) resolve(match[1]!);
  });
  central.once('exit', (code) => reject(new Error(`central exited (${code}): ${output}`)));
});

// Device side: a fresh store, enrolled with a real code.
/** Benchmarks make their own key; products read it from the keystore or a key file. */
const storeKey = fixedKeySource(randomBytes(32));
const store = openStore(join(dir, 'device.db'), storeKey);
await enrollWithCode(store, {
  serverUrl: url,
  code,
  appVersion: '1.0.0',
  now: () => clock().toISOString(),
});
let pushedAllAt = 0;
const sync = createBackendSync({ appVersion: '1.0.0', autoStart: false, pullLimit: 1000, logger })({
  store,
  broadcast: (event, payload) => {
    if (
      event === 'sync.status' &&
      (payload as { pushed: number }).pushed >= MUTATIONS &&
      !pushedAllAt
    ) {
      pushedAllAt = performance.now();
    }
  },
});

const pullStart = performance.now();
const pulled = await sync.syncNow();
const pullMs = performance.now() - pullStart;
const localMails = store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM messages').get()!
  .n;

// The same rows inserted raw, in one transaction, into an equally fresh store.
const raw = openStore(join(dir, 'raw.db'), storeKey);
const rows = store.db
  .prepare(
    `SELECT id, resident_id, contact_id, direction, status, subject, body, stamp_cost,
            prepaid_reply_stamps, ecard, read_at, status_reason, sort_at, sent_at, updated_at
       FROM messages`,
  )
  .all() as Record<string, unknown>[];
raw.db
  .exec(`INSERT INTO residents (id, facility_id, state, doc_number, first_name, last_name, updated_at)
  VALUES ('${RESIDENT}', '${facilityId}', 'FL', 'S123456', 'A', 'B', '2026-01-01T00:00:00Z')`);
const contactId = String(rows[0]!.contact_id);
raw.db
  .prepare(
    `INSERT INTO contacts (id, resident_id, customer_id, display_name, email, blocked, updated_at)
     VALUES (?, ?, ?, 'Bench Customer', '', 0, '2026-01-01T00:00:00Z')`,
  )
  .run(contactId, RESIDENT, customerId);
const insert = raw.db.prepare(
  `INSERT INTO messages (id, resident_id, contact_id, direction, status, subject, body, stamp_cost,
     prepaid_reply_stamps, ecard, read_at, status_reason, sort_at, sent_at, updated_at)
   VALUES (@id, @resident_id, @contact_id, @direction, @status, @subject, @body, @stamp_cost,
     @prepaid_reply_stamps, @ecard, @read_at, @status_reason, @sort_at, @sent_at, @updated_at)`,
);
const rawStart = performance.now();
raw.db.transaction(() => {
  for (const row of rows) insert.run(row);
})();
const rawMs = performance.now() - rawStart;
raw.close();

// Push: 10,000 mutations written offline, then one sync.
const at = clock().toISOString();
store.transaction(() => {
  for (let i = 0; i < MUTATIONS; i += 1)
    store.outbox.enqueue('auth.pinSucceeded', { residentId: RESIDENT, at }, at);
});
const pushStart = performance.now();
const pushed = await sync.syncNow();
const pushMs = (pushedAllAt || performance.now()) - pushStart;

const ratio = pullMs / rawMs;
const rate = (MUTATIONS / pushMs) * 1000;
console.log(
  `pull ${localMails} mails (1 KB) to a fresh device: ${pullMs.toFixed(0)} ms (${pulled.state}, ${pulled.pulled} changes)`,
);
console.log(`raw better-sqlite3 insert of the same rows, one transaction: ${rawMs.toFixed(0)} ms`);
console.log(`pull / raw insert: ${ratio.toFixed(2)}x   (target <= 2.5x)`);
console.log(
  `push ${pushed.pushed} mutations: ${pushMs.toFixed(0)} ms = ${rate.toFixed(0)} mutations/s   (target >= 30,000/s)`,
);

await sync.close();
store.close();
await new Promise((resolve) => {
  central.once('exit', resolve);
  central.kill('SIGTERM');
});
rmSync(dir, { recursive: true, force: true });
