/**
 * How long a tester waits for the simulator CLI to answer one step, against a panel on
 * 127.0.0.1 (as `npm run sim`, the demo and the harness start it):
 * - `ctl shell`, one long-lived process: from writing the step's line to reading its answer;
 * - the peer: `ctl STEP` as a new process each time (tsx start-up dominates);
 * - direct HTTP to the JSON API (what curl does), for the floor.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { createSimulatedKiosk } from '../hardware/simulators/kiosk';
import { startPanel } from '../hardware/simulators/panel';
import { createReport } from './figures';

const STEPS = 40;
const ONE_SHOT_RUNS = 3;
const CLI = ['--import', 'tsx', 'hardware/simulators/cli.ts'];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const p95 = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.95))]!;

/** Alternates a lasting fault on and off, so every step changes the emulator. */
const step = (i: number) => `fault paper_near_end${i % 2 ? ' --off' : ''}`;

const report = createReport('simulator-cli');
const kiosk = createSimulatedKiosk();
const { url, server } = await startPanel(kiosk.controls, () => ({ inProcess: true }));

const shell = spawn(process.execPath, [...CLI, 'ctl', 'shell', '--panel', url], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const answers = createInterface({ input: shell.stdout })[Symbol.asyncIterator]();
const answer = async () => (await answers.next()).value as string;
if ((await answer()) !== 'ready') throw new Error('the shell did not start');
const shellTimes: number[] = [];
for (let i = 0; i < STEPS; i += 1) {
  const started = performance.now();
  shell.stdin.write(`${step(i)}\n`);
  const line = await answer();
  shellTimes.push(performance.now() - started);
  if (!line.startsWith('{"ok":true')) throw new Error(`step refused: ${line}`);
}
shell.stdin.write('exit\n');
await once(shell, 'exit');

const oneShotTimes: number[] = [];
for (let i = 0; i < ONE_SHOT_RUNS; i += 1) {
  const started = performance.now();
  await promisify(execFile)(process.execPath, [
    ...CLI,
    'ctl',
    ...step(i).split(' '),
    '--panel',
    url,
  ]);
  oneShotTimes.push(performance.now() - started);
}

const httpTimes: number[] = [];
for (let i = 0; i < STEPS; i += 1) {
  const started = performance.now();
  const response = await fetch(`${url}/api/fault`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ fault: 'paper_near_end', on: i % 2 === 0 }),
  });
  await response.text();
  httpTimes.push(performance.now() - started);
}
await server.close();

report.add({
  name: 'ctl shell: one step answered (p95)',
  value: p95(shellTimes),
  unit: 'ms',
  peer: { name: 'ctl STEP as a new process (median)', value: median(oneShotTimes) },
  goal: { atMost: 1000 },
  details: { median: median(shellTimes), steps: STEPS },
});
report.add({
  name: 'direct HTTP to the panel API: one step (p95)',
  value: p95(httpTimes),
  unit: 'ms',
  goal: { atMost: 1000 },
  details: { median: median(httpTimes), requests: STEPS },
});
report.finish();
