/**
 * Local store at facility scale: 100,000 messages for 500 residents in a SQLite file on disk.
 * Measures the inbox page (50 newest) and full-text search through the repository, on the
 * encrypted store and on a plain copy of the same data in the same run (the cost of encryption),
 * and through the whole backend call path (contract validation, session check, output
 * validation), and the backend's resident memory. Figures through the reporter (figures.ts):
 * each beside its peer of the same run, ratio, goal and load average. Besides the even spread, one
 * resident holds a mailbox of BENCH_HEAVY_MESSAGES alone (inbox page and search must not grow
 * with it). BENCH_MESSAGES and BENCH_HEAVY_MESSAGES (default 100,000 each) make a smaller variant
 * for development.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
import { createReport, type Goal } from './figures';

const RESIDENTS = 500;
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
/** One more resident, alone with a mailbox this large (a resident in service for years). */
const HEAVY_MESSAGES = Number(process.env.BENCH_HEAVY_MESSAGES ?? 100_000);
const HEAVY = 'heavy';
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

/**
 * Samples of each run, taken in turn (a, b, a, b ...) with the same argument for both, so a
 * burst of load from elsewhere on the machine hits every system of a ratio alike.
 */
async function time<A, Runs extends readonly ((argument: A) => unknown)[]>(
  argument: () => A,
  ...runs: Runs
): Promise<{ [R in keyof Runs]: number[] }> {
  const timed = runs.map((run) => ({ run, samples: [] as number[] }));
  for (let i = 0; i < 50 + RUNS; i += 1) {
    const given = argument();
    for (const { run, samples } of timed) {
      const start = performance.now();
      await run(given);
      // The first 50 rounds warm the page cache and the JIT.
      if (i >= 50) samples.push(performance.now() - start);
    }
  }
  // one list of samples per run, in the order of `runs`
  return timed.map(({ samples }) => samples) as { [R in keyof Runs]: number[] };
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
    for (let r = 0; r <= RESIDENTS; r += 1) {
      const residentId = r === RESIDENTS ? HEAVY : `r${r}`;
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
    // The evenly spread residents, then the heavy one (residents index RESIDENTS, as above).
    const mails = [
      ...Array.from({ length: MESSAGES }, (_, m) => ({ id: `m${m}`, r: m % RESIDENTS })),
      ...Array.from({ length: HEAVY_MESSAGES }, (_, m) => ({ id: `h${m}`, r: RESIDENTS })),
    ];
    for (const [m, { id, r }] of mails.entries()) {
      const residentId = r === RESIDENTS ? HEAVY : `r${r}`;
      const sortAt = at(Math.floor(random() * 525_600));
      store.mail.insert({
        id,
        residentId,
        contactId: `${residentId}-c${m % 3}`,
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
    `filled ${MESSAGES.toLocaleString('en')} messages for ${RESIDENTS} residents and ${HEAVY_MESSAGES.toLocaleString('en')} for one more in ${(
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

/** A backend call that must succeed: a refused one (e.g. a session that ran out) is no figure. */
async function call(...args: Parameters<typeof connection.invoke>): Promise<void> {
  const answer = await connection.invoke(...args);
  if (!answer.ok) throw new Error(`${args[0]} failed: ${answer.error.message}`);
}
// First, while the resident's session is fresh (it ends after a few idle minutes of measuring).
const [inboxCall] = await time(
  () => undefined,
  () => call('mail.list', { folder: 'inbox', limit: 50 }),
);
const [searchCall] = await time(
  () => `${pick(searched)} ${pick(searched)}`,
  (query) => call('mail.search', { query, limit: 50 }),
);

const plainStore = createStore(openDatabase(plainPath));
const aResident = () => `r${Math.floor(random() * RESIDENTS)}`;
const aSearch = () => ({ residentId: aResident(), query: `"${pick(searched)}"*` });
const inboxOf = (store: Store) => (residentId: string) => store.mail.page(residentId, 'inbox', 50);
const searchOf =
  (store: Store) =>
  ({ residentId, query }: { residentId: string; query: string }) =>
    store.mail.search(residentId, query, 50);
const [inboxPlain, inboxRepo] = await time(aResident, inboxOf(plainStore), inboxOf(backend.store));
const [searchPlain, searchRepo] = await time(
  aSearch,
  searchOf(plainStore),
  searchOf(backend.store),
);
const [heavyInbox, heavySearch] = await time(
  () => pick(searched),
  // what `mail.list` reads: the page and the unread count beside it
  () => [backend.store.mail.page(HEAVY, 'inbox', 50), backend.store.mail.unreadCount(HEAVY)],
  (word) => backend.store.mail.search(HEAVY, `"${word}"*`, 50),
);
plainStore.close();

const report = createReport('store');
report.note(
  `${MESSAGES.toLocaleString('en')} messages for ${RESIDENTS} residents, ${RUNS} runs each after 50 warm-up runs, file on disk (WAL, synchronous=FULL)`,
);
/** A p95 figure in ms beside the p95 of its peer's samples of the same run, p50 kept. */
function latency(name: string, samples: number[], peer: [string, number[]], goal: Goal): void {
  report.add({
    name,
    value: percentile(samples, 95),
    unit: 'ms',
    peer: { name: peer[0], value: percentile(peer[1], 95) },
    goal,
    details: { p50: percentile(samples, 50) },
  });
}
const size = `${Math.round(MESSAGES / 1000)}k messages`;
const heavy = `one resident with ${Math.round(HEAVY_MESSAGES / 1000)}k messages`;
const encrypted = { peerRatioAtMost: 1.3 };
latency(
  `inbox page of 50 newest p95, ${size}, encrypted`,
  inboxRepo,
  ['the same page, unencrypted copy', inboxPlain],
  encrypted,
);
latency(
  `inbox page of 50 newest p95, ${size}, backend call`,
  inboxCall,
  ['the repository query alone', inboxRepo],
  { atMost: 2 },
);
latency(
  `full-text search, 1 frequent word, p95, ${size}, encrypted`,
  searchRepo,
  ['the same search, unencrypted copy', searchPlain],
  encrypted,
);
latency(
  `full-text search, 2 words, p95, ${size}, backend call`,
  searchCall,
  ['the repository search alone', searchRepo],
  { atMost: 10 },
);
latency(
  `inbox page of 50 newest and unread count p95, ${heavy}`,
  heavyInbox,
  ['the same page, evenly spread residents', inboxRepo],
  { atMost: 2 },
);
latency(
  `full-text search, 1 frequent word, p95, ${heavy}`,
  heavySearch,
  ['the same search, evenly spread residents', searchRepo],
  { atMost: 10 },
);
report.add({
  name: 'backend resident memory',
  value: process.memoryUsage().rss / 1_048_576,
  unit: 'MB',
  peer: { name: 'before the backend opened (Node + tsx)', value: rssBefore / 1_048_576 },
  goal: { atMost: 150 },
});

await backend.close();
rmSync(dir, { recursive: true, force: true });
report.finish();
