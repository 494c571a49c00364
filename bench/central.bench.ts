/**
 * Central service benchmark (`npm run bench -- central`). The service runs in its own process
 * (as `npm run central` starts it), freshly started for each measurement, on SQLite and on
 * PostgreSQL; this process is the load. In one run, interleaved round by round:
 *  1. empty-delta pulls (facility + a resident with a large mailbox, at the tip) over 50
 *     connections (autocannon), 100 enrolled devices, beside a Fastify hello-world
 *     process measured the same way: requests/s, p99, and the service's CPU per request. Each
 *     engine twice: every request signed (protocol 1), and in a session (each connection's
 *     device opens one with a signed request, then MACs its next 30 pulls, as a device syncing
 *     every 30 s does in a 15-minute session; sync/protocol session.ts);
 *  2. sessions on PostgreSQL with 1, 2 and 3 service processes (node:cluster) on one database
 *     (a connection stays on one worker, as a balancer keeps a device on one process);
 *  3. 10,000 `mail.send` of ~1 KB letters (bench/text.ts, English and Spanish) pushed by 8
 *     devices at once, each for its own resident (so that no balance row is shared): the rate,
 *     the service's CPU per mutation (which a busy machine disturbs far less), and on
 *     PostgreSQL how many writers wait for the change-position counter's row lock (sampled from
 *     pg_stat_activity every 5 ms).
 * Figures through the reporter (figures.ts). BENCH_ROUNDS (default 2), BENCH_SECONDS per load
 * run (default 5, after 2 s of warm-up load that is not measured), BENCH_HEAVY_MAILS (default 10,000; 100,000 takes ~10 minutes to seed here), CENTRAL_BENCH_NODE_ARGS for the service
 * (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), CENTRAL_BENCH_ONLY to measure only the runs
 * whose name contains one of its semicolon-separated parts, case aside (e.g. "SQLite, session;
 * push" for the SQLite session pulls and both pushes, named "push SQLite" and "push PostgreSQL").
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import {
  EnrollRequestSchema,
  SessionResponseSchema,
  formatCursor,
  sessionKeyAgreement,
  type PushResponse,
} from '../sync/protocol';
import { enrollDevice } from '../sync/server/enrollment';
import { readEpoch } from '../sync/server/epoch';
import { openPostgresStorage } from '../sync/server/storage/postgres';
import { openSqliteStorage } from '../sync/server/storage/sqlite';
import type { Storage } from '../sync/server/storage/types';
import { TestDevice, type TestSession } from '../sync/server/testing/device';
import { startTestPostgres } from '../sync/server/testing/postgres';
import { createReport } from './figures';
import { enrollCodes, median, seedCentral, startChild, type Child } from './setup';
import { createLetterWriter } from './text';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = 2;
const HEAVY_MAILS = Number(process.env.BENCH_HEAVY_MAILS ?? 10_000);
const CONNECTIONS = 50;
const PULL_DEVICES = 2 * CONNECTIONS;
/** Pulls per session: 15 minutes of sessions at one sync every 30 s. */
const SESSION_PULLS = 30;
const PUSH_TOTAL = 10_000;
const PUSH_DEVICES = 8;
const PUSH_BATCH = 250;
const letters = createLetterWriter(11);
const nodeArgs = process.env.CENTRAL_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
const only = (process.env.CENTRAL_BENCH_ONLY ?? '')
  .split(';')
  .map((part) => part.trim().toLowerCase())
  .filter(Boolean);
/** Whether the run named `name` is measured (every run without CENTRAL_BENCH_ONLY). */
const selected = (name: string) =>
  only.length === 0 || only.some((part) => name.toLowerCase().includes(part));

const report = createReport('central');
const dir = mkdtempSync(join(tmpdir(), 'homeline-central-bench-'));
const postgres = await startTestPostgres();

interface Engine {
  name: 'SQLite' | 'PostgreSQL';
  /** Arguments of `central serve` that select the database. */
  storageArgs: string[];
  facilityId: string;
  heavyResident: string;
  residentIds: string[];
  customerId: string;
  /** Empty-delta pull bodies, one per device. */
  pullers: { device: TestDevice; body: Buffer }[];
}

