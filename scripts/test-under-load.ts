/**
 * `npm run test:under-load [-- --runs 3 --command "npm test"]`: proves the suite does not depend
 * on timing. Keeps every core busy with a spinning process (like a CI machine shared with other
 * jobs), runs the test command the given number of times in a row, and prints each result with
 * its duration and the load average. Exits non-zero if any run failed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const USAGE = `usage: npm run test:under-load -- [--runs N] [--command "npm test"]

Runs the command N times (default 3) while one busy loop per core keeps the machine loaded.`;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    command: { type: 'string', default: 'npm test' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(
    `test:under-load: --runs must be a whole number of at least 1 (got ${values.runs})`,
  );
  process.exit(2);
}

const spinners: ChildProcess[] = Array.from({ length: availableParallelism() }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopSpinners = () => spinners.forEach((spinner) => spinner.kill('SIGKILL'));
process.once('exit', stopSpinners);
process.once('SIGINT', () => process.exit(130));

const results: string[] = [];
let failures = 0;
for (let run = 1; run <= runs; run += 1) {
  const started = process.hrtime.bigint();
  const result = spawnSync(values.command, { shell: true, stdio: 'inherit' });
  const minutes = Number(process.hrtime.bigint() - started) / 60e9;
  const passed = result.status === 0;
  if (!passed) failures += 1;
  results.push(
    `run ${run}/${runs}: ${passed ? 'passed' : `FAILED (exit ${result.status ?? result.signal})`} ` +
      `in ${minutes.toFixed(1)} min, load average ${loadavg()[0]!.toFixed(1)} ` +
      `with ${spinners.length} busy loops`,
  );
}
stopSpinners();
console.log(`\n${results.join('\n')}`);
process.exit(failures === 0 ? 0 : 1);
