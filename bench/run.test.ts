import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Two real benchmarks reporting through figures.ts, one of which misses its goal.
const dir = mkdtempSync(join(tmpdir(), 'homeline-bench-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const figures = pathToFileURL(resolve('bench/figures.ts')).href;
const bench = (name: string, value: number) =>
  writeFileSync(
    join(dir, `${name}.bench.ts`),
    `import { createReport } from '${figures}';
const report = createReport('${name}', { dir: ${JSON.stringify(join(dir, 'results'))} });
report.add({ name: 'answer time', value: ${value}, unit: 'ms', goal: { atMost: 10 } });
report.finish();
`,
  );
mkdirSync(join(dir, 'results'));
bench('quick', 5);
bench('slow', 50);

const runBench = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--dir', dir, ...args], {
    encoding: 'utf8',
  });

describe('npm run bench', () => {
  it('exits 1 when a figure misses its goal, and says which', () => {
    const run = runBench();
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/slow: answer time: 50\.00 ms, goal <= 10\.0 ms MISS/);
    expect(run.stdout).toMatch(/quick: answer time: 5\.00 ms, goal <= 10\.0 ms PASS/);
    expect(run.stderr).toMatch(/1 figure\(s\) missed their goal/);
  });

  it('exits 0 when every figure it ran meets its goal', () => {
    const run = runBench('quick');
    expect(run.stdout).toMatch(/quick: answer time: 5\.00 ms, goal <= 10\.0 ms PASS/);
    expect(run.status).toBe(0);
  });

  it('answers --help', () => {
    const run = runBench('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^npm run bench -- \[NAME\.\.\.\]/);
  });
});
