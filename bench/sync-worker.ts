/**
 * One measured run of the sync benchmark, in a fresh process (sync.bench.ts starts one per run,
 * interleaving the systems). Prints its result as JSON on the last line.
 *   homeline-pull URL CODE DIR            a fresh device store pulls everything (timed)
 *   homeline-pull-plain URL CODE DIR      the same into an unencrypted store of the same schema
 *                                         (the product never opens one: it prices encryption)
 *   homeline-push URL CODE DIR N RESIDENT CUSTOMER
 *                                         a fresh device catches up (not timed), then N mail.send
 *                                         written offline go up in one sync (timed)
 *   floor FROM_DB DIR                     the same message rows inserted bare, one transaction,
 *                                         into a fresh store of the same schema (FTS included)
 *   pouch-pull URL DIR                    a fresh PouchDB replicates the peer's mail database
 *   pouch-push URL DIR N                  N documents of mail.send's shape replicate up to a
 *                                         fresh database of the peer (writing them not timed)
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import PouchDB from 'pouchdb';
import {
  createStore,
  fixedKeySource,
  openDatabase,
  openStore,
  type Store,
} from '../electron/backend/store';
import { createBackendSync, enrollWithCode } from '../electron/backend/sync';
import { createLetterWriter } from './text';

const logger = pino({ level: 'silent' });
/** Device stores are encrypted: every worker of a run opens them with the run's key. */
const storeKey = fixedKeySource(Buffer.from(process.env.BENCH_STORE_KEY ?? '', 'hex'));
const [mode, ...args] = process.argv.slice(2);

function sendArgs(n: number, residentId: string, customerId: string) {
  const writer = createLetterWriter(1000 + n);
  const language = n % 2 === 0 ? 'en' : 'es';
  return {
    messageId: randomUUID(),
    residentId,
    customerId,
    kind: 'email',
    subject: writer.subject(language),
    body: writer.letter(language),
  };
}

async function enrolledDevice(url: string, code: string, dir: string, plain = false) {
  const path = join(dir, 'device.db');
  const store: Store = plain ? createStore(openDatabase(path)) : openStore(path, storeKey);
  await enrollWithCode(store, {
    serverUrl: url,
    code,
    appVersion: '1.0.0',
    now: () => new Date().toISOString(),
  });
  // A long request timeout: on a loaded machine a batch of 500 mail.send can outlast the default
  // 30 s, and a timed-out batch would end the measured sync as "offline".
  const sync = createBackendSync({
    appVersion: '1.0.0',
    autoStart: false,
    timeoutMs: 300_000,
    logger,
  })({
    store,
    broadcast: () => undefined,
  });
  return { store, sync };
}

async function homelinePull(url: string, code: string, dir: string, plain = false) {
  const { store, sync } = await enrolledDevice(url, code, dir, plain);
  const started = performance.now();
  const status = await sync.syncNow();
  const ms = performance.now() - started;
  const mails = store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM messages').get()!.n;
  await sync.close();
  store.close();
  if (status.state !== 'idle') throw new Error(`pull ended ${status.state}: ${status.lastError}`);
  return { ms, mails };
}

async function homelinePush(
  url: string,
  code: string,
  dir: string,
  count: number,
  residentId: string,
  customerId: string,
) {
  const { store, sync } = await enrolledDevice(url, code, dir);
  await sync.syncNow(); // catch up first, as a device in service would have
  const at = new Date().toISOString();
  store.transaction(() => {
    for (let n = 0; n < count; n += 1)
      store.outbox.enqueue('mail.send', sendArgs(n, residentId, customerId), at);
  });
  const started = performance.now();
  const status = await sync.syncNow();
  const ms = performance.now() - started;
  const applied = store.db
    .prepare<[], { n: number }>("SELECT count(*) AS n FROM outbox WHERE state = 'applied'")
    .get()!.n;
  await sync.close();
  store.close();
  if (status.state !== 'idle') throw new Error(`push ended ${status.state}: ${status.lastError}`);
  return { ms, pushed: applied };
}

/** Copies the rows a pull wrote, then times inserting them bare into a fresh store. */
function floor(fromDb: string, dir: string) {
  const source = openStore(fromDb, storeKey);
  const all = (table: string) =>
    source.db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
  const residents = all('residents');
  const contacts = all('contacts');
  const messages = all('messages');
  source.close();
  const store = openStore(join(dir, 'floor.db'), storeKey);
  const insertAll = (table: string, rows: Record<string, unknown>[]) => {
    if (rows.length === 0) return;
    // Stored columns only (generated ones are computed), and the rowid alias left to SQLite.
    const stored = store.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
    const columns = stored.map((c) => c.name).filter((column) => column !== 'seq');
    const insert = store.db.prepare(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
    );
    for (const row of rows) {
      const values = Object.fromEntries(columns.map((column) => [column, row[column]]));
      insert.run(values);
    }
  };
  store.db.transaction(() => {
    insertAll('residents', residents);
    insertAll('contacts', contacts);
  })();
  const started = performance.now();
  store.db.transaction(() => insertAll('messages', messages))();
  const ms = performance.now() - started;
  store.close();
  return { ms, mails: messages.length };
}

async function pouchPull(url: string, dir: string) {
  const local = new PouchDB(join(dir, 'pouch-pull'));
  const started = performance.now();
  const result = await PouchDB.replicate(`${url}/mail`, local, { batch_size: 500 });
  const ms = performance.now() - started;
  const info = await local.info();
  await local.close();
  if (!result.ok) throw new Error('pouch replication failed');
  return { ms, mails: info.doc_count };
}

async function pouchPush(url: string, dir: string, count: number) {
  const local = new PouchDB(join(dir, 'pouch-push'));
  const docs = Array.from({ length: count }, (_, n) => ({
    _id: randomUUID(),
    name: 'mail.send',
    args: sendArgs(n, 'resident', 'customer'),
  }));
  for (let start = 0; start < count; start += 1000)
    await local.bulkDocs(docs.slice(start, start + 1000));
  const target = `${url}/outbox-${randomUUID()}`;
  const started = performance.now();
  const result = await PouchDB.replicate(local, target, { batch_size: 500 });
  const ms = performance.now() - started;
  await local.close();
  if (!result.ok) throw new Error('pouch replication failed');
  return { ms, pushed: result.docs_written };
}

const results: Record<string, () => unknown> = {
  'homeline-pull': () => homelinePull(args[0]!, args[1]!, args[2]!),
  'homeline-pull-plain': () => homelinePull(args[0]!, args[1]!, args[2]!, true),
  'homeline-push': () =>
    homelinePush(args[0]!, args[1]!, args[2]!, Number(args[3]), args[4]!, args[5]!),
  floor: () => floor(args[0]!, args[1]!),
  'pouch-pull': () => pouchPull(args[0]!, args[1]!),
  'pouch-push': () => pouchPush(args[0]!, args[1]!, Number(args[2])),
};
const run = results[mode ?? ''];
if (!run) {
  console.error(`sync-worker: unknown mode ${mode}`);
  process.exit(2);
}
console.log(JSON.stringify(await run()));
