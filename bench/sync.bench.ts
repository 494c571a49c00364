/**
 * Sync benchmark (`npm run bench -- sync`), end to end: the central service in its own process
 * on 127.0.0.1 (SQLite), the real sync client and device store, and every measured run in a
 * fresh process of its own (sync-worker.ts), the systems interleaved round by round:
 *  - pull 10,000 released mails (~1 KB of English or Spanish, spread over 20 residents) into a
 *    freshly enrolled kiosk, beside (a) the bare insert of the same rows into a fresh store of
 *    the same schema, FTS included (the floor), (b) PouchDB 9 replicating the same documents
 *    from express-pouchdb, and (c) the same pull into an unencrypted store (encryption's cost);
 *  - push 10,000 `mail.send` (stamps spent, moderation, ledger) written offline, beside PouchDB
 *    replicating 10,000 documents of the same shape up to express-pouchdb.
 * Figures through the reporter (figures.ts); the median of BENCH_ROUNDS rounds (default 2).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStorage } from '../sync/server/storage/sqlite';
import { createReport, type FigureInput } from './figures';
import { enrollCodes, median, runChild, seedCentral, startChild } from './setup';

const MAILS = 10_000;
const PUSHES = 10_000;
const RESIDENTS = 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const WORKER = 'bench/sync-worker.ts';
// The device stores of this run are encrypted with one key the workers share (sync-worker.ts).
process.env.BENCH_STORE_KEY = randomBytes(32).toString('hex');

const report = createReport('sync');
const dir = mkdtempSync(join(tmpdir(), 'homeline-sync-bench-'));
const centralDb = join(dir, 'central.db');
const storage = await openSqliteStorage(centralDb);
const seeded = await seedCentral(storage, {
  residents: RESIDENTS,
  mails: MAILS,
  stamps: PUSHES * ROUNDS,
});
// The peer replicates the very documents a kiosk pulls: every change of the facility's scopes.
const documents = await storage.all<{ entity: string; entity_id: string; data: string }>(
  "SELECT entity, entity_id, data FROM changes WHERE op = 'upsert' ORDER BY position",
);
// Kiosks of the residents' unit: a kiosk holds the mail of the residents who sign in there only.
const codes = await enrollCodes(storage, seeded.facilityId, ROUNDS * 3, seeded.housingUnitId);
await storage.close();
report.note(
  `central: ${MAILS} mails over ${RESIDENTS} residents, ${documents.length} changes in all`,
);

const central = await startChild(
  'sync/server/cli.ts',
  ['serve', '--db', centralDb, '--port', '0'],
  /central service on (http:\S+)/,
);
mkdirSync(join(dir, 'pouch-server'));
const pouch = await startChild(
  'bench/peers/pouchdb-server.ts',
  [join(dir, 'pouch-server')],
  /pouchdb on (http:\S+)/,
);

try {
  const created = await fetch(`${pouch.ready}/mail`, { method: 'PUT' });
  if (!created.ok) throw new Error(`pouchdb: ${created.status} ${await created.text()}`);
  for (let start = 0; start < documents.length; start += 1000) {
    const docs = documents.slice(start, start + 1000).map((row) => ({
      _id: `${row.entity}:${row.entity_id}`,
      ...(JSON.parse(row.data) as object),
    }));
    const answer = await fetch(`${pouch.ready}/mail/_bulk_docs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ docs }),
    });
    if (!answer.ok) throw new Error(`pouchdb bulk: ${answer.status}`);
  }

  const runs = {
    pull: [] as number[],
    plainPull: [] as number[],
    floor: [] as number[],
    pouchPull: [] as number[],
  };
  const pushRuns = { homeline: [] as number[], pouch: [] as number[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    const at = (name: string) => {
      const path = join(dir, `${name}-${round}`);
      mkdirSync(path);
      return path;
    };
    const pullDir = at('pull');
    const pulled = await runChild<{ ms: number; mails: number }>(WORKER, [
      'homeline-pull',
      central.ready,
      codes.pop()!,
      pullDir,
    ]);
    if (pulled.mails !== MAILS) throw new Error(`pulled ${pulled.mails} of ${MAILS} mails`);
    runs.pull.push(pulled.ms);
    const pouchPulled = await runChild<{ ms: number; mails: number }>(WORKER, [
      'pouch-pull',
      pouch.ready,
      at('pouch-pull'),
    ]);
    runs.pouchPull.push(pouchPulled.ms);
    const floor = await runChild<{ ms: number; mails: number }>(WORKER, [
      'floor',
      join(pullDir, 'device.db'),
      at('floor'),
    ]);
    runs.floor.push(floor.ms);
    const plainPulled = await runChild<{ ms: number; mails: number }>(WORKER, [
      'homeline-pull-plain',
      central.ready,
      codes.pop()!,
      at('plain-pull'),
    ]);
    if (plainPulled.mails !== MAILS) throw new Error(`pulled ${plainPulled.mails} plain`);
    runs.plainPull.push(plainPulled.ms);
    report.note(
      `round ${round + 1}: pull ${pulled.ms.toFixed(0)} ms, floor ${floor.ms.toFixed(0)} ms, ` +
        `PouchDB pull ${pouchPulled.ms.toFixed(0)} ms, unencrypted pull ${plainPulled.ms.toFixed(0)} ms`,
    );

    const pushed = await runChild<{ ms: number; pushed: number }>(WORKER, [
      'homeline-push',
      central.ready,
      codes.pop()!,
      at('push'),
      String(PUSHES),
      seeded.residentIds[0]!,
      seeded.customerId,
    ]);
    if (pushed.pushed !== PUSHES) throw new Error(`pushed ${pushed.pushed} of ${PUSHES}`);
    pushRuns.homeline.push((PUSHES / pushed.ms) * 1000);
    const pouchPushed = await runChild<{ ms: number; pushed: number }>(WORKER, [
      'pouch-push',
      pouch.ready,
      at('pouch-push'),
      String(PUSHES),
    ]);
    pushRuns.pouch.push((pouchPushed.pushed / pouchPushed.ms) * 1000);
    report.note(
      `round ${round + 1}: push ${pushed.ms.toFixed(0)} ms, PouchDB push ${pouchPushed.ms.toFixed(0)} ms`,
    );
  }

  const pull = { name: 'pull 10k mails into a fresh device', value: median(runs.pull), unit: 'ms' };
  const figures: FigureInput[] = [
    {
      ...pull,
      peer: { name: 'bare insert, same schema with FTS', value: median(runs.floor) },
      goal: { peerRatioAtMost: 2.5 },
    },
    {
      ...pull,
      peer: { name: 'PouchDB 9 <- express-pouchdb', value: median(runs.pouchPull) },
      goal: { fasterThanPeerAtLeast: 15 },
    },
    {
      ...pull,
      name: 'pull 10k mails, encrypted store',
      peer: { name: 'the same pull, unencrypted store', value: median(runs.plainPull) },
      goal: { peerRatioAtMost: 1.3 },
    },
    {
      name: 'push 10k mail.send',
      value: median(pushRuns.homeline),
      unit: 'mutations/s',
      peer: { name: 'PouchDB 9 -> express-pouchdb', value: median(pushRuns.pouch) },
      goal: { atLeast: 30_000 },
    },
  ];
  for (const figure of figures) report.add({ ...figure, details: { rounds: ROUNDS } });
} finally {
  await central.stop();
  await pouch.stop();
  rmSync(dir, { recursive: true, force: true });
  report.finish();
}
