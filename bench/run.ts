/**
 * `npm run bench` (USAGE below): runs every bench/*.bench.ts in its own Node process, one after the other, so
 * that each one's memory and timings are its own. Benchmarks report through figures.ts (each
 * figure with its peer, ratio, goal, pass/miss and load average, also written to
 * bench/results/<bench>.json); at the end this runner prints every figure of the benchmarks that
 * wrote results in this run, and exits non-zero when a benchmark failed or a figure missed its
 * goal (read from the results too, so a bench that loses its exit code still fails the run).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeGoal, type Figure } from './figures';

const USAGE = `npm run bench -- [NAME...] [--dir DIR]

Runs every DIR/*.bench.ts (default: the bench folder) whose file name contains one of the
NAMEs (all without), one after the other, each in its own Node process; prints every figure
with its peer, goal, PASS or MISS and the load average, and exits 1 when a benchmark failed
or any figure missed its goal. docs/performance.md explains the figures.`;

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const { values, positionals: filters } = parseArgs({
  allowPositionals: true,
  options: { dir: { type: 'string', default: dirname(fileURLToPath(import.meta.url)) } },
});
const here = resolve(values.dir);
if (!existsSync(here)) {
  console.error(`bench: no such folder: ${here}`);
  process.exit(2);
}
const benches = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();

if (benches.length === 0) {
  console.error(`bench: nothing matches ${filters.join(', ') || '*.bench.ts'}`);
  process.exit(1);
}

const started = Date.now();
let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, bench)], {
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    failed += 1;
    console.error(`bench: ${bench} exited with ${run.status ?? run.signal}`);
  }
}

const results = join(here, 'results');
const written = existsSync(results)
  ? readdirSync(results)
      .filter((file) => file.endsWith('.json'))
      .filter((file) => statSync(join(results, file)).mtimeMs >= started)
  : [];
if (written.length > 0) console.log('\n=== every figure of this run');
let missed = 0;
for (const file of written.sort()) {
  const { figures } = JSON.parse(readFileSync(join(results, file), 'utf8')) as {
    figures: Figure[];
  };
  for (const figure of figures) {
    if (figure.pass === false) missed += 1;
    const verdict = figure.pass === null ? '' : figure.pass ? 'PASS' : 'MISS';
    const ratio =
      figure.ratio === null ? '' : ` (${figure.ratio.toFixed(2)}x ${figure.peer?.name})`;
    console.log(
      `${file.replace('.json', '')}: ${figure.name}: ${figure.value.toFixed(2)} ${figure.unit}` +
        `${ratio}, goal ${describeGoal(figure.goal, figure.unit)} ${verdict}, load ${figure.loadAverage1m.toFixed(2)}`,
    );
  }
}
if (missed > 0) console.error(`bench: ${missed} figure(s) missed their goal`);
process.exit(failed === 0 && missed === 0 ? 0 : 1);