async function prepareEngine(
  name: Engine['name'],
  storageArgs: string[],
  open: () => Promise<Storage>,
): Promise<Engine> {
  const storage = await open();
  const started = performance.now();
  const seeded = await seedCentral(storage, {
    residents: PUSH_DEVICES, // each pushing device writes for its own resident
    mails: HEAVY_MAILS,
    heavy: true,
    stamps: PUSH_TOTAL / PUSH_DEVICES,
  });
  const epoch = await readEpoch(storage);
  const tip = await storage.get<{ value: number }>(
    "SELECT value FROM counters WHERE name = 'position'",
  );
  const cursor = formatCursor(epoch, tip?.value ?? 0);
  const pullers: Engine['pullers'] = [];
  // Enrolled in the database (the service's own enrollment), not over HTTP: the enroll door is
  // rate-limited per address, and every device here comes from 127.0.0.1.
  // Kiosks of the large resident's housing unit: each pull reads a page of the facility and one
  // of the resident, as a unit kiosk does.
  for (const code of await enrollCodes(
    storage,
    seeded.facilityId,
    PULL_DEVICES,
    seeded.housingUnitId,
  )) {
    const device = new TestDevice('http://unused');
    // Parsed as the enroll route parses it (the schema normalizes the code a person typed).
    const input = EnrollRequestSchema.parse({
      code,
      publicKey: device.publicKey,
      appVersion: '1.0.0',
      label: 'bench',
    });
    // The load generator never verifies page signatures, so it needs no service key.
    device.identity = {
      ...(await enrollDevice(storage, () => new Date(), input)),
      servicePublicKey: '',
    };
    const scopes = [
      { scope: { kind: 'facility', id: seeded.facilityId }, cursor },
      { scope: { kind: 'resident', id: seeded.residentIds[0]! }, cursor },
    ];
    pullers.push({ device, body: Buffer.from(JSON.stringify({ scopes })) });
  }
  await storage.close();
  report.note(
    `${name}: seeded a resident with ${HEAVY_MAILS} mails in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  const engine: Engine = {
    name,
    storageArgs,
    ...seeded,
    heavyResident: seeded.residentIds[0]!,
    pullers,
  };
  // One real pull proves the body is an empty delta of two pages the service answers.
  const central = await startCentral(engine, 1);
  try {
    const puller = pullers[0]!;
    const answer = await fetch(`${central.ready}/v1/pull`, {
      method: 'POST',
      headers: {
        ...puller.device.signedHeaders('POST', '/v1/pull', puller.body),
        'content-type': 'application/json',
      },
      body: puller.body.toString(),
    });
    const body = (await answer.json()) as { pages?: { changes: unknown[] }[] };
    const pages = body.pages ?? [];
    if (answer.status !== 200 || pages.length !== 2 || pages.some((p) => p.changes.length > 0))
      throw new Error(`empty-delta pull answered ${answer.status}: ${JSON.stringify(body)}`);
  } finally {
    await central.stop();
  }
  return engine;
}

function startCentral(engine: Engine, processes: number): Promise<Child> {
  if (processes === 1) {
    return startChild(
      'sync/server/cli.ts',
      ['serve', ...engine.storageArgs, '--port', '0'],
      /central service on (http:\S+)/,
      { nodeArgs },
    );
  }
  return startChild(
    'bench/peers/central-cluster.ts',
    [String(processes), ...engine.storageArgs, '--port', '0'],
    /central cluster on (http:\S+)/,
    { nodeArgs },
  );
}

/** CPU time (user + system) a process has used so far, in ms, from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

interface Load {
  rate: number;
  p99: number;
  p50: number;
  errors: number;
  cpuMsPerRequest: number;
  /** Share of the pulls that carried a session MAC (the rest were signed). */
  macShare: number;
}

type Auth = 'signed' | 'session';

/** What one autocannon connection holds: its device and, once agreed, its session. */
interface ConnectionState {
  puller?: Engine['pullers'][number];
  session?: TestSession;
}

/** The requests of every connection; the first opens its session when `auth` is 'session'. */
async function pullRequests(
  engine: Engine,
  auth: Auth,
  proofs: { mac: number; signed: number },
): Promise<autocannon.Request[]> {
  // A session belongs to one connection at a time: a connection takes a device from the free
  // queue when it opens a session and gives it back with the session's last pull (twice as many
  // devices as connections, so a device given back is not opened again while that pull is out).
  const free = [...engine.pullers];
  const rotate = () => {
    const puller = free.shift()!;
    free.push(puller); // signed requests need no exclusive device
    return puller;
  };
  const take = (context: ConnectionState) =>
    (context.puller ??= auth === 'signed' ? rotate() : free.shift()!);
  const pull = (request: autocannon.Request, context: ConnectionState): autocannon.Request => {
    const { device, body } = take(context);
    // Until the key is agreed (a millisecond) the connection signs, as a device does.
    const headers = context.session
      ? device.sessionHeaders('POST', '/v1/pull', body, { session: context.session })
      : device.signedHeaders('POST', '/v1/pull', body);
    proofs[context.session ? 'mac' : 'signed'] += 1;
    return {
      ...request,
      method: 'POST',
      path: '/v1/pull',
      body: body.toString(),
      headers: { ...headers, 'content-type': 'application/json' },
    };
  };
  if (auth === 'signed') return [{ setupRequest: pull }];
  // Each device's X25519 half, made before the load (autocannon's hooks cannot wait).
  const agreements = new Map(
    await Promise.all(
      engine.pullers.map(async (puller) => [puller, await sessionKeyAgreement()] as const),
    ),
  );
  const open: autocannon.Request = {
    setupRequest: (request, context: ConnectionState): autocannon.Request => {
      const { device } = take(context);
      const publicKey = agreements.get(context.puller!)!.publicKey;
      const body = Buffer.from(JSON.stringify({ publicKey }));
      return {
        ...request,
        method: 'POST',
        path: '/v1/session',
        body: body.toString(),
        headers: {
          ...device.signedHeaders('POST', '/v1/session', body),
          'content-type': 'application/json',
        },
      };
    },
    onResponse: (status, body, context: ConnectionState) => {
      if (status !== 200) return;
      const answer = SessionResponseSchema.parse(JSON.parse(body));
      const puller = context.puller!;
      void agreements
        .get(puller)!
        .agree(answer.publicKey, answer.sessionId, puller.device.id)
        .then((key) => (context.session = { id: answer.sessionId, key, counter: 0 }));
    },
  };
  // autocannon clears a connection's context after the last request of its list, so each
  // connection opens a session again every SESSION_PULLS pulls: as a device does that syncs every
  // 30 s and opens a session every 15 minutes.
  const last: autocannon.Request = {
    setupRequest: (request, context: ConnectionState) => {
      const built = pull(request, context);
      free.push(context.puller!);
      return built;
    },
  };
  const pulls = Array.from({ length: SESSION_PULLS - 1 }, () => ({ setupRequest: pull }));
  return [open, ...pulls, last];
}

async function load(
  url: string,
  pid: number,
  engine: Engine | null,
  auth: Auth = 'signed',
): Promise<Load> {
  const proofs = { mac: 0, signed: 0 };
  const run = async (duration: number) =>
    autocannon({
      url,
      connections: CONNECTIONS,
      duration,
      requests: engine
        ? await pullRequests(engine, auth, proofs)
        : [{ method: 'POST', path: '/v1/pull', body: '{}' }],
    });
  // Warmed first (JIT, prepared statements, pools), as a service in production is.
  await run(WARMUP_SECONDS);
  proofs.mac = proofs.signed = 0;
  const cpuBefore = cpuMs(pid);
  const result = await run(SECONDS);
  const cpu = cpuMs(pid) - cpuBefore;
  return {
    macShare: proofs.mac / Math.max(1, proofs.mac + proofs.signed),
    rate: result.requests.average,
    p99: result.latency.p99,
    p50: result.latency.p50,
    errors: result.non2xx + result.errors,
    cpuMsPerRequest: result.requests.total ? cpu / result.requests.total : 0,
  };
}

/**
 * Pushes PUSH_TOTAL mail.send from PUSH_DEVICES devices at once; on PostgreSQL samples every
 * 5 ms how many backends wait on a lock while updating the position counter.
 */
async function push(engine: Engine, url: string, pid: number, databaseUrl: string | null) {
  const devices = engine.pullers.slice(0, PUSH_DEVICES).map(({ device }) => device);
  let samples = 0;
  let waiting = 0;
  let active = 0;
  let sampling = true;
  const sampler = databaseUrl
    ? (async () => {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        while (sampling) {
          const row = await client.query<{ waiting: number; active: number }>(
            `SELECT count(*) FILTER (WHERE wait_event_type = 'Lock' AND query LIKE '%counters%')::int AS waiting,
                    count(*) FILTER (WHERE state = 'active' AND pid <> pg_backend_pid())::int AS active
               FROM pg_stat_activity WHERE datname = current_database()`,
          );
          samples += 1;
          waiting += row.rows[0]!.waiting;
          active += row.rows[0]!.active;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        await client.end();
      })()
    : Promise.resolve();
  const perDevice = PUSH_TOTAL / PUSH_DEVICES;
  let applied = 0;
  const cpuBefore = cpuMs(pid);
  const started = performance.now();
  await Promise.all(
    devices.map(async (device, d) => {
      for (let b = 0; b < perDevice / PUSH_BATCH; b += 1) {
        const mutations = Array.from({ length: PUSH_BATCH }, (_, i) => ({
          id: crypto.randomUUID(),
          seq: nextSeq(device.id),
          createdAt: new Date().toISOString(),
          name: 'mail.send',
          args: {
            messageId: crypto.randomUUID(),
            residentId: engine.residentIds[d]!,
            customerId: engine.customerId,
            kind: 'email',
            // ~1 KB letters in both languages, as families write: moderation reads every one.
            body: letters.letter(i % 2 === 0 ? 'en' : 'es'),
          },
        }));
        const body = Buffer.from(JSON.stringify({ mutations }));
        const answer = await fetch(`${url}/v1/push`, {
          method: 'POST',
          headers: {
            ...device.signedHeaders('POST', '/v1/push', body),
            'content-type': 'application/json',
          },
          body,
        });
        const { results } = (await answer.json()) as PushResponse;
        applied += results.filter((r) => r.status === 'applied').length;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuMsPerMutation = (cpuMs(pid) - cpuBefore) / PUSH_TOTAL;
  sampling = false;
  await sampler;
  return {
    rate: PUSH_TOTAL / seconds,
    cpuMsPerMutation,
    applied,
    counterWaiters: samples ? waiting / samples : 0,
    activeBackends: samples ? active / samples : 0,
  };
}
const seqs = new Map<string, number>();
/** Each device's outbox sequence goes on from one push run to the next. */
const nextSeq = (deviceId: string) => {
  const seq = (seqs.get(deviceId) ?? 0) + 1;
  seqs.set(deviceId, seq);
  return seq;
};

type EngineName = Engine['name'];
interface Run {
  key: string;
  engine: EngineName;
  processes: number;
  auth: Auth;
}
const allRuns: Run[] = [
  { key: 'SQLite, signed', engine: 'SQLite', processes: 1, auth: 'signed' },
  { key: 'SQLite, session', engine: 'SQLite', processes: 1, auth: 'session' },
  { key: 'PostgreSQL, signed', engine: 'PostgreSQL', processes: 1, auth: 'signed' },
  { key: 'PostgreSQL, session', engine: 'PostgreSQL', processes: 1, auth: 'session' },
  ...[2, 3].map((processes): Run => ({
    key: `PostgreSQL, session, ${processes} processes`,
    engine: 'PostgreSQL',
    processes,
    auth: 'session',
  })),
];
const runs = allRuns.filter((run) => selected(run.key));
const pushes = (['SQLite', 'PostgreSQL'] as const).filter((name) => selected(`push ${name}`));
const needed = (name: EngineName) =>
  pushes.includes(name) || runs.some((run) => run.engine === name);
if (runs.length === 0 && pushes.length === 0)
  throw new Error(`CENTRAL_BENCH_ONLY="${process.env.CENTRAL_BENCH_ONLY}" selects no run`);

try {
  const engines = new Map<EngineName, { engine: Engine; databaseUrl: string | null }>();
  if (needed('SQLite')) {
    const file = join(dir, 'central.db');
    engines.set('SQLite', {
      engine: await prepareEngine('SQLite', ['--db', file], () => openSqliteStorage(file)),
      databaseUrl: null,
    });
  }
  if (needed('PostgreSQL')) {
    const url = await postgres.createDatabase();
    engines.set('PostgreSQL', {
      engine: await prepareEngine('PostgreSQL', ['--postgres', url], () =>
        openPostgresStorage(url),
      ),
      databaseUrl: url,
    });
  }
  const engineOf = (name: EngineName) => engines.get(name)!;
  const hello: Load[] = [];
  const pulls = new Map<string, Load[]>();
  const record = (key: string, value: Load) => pulls.set(key, [...(pulls.get(key) ?? []), value]);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const run of runs) {
      const peer = await startChild('bench/peers/fastify-hello.ts', [], /on (http:\S+)/);
      hello.push(await load(peer.ready, peer.process.pid!, null));
      await peer.stop();
      const { engine } = engineOf(run.engine);
      const central = await startCentral(engine, run.processes);
      const measured = await load(central.ready, central.process.pid!, engine, run.auth);
      await central.stop();
      record(run.key, measured);
      report.note(
        `round ${round + 1} ${run.key}: ${measured.rate.toFixed(0)} req/s p99 ${measured.p99} ms, ` +
          // With several processes the pid is the cluster's primary, which serves nothing.
          (run.processes === 1 ? `CPU ${measured.cpuMsPerRequest.toFixed(3)} ms/req, ` : '') +
          `${measured.errors} errors, ` +
          `${(measured.macShare * 100).toFixed(0)}% MACed; hello ${hello.at(-1)!.rate.toFixed(0)} req/s; ` +
          `load ${loadavg()[0]!.toFixed(1)}`,
      );
    }
  }
  const helloRate = median(hello.map((h) => h.rate));
  const helloP99 = median(hello.map((h) => h.p99));
  for (const run of runs) {
    const loads = pulls.get(run.key)!;
    const errors = loads.reduce((sum, l) => sum + l.errors, 0);
    report.add({
      name: `central empty-delta pulls, ${CONNECTIONS} conn, ${run.key}`,
      value: median(loads.map((l) => l.rate)),
      unit: 'req/s',
      peer: { name: 'Fastify hello', value: helloRate },
      goal: { atLeast: 5_000 },
      details: {
        errors,
        rounds: ROUNDS,
        seconds: SECONDS,
        macShare: median(loads.map((l) => l.macShare)),
      },
    });
    report.add({
      name: `central empty-delta pulls p99, ${run.key}`,
      value: median(loads.map((l) => l.p99)),
      unit: 'ms',
      peer: { name: 'Fastify hello', value: helloP99 },
      goal: { atMost: 20 },
    });
    if (run.processes === 1) {
      report.add({
        name: `central CPU per empty-delta pull, ${run.key}`,
        value: median(loads.map((l) => l.cpuMsPerRequest)),
        unit: 'ms',
        peer: { name: 'Fastify hello', value: median(hello.map((h) => h.cpuMsPerRequest)) },
      });
    }
  }

  for (const name of pushes) {
    const { engine, databaseUrl } = engineOf(name);
    const central = await startCentral(engine, 1);
    const pushed = await push(engine, central.ready, central.process.pid!, databaseUrl);
    await central.stop();
    if (pushed.applied !== PUSH_TOTAL)
      throw new Error(`${engine.name}: ${pushed.applied} of ${PUSH_TOTAL} mail.send applied`);
    report.add({
      name: `central push 10k mail.send, ${PUSH_DEVICES} devices, ${engine.name}`,
      value: pushed.rate,
      unit: 'mutations/s',
      goal: { atLeast: 30_000 },
    });
    report.add({
      name: `central CPU per mail.send, ${engine.name}`,
      value: pushed.cpuMsPerMutation,
      unit: 'ms',
    });
    if (databaseUrl) {
      report.add({
        name: 'writers waiting on the position counter (mean)',
        value: pushed.counterWaiters,
        unit: 'backends',
        details: { activeBackends: pushed.activeBackends },
      });
    }
  }
} finally {
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
  report.finish();
}
