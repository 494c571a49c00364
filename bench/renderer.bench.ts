/**
 * Renderer budgets, through bench/figures.ts: the gzipped JavaScript the first screen loads
 * (goal <= 200 KB), the time to the first rendered screen over cold loads in Chromium against
 * the harness (p95 goal <= 1 s), and the contract calls a person's actions cost on the real
 * backend, counted on the WebSocket: sending a message (goal <= 3) and opening an unread one
 * (goal 1). Builds dist/renderer when it is missing (`--rebuild` forces it).
 */
import { chromium, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { DEMO, startHarness } from '../electron/harness';
import { tapPin } from '../tests/e2e/harness';
import { createReport } from './figures';

const DIST = 'dist/renderer';
const RUNS = 20;
/** Calls that ride along with any activity, not caused by the action measured. */
const BACKGROUND = new Set(['auth.touch', 'device.syncStatus', 'device.syncNow']);

function build() {
  if (existsSync(join(DIST, 'index.html')) && !process.argv.includes('--rebuild')) return;
  const run = spawnSync('npm', ['run', 'build:renderer'], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error('renderer build failed');
}

/** Scripts index.html loads at once: the entry and its module preloads (lazy screens excluded). */
function initialAssets() {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  // the pattern's one group takes part in every match
  const refs = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => m[1]!);
  return refs.map((ref) => {
    const bytes = readFileSync(join(DIST, ref));
    return { ref, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
}

const percentile = (sorted: number[], p: number) => {
  const value = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  if (value === undefined) throw new Error('no samples to take a percentile of');
  return value;
};

/** Every contract method the page invokes, in order, from the moment it is called. */
function recordCalls(page: Page): string[] {
  const calls: string[] = [];
  page.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => {
      const frame = JSON.parse(String(payload)) as { type?: string; method?: string };
      if (frame.type === 'invoke' && frame.method && !BACKGROUND.has(frame.method))
        calls.push(frame.method);
    }),
  );
  return calls;
}

/** The calls `action` caused until `done` resolved. */
async function callsOf(calls: string[], action: () => Promise<void>): Promise<string[]> {
  const from = calls.length;
  await action();
  return calls.slice(from);
}

const report = createReport('renderer');
build();
const assets = initialAssets();
const js = assets.filter((a) => a.ref.endsWith('.js'));
const sum = (key: 'raw' | 'gzip') => js.reduce((s, a) => s + a[key], 0);
report.add({
  name: 'initial JS, gzipped (entry + preloads)',
  value: sum('gzip') / 1024,
  unit: 'KB',
  goal: { atMost: 200 },
  details: { files: js.map((a) => a.ref).join(', '), rawKB: Math.round(sum('raw') / 1024) },
});

const dataDir = mkdtempSync(join(tmpdir(), 'homeline-bench-renderer-'));
const harness = await startHarness({ dataDir, seed: 'demo', logger: pino({ level: 'warn' }) });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
try {
  const firstRender: number[] = [];
  const fcp: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    // A fresh context each run: nothing cached, like a kiosk after a restart.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(harness.url);
    // First render = the login screen's heading is on screen, with device info from the backend.
    await page.getByRole('heading', { name: 'Welcome' }).waitFor();
    const timings = await page.evaluate(() => ({
      now: performance.now(),
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
    }));
    firstRender.push(timings.now);
    fcp.push(timings.fcp);
    await context.close();
  }
  const sorted = [...firstRender].sort((a, b) => a - b);
  const sortedFcp = [...fcp].sort((a, b) => a - b);
  report.add({
    name: `first render of the login screen, p95 of ${RUNS} cold loads`,
    value: percentile(sorted, 95),
    unit: 'ms',
    goal: { atMost: 1000 },
    details: {
      medianMs: Math.round(percentile(sorted, 50)),
      firstContentfulPaintMedianMs: Math.round(percentile(sortedFcp, 50)),
    },
  });

  // Contract calls per action, on the real backend (a kiosk with the demo mail).
  const context = await browser.newContext({
    hasTouch: true,
    viewport: { width: 1080, height: 1920 },
  });
  const page = await context.newPage();
  const calls = recordCalls(page);
  await page.goto(harness.url);
  await page.getByLabel('State').fill(DEMO.state);
  await page.getByLabel('DOC number').fill(DEMO.docNumber(2));
  await page.getByRole('button', { name: 'Done' }).tap();
  await tapPin(page, DEMO.pin);
  await page.getByRole('button', { name: 'Log in' }).tap();
  const nav = page.getByRole('navigation', { name: 'Main menu' });
  await nav.getByRole('button', { name: 'Inbox' }).tap();
  const unread = page.locator('.list-item.unread').first();
  const subject = (await unread.locator('.subject, strong').first().innerText()).trim();
  const opening = await callsOf(calls, async () => {
    await unread.tap();
    await page.getByRole('heading', { name: subject }).waitFor();
  });
  report.add({
    name: 'contract calls to open an unread message',
    value: opening.length,
    unit: 'calls',
    goal: { atMost: 1 },
    details: { calls: opening.join(', ') },
  });
  const sending = await callsOf(calls, async () => {
    await page.getByRole('button', { name: 'Reply' }).tap();
    await page.getByText(/Total/).first().waitFor();
    await page.getByLabel('Message', { exact: true }).fill('Thank you for the news.');
    await page.getByRole('button', { name: 'Done' }).tap();
    await page.getByRole('button', { name: 'Send' }).tap();
    await page.getByText(/Pending: it will be sent/).waitFor();
  });
  report.add({
    name: 'contract calls to send a message (reply: quote + send)',
    value: sending.length,
    unit: 'calls',
    goal: { atMost: 3 },
    details: { calls: sending.join(', ') },
  });
  await context.close();
} finally {
  await browser.close();
  await harness.close();
  rmSync(dataDir, { recursive: true, force: true });
}
report.finish();
