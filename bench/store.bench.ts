/**
 * Local store at facility scale: 100,000 messages for 500 residents in a SQLite file on disk.
 * Measures the inbox page (50 newest) and full-text search through the repository, on the
 * encrypted store and on a plain copy of the same data in the same run (the cost of encryption),
 * and through the whole backend call path (contract validation, session check, output
 * validation), and the backend's resident memory. Prints figures beside their targets and the
 * load average beside each; never fails on a figure.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import sample from '../assets/facility.sample.json';
import { createBackend, openStore, setResidentPin } from '../electron/backend';
import {
  STORE_KEY_ENV,
  createStore,
  envKeySource,
  openDatabase,
  type Store,
} from '../electron/backend/store';

const RESIDENTS = 500;
const MESSAGES = 100_000;
const RUNS = 500;

/**
 * Real words people search for, inside a larger vocabulary drawn with a Zipf-like skew (as in
 * real text): the searched words are among the most frequent, the worst case for an index.
 */
const searched = (
  'family birthday visit photo school work church letter money lawyer court phone ' +
  'tablet stamps cake party mother father sister brother daughter son grandma holiday ' +
  'familia cumpleaños visita foto escuela trabajo iglesia carta dinero abogado tribunal ' +
  'teléfono tableta estampillas pastel fiesta madre padre hermana hermano hija hijo abuela'
).split(' ');
const vocabulary = [...searched, ...Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}`)];

let seed = 42;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const zipfWord = () => vocabulary[Math.floor(random() ** 2.5 * vocabulary.length)]!;
const sentence = (length: number) => Array.from({ length }, zipfWord).join(' ');

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function time(run: () => unknown): Promise<number[]> {
  for (let i = 0; i < 50; i += 1) await run(); // warm the page cache and the JIT first
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return samples;
}

function report(label: string, samples: number[], targetMs: number | null): void {
  const p50 = percentile(samples, 50).toFixed(3);
  const p95 = percentile(samples, 95).toFixed(3);
  const target = targetMs === null ? '' : `   (target p95 <= ${targetMs} ms)`;
  const load = `load ${loadavg()[0]!.toFixed(1)}`;
  console.log(`${label.padEnd(48)} p50 ${p50} ms   p95 ${p95} ms   ${load}${target}`);
}

const at = (minutesAgo: number) =>
  new Date(Date.UTC(2026, 11, 1) - minutesAgo * 60_000).toISOString();

/** Writes the data set; runs in a child process so the measured process starts clean. */
async function fill(dbPath: string, plain: boolean): Promise<void> {
  // The plain copy exists only to price the encryption; the product always opens encrypted.
  const store = plain
    ? createStore(openDatabase(dbPath))
    : openStore(dbPath, envKeySource(process.env, STORE_KEY_ENV));
  const fillStart = performance.now();
  store.identity.saveFacility({
    facilityId: sample.id,
    version: 1,
    config: sample,
    updatedAt: at(0),
  });
  store.transaction(() => {
    for (let r = 0; r < RESIDENTS; r += 1) {
      const residentId = `r${r}`;
      store.residents.upsert({
        id: residentId,
        facilityId: sample.id,
        state: 'FL',
        docNumber: `B${200000 + r}`,
        firstName: 'Bench',
        lastName: `Resident${r}`,
        tabletSerial: null,
        housingUnitId: null,
        badgeHash: null,
        sourceScope: null,
        updatedAt: at(0),
      });
      for (let c = 0; c < 3; c += 1) {
        store.contacts.upsert(
          {
            id: `${residentId}-c${c}`,
            residentId,
            customerId: `cust-${r}-${c}`,
            displayName: `Contact ${c}`,
            email: `c${c}@example.com`,
            blocked: false,
          },
          at(0),
        );
      }
    }
    for (let m = 0; m < MESSAGES; m += 1) {
      const r = m % RESIDENTS;
      const sortAt = at(Math.floor(random() * 525_600));
      store.mail.insert({
        id: `m${m}`,
        residentId: `r${r}`,
        contactId: `r${r}-c${m % 3}`,
        direction: random() < 0.6 ? 'inbound' : 'outbound',
        status: 'delivered',
        subject: sentence(4),
        body: sentence(40),
        replyToId: null,
        stampCost: 1,
        prepaidReplyStamps: 0,
        ecard: false,
        readAt: null,
        statusReason: null,
        sortAt,
        sentAt: sortAt,
        updatedAt: sortAt,
      });
    }
  });
  await setResidentPin(store, 'r7', '1234', at(0));
  store.db.pragma('optimize');
  store.close();
  console.log(
    `filled ${MESSAGES.toLocaleString('en')} messages for ${RESIDENTS} residents in ${(
      (performance.now() - fillStart) /
      1000
    ).toFixed(1)} s`,
  );
}

const fillIndex = process.argv.indexOf('--fill');
if (fillIndex !== -1) {
  await fill(process.argv[fillIndex + 1]!, process.argv.includes('--plain'));
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'homeline-bench-'));
const dbPath = join(dir, 'device.db');
const plainPath = join(dir, 'plain.db');
// The children read the key from the environment, as the harness may.
process.env[STORE_KEY_ENV] = randomBytes(32).toString('base64url');
for (const [path, flags] of [
  [dbPath, []],
  [plainPath, ['--plain']],
] as const) {
  const filled = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--fill', path, ...flags],
    { stdio: 'inherit' },
  );
  if (filled.status !== 0) throw new Error('filling the bench database failed');
}

const rssBefore = process.memoryUsage().rss;
const backend = await createBackend({
  dbPath,
  profile: 'kiosk',
  facilityId: sample.id,
  logger: pino({ level: 'silent' }),
  storeKey: envKeySource(process.env, STORE_KEY_ENV),
});
const connection = backend.connect(() => undefined);
const login = await connection.invoke('auth.login', {
  method: 'doc',
  state: 'FL',
  docNumber: 'B200007',
  pin: '1234',
});
if (!login.ok) throw new Error(`bench login failed: ${login.error.message}`);

const plainStore = createStore(openDatabase(plainPath));
const inboxOf = (store: Store) =>
  time(() => store.mail.page(`r${Math.floor(random() * RESIDENTS)}`, 'inbox', 50));
const searchOf = (store: Store) =>
  time(() => store.mail.search(`r${Math.floor(random() * RESIDENTS)}`, `"${pick(searched)}"*`, 50));
// Interleaved, so both see the same machine load.
const inboxPlain = await inboxOf(plainStore);
const inboxRepo = await inboxOf(backend.store);
const searchPlain = await searchOf(plainStore);
const searchRepo = await searchOf(backend.store);
plainStore.close();
const inboxCall = await time(() => connection.invoke('mail.list', { folder: 'inbox', limit: 50 }));
const searchCall = await time(() =>
  connection.invoke('mail.search', { query: `${pick(searched)} ${pick(searched)}`, limit: 50 }),
);

console.log(
  `\n${RUNS} runs each after 50 warm-up runs, file on disk (WAL, synchronous=FULL), load average ${loadavg()[0]!.toFixed(1)}`,
);
report('inbox page of 50 newest (repository, plain)', inboxPlain, null);
report('inbox page of 50 newest (repository, encrypted)', inboxRepo, 2);
report('inbox page of 50 newest (backend call)', inboxCall, 2);
report('full-text search, 1 word (repository, plain)', searchPlain, null);
report('full-text search, 1 word (repository, encrypted)', searchRepo, 10);
report('full-text search, 2 words (backend call)', searchCall, 10);
const ratio = (encrypted: number[], plain: number[]) =>
  (percentile(encrypted, 95) / percentile(plain, 95)).toFixed(2);
console.log(
  `encrypted / plain p95: inbox ${ratio(inboxRepo, inboxPlain)}x, search ${ratio(searchRepo, searchPlain)}x   (target <= 1.3x)`,
);
const rss = process.memoryUsage().rss;
console.log(
  `backend RSS ${(rss / 1_048_576).toFixed(1)} MB, of which ${(rssBefore / 1_048_576).toFixed(
    1,
  )} MB before the backend opened (Node + tsx)   (target <= 150 MB)`,
);

await backend.close();
rmSync(dir, { recursive: true, force: true });
