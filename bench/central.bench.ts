/**
 * Central service benchmark (docs/central.md). The service runs as its own process, exactly as
 * `npm run central` starts it, on a SQLite file; this process is the load:
 *  1. push 10,000 mutations over loopback HTTP from 4 devices in batches of 250, twice: mail.send
 *     (authoritative stamp spend) and auth.pinSucceeded (light) -> mutations/s (target >= 30,000);
 *  2. autocannon for a bounded time: signed, empty-delta pulls (facility + resident scope) from
 *     100 devices -> requests/s (target >= 2,000) and p99 latency (target <= 50 ms).
 * Prints figures; never fails on a figure.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { PullResponseSchema, type PushResponse } from '../sync/protocol';
import { registerCustomer } from '../sync/server/customers';
import { createEnrollCode } from '../sync/server/enrollment';
import { credit } from '../sync/server/ledger';
import { seedSample } from '../sync/server/seed';
import { openSqliteStorage } from '../sync/server/storage/sqlite';
import { TestDevice } from '../sync/server/testing/device';
import { inWork } from '../sync/server/work';

const PUSH_TOTAL = 10_000;
const PUSH_DEVICES = 4;
const PUSH_BATCH = 250;
const PULL_DEVICES = 100;
const PULL_SECONDS = 10;
const clock = () => new Date();

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'homeline-central-bench-'));
const db = join(dir, 'central.db');

// Prepare the database: sample facility, a resident with enough stamps, one contact.
const storage = await openSqliteStorage(db);
const { facilityId } = await seedSample(storage, clock);
const writer = 'demo-resident-1';
const reader = 'demo-resident-2';
await inWork(storage, clock, (work) =>
  credit(work, {
    owner: { type: 'resident', id: writer },
    account: 'stamps',
    amount: PUSH_TOTAL,
    kind: 'adjustment',
    reference: 'bench',
  }),
);
await registerCustomer(storage, clock, {
  email: 'bench@example.com',
  password: 'bench password 1',
  displayName: 'Bench',
  residentId: writer,
  acceptedTermsVersion: '1',
});
const customerId = (await storage.get<{ id: string }>(
  "SELECT id FROM customers WHERE email = 'bench@example.com'",
))!.id;
// One enrollment code per device, made as facility IT would on the command line.
const enrollCodes: string[] = [];
for (let i = 0; i < PUSH_DEVICES + PULL_DEVICES; i += 1)
  enrollCodes.push(
    (await createEnrollCode(storage, clock, { facilityId, profile: 'kiosk', validHours: 1 })).code,
  );
await storage.close();

const port = await freePort();
const server = spawn(
  process.execPath,
  [
    // e.g. CENTRAL_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the service.
    ...(process.env.CENTRAL_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    '--import',
    'tsx',
    'sync/server/cli.ts',
    '--db',
    db,
    '--port',
    String(port),
  ],
  {
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
await new Promise<void>((resolve, reject) => {
  server.stdout.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('central service on')) resolve();
  });
  server.once('exit', (code) => reject(new Error(`central exited with ${code}`)));
});
const baseUrl = `http://127.0.0.1:${port}`;

async function enrolledDevice(): Promise<TestDevice> {
  const code = enrollCodes.pop();
  if (!code) throw new Error('bench: no enrollment code left');
  const device = new TestDevice(baseUrl);
  await device.enroll(code);
  return device;
}

try {
  // 1. Push: mail.send (stamp spend, moderation, message, ledger) and auth.pinSucceeded (light).
  const pushers = await Promise.all(Array.from({ length: PUSH_DEVICES }, enrolledDevice));
  const nextSeq = pushers.map(() => 0);
  async function pushAll(label: string, makeArgs: (n: number) => { name: string; args: unknown }) {
    const perDevice = PUSH_TOTAL / PUSH_DEVICES;
    const batches = pushers.map((_, d) =>
      Array.from({ length: perDevice / PUSH_BATCH }, (_, b) =>
        Array.from({ length: PUSH_BATCH }, (_, i) => ({
          id: crypto.randomUUID(),
          seq: (nextSeq[d] += 1),
          createdAt: new Date().toISOString(),
          ...makeArgs(b * PUSH_BATCH + i),
        })),
      ),
    );
    let applied = 0;
    const started = performance.now();
    await Promise.all(
      pushers.map(async (device, d) => {
        for (const mutations of batches[d]) {
          const answer = await device.request<PushResponse>('POST', '/v1/push', { mutations });
          applied += answer.body.results.filter((r) => r.status === 'applied').length;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `push ${label}: ${PUSH_TOTAL} mutations (${applied} applied) in ${seconds.toFixed(2)} s`,
    );
    console.log(
      `push ${label}: ${Math.round(PUSH_TOTAL / seconds)} mutations/s (target >= 30,000)`,
    );
  }
  await pushAll('mail.send', (n) => ({
    name: 'mail.send',
    args: {
      messageId: crypto.randomUUID(),
      residentId: writer,
      customerId,
      kind: 'email',
      body: `Message ${n}`,
    },
  }));
  await pushAll('auth.pinSucceeded', () => ({
    name: 'auth.pinSucceeded',
    args: { residentId: writer, at: new Date().toISOString() },
  }));

  // 2. Empty-delta pulls under autocannon.
  const pullers = await Promise.all(Array.from({ length: PULL_DEVICES }, enrolledDevice));
  const bodies = await Promise.all(
    pullers.map(async (device) => {
      let scopes = [
        { scope: { kind: 'facility', id: facilityId }, cursor: null as string | null },
        { scope: { kind: 'resident', id: reader }, cursor: null as string | null },
      ];
      for (;;) {
        const answer = await device.request('POST', '/v1/pull', { scopes });
        const pages = PullResponseSchema.parse(answer.body).pages;
        scopes = pages.map((page) => ({ scope: page.scope, cursor: page.cursor }));
        if (!pages.some((page) => page.hasMore)) return Buffer.from(JSON.stringify({ scopes }));
      }
    }),
  );
  let next = 0;
  const result = await autocannon({
    url: baseUrl,
    connections: 50,
    duration: PULL_SECONDS,
    requests: [
      {
        setupRequest: (request) => {
          const index = next++ % PULL_DEVICES;
          const body = bodies[index];
          return {
            ...request,
            method: 'POST',
            path: '/v1/pull',
            body: body.toString(),
            headers: {
              ...pullers[index].signedHeaders('POST', '/v1/pull', body),
              'content-type': 'application/json',
            },
          };
        },
      },
    ],
  });
  console.log(
    `pull: ${result.requests.total} empty-delta pulls from ${PULL_DEVICES} devices in ${PULL_SECONDS} s, ` +
      `${result.non2xx} non-2xx, ${result.errors} errors`,
  );
  console.log(`pull: ${Math.round(result.requests.average)} req/s (target >= 2,000)`);
  console.log(
    `pull: p99 latency ${result.latency.p99} ms (target <= 50 ms), p50 ${result.latency.p50} ms`,
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}
