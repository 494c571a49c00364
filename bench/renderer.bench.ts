/**
 * Renderer budgets: the gzipped JavaScript the first screen loads (target <= 200 KB) and the
 * time to the first rendered screen in Chromium against the harness (target <= 1 s). Builds
 * dist/renderer when it is missing (`--rebuild` forces it). Prints figures; never fails on them.
 */
import { chromium } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { startHarness } from '../electron/harness';

const DIST = 'dist/renderer';
const RUNS = 15;

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

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const percentile = (sorted: number[], p: number) => {
  const value = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  if (value === undefined) throw new Error('no samples to take a percentile of');
  return value;
};

build();
const assets = initialAssets();
const js = assets.filter((a) => a.ref.endsWith('.js'));
const css = assets.filter((a) => a.ref.endsWith('.css'));
const sum = (list: typeof assets, key: 'raw' | 'gzip') => list.reduce((s, a) => s + a[key], 0);
console.log(`initial JS files: ${js.map((a) => a.ref).join(', ')}`);
console.log(
  `initial JS gzipped: ${kb(sum(js, 'gzip'))} (raw ${kb(sum(js, 'raw'))})  target <= 200 KB`,
);
console.log(`initial CSS gzipped: ${kb(sum(css, 'gzip'))}`);

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
  console.log(
    `first render (login screen with backend data), ${RUNS} cold loads: median ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms  target <= 1000 ms`,
  );
  console.log(`first contentful paint: median ${percentile(sortedFcp, 50).toFixed(0)} ms`);
} finally {
  await browser.close();
  await harness.close();
  rmSync(dataDir, { recursive: true, force: true });
}
