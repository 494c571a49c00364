import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/central-process';

/**
 * Every command line a newcomer runs, as a child process the way npm runs it: `--help` answers
 * with the usage, and a busy port or a missing file is one line naming it (no stack trace).
 */
const dir = mkdtempSync(join(tmpdir(), 'homeline-clis-'));
let busy: Server;
let busyPort: number;

beforeAll(async () => {
  busy = createServer().listen(0, '127.0.0.1');
  await once(busy, 'listening');
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(() => {
  busy.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) =>
    child.once('close', (status) => resolve({ status, stdout, stderr })),
  );
}

/** The file each `npm run <script>` runs through tsx, read from package.json itself. */
const scripts = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;
const tsxScripts = Object.entries(scripts)
  .map(([name, command]) => [name, /^tsx (\S+\.ts)$/.exec(command)?.[1]] as const)
  // test:e2e hands its arguments to Playwright, whose own --help answers.
  .filter((entry): entry is readonly [string, string] => entry[1] !== undefined)
  .filter(([name]) => name !== 'test:e2e');

const oneLine = (result: Run, program: string) => {
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^${program}: `));
  expect(result.stderr).not.toMatch(/^\s+at /m);
  return lines[0];
};

const processorKeys = {
  HOMELINE_PROCESSOR_SECRET_KEY: 'sk_test_0123456789abcdef',
  HOMELINE_PROCESSOR_PUBLISHABLE_KEY: 'pk_test_0123456789abcdef',
  HOMELINE_PROCESSOR_WEBHOOK_SECRET: 'whsec_0123456789abcdef',
};

describe('command lines', () => {
  it('covers every npm script that runs a tool of ours', () => {
    expect(tsxScripts.map(([name]) => name).sort()).toEqual(
      expect.arrayContaining(['bench', 'central', 'demo', 'dist', 'harness', 'processor', 'sim']),
    );
  });

  it('answer --help with their usage on standard output and exit 0', async () => {
    const programs: (readonly [string, string])[] = [
      ...tsxScripts,
      ['updates', 'sync/server/updates/cli.ts'],
    ];
    const results = await Promise.all(programs.map(([, file]) => run(file, ['--help'])));
    results.forEach((result, index) => {
      const [name] = programs[index]!;
      expect(result.status, `${name}: ${result.stderr}`).toBe(0);
      expect(result.stdout, name).toMatch(/(npm run|npx tsx) [\w:/.-]+/);
      expect(result.stderr, name).toBe('');
    });
  }, 120_000);

  it('say a busy port in one line', async () => {
    const address = `127.0.0.1:${busyPort} is already in use`;
    const [central, harness, processor] = await Promise.all([
      run('sync/server/cli.ts', ['--port', String(busyPort), '--data-dir', join(dir, 'central')]),
      run('electron/harness/cli.ts', [
        '--port',
        String(busyPort),
        '--data-dir',
        join(dir, 'harness'),
      ]),
      run('sync/processor/cli.ts', ['--port', String(busyPort)], processorKeys),
    ]);
    expect(central.status).toBe(1);
    expect(oneLine(central, 'central')).toContain(address);
    expect(harness.status).toBe(1);
    expect(oneLine(harness, 'harness')).toContain(address);
    expect(processor.status).toBe(1);
    expect(oneLine(processor, 'processor')).toContain(address);
  }, 120_000);

  it('say a missing file in one line naming it', async () => {
    const missing = join(dir, 'absent', 'update-signing.pub');
    const [central, sim] = await Promise.all([
      run('sync/server/cli.ts', [
        '--port',
        '0',
        '--data-dir',
        join(dir, 'central-feed'),
        '--releases',
        dir,
        '--update-public-key',
        missing,
      ]),
      run('hardware/simulators/cli.ts', [
        'ctl',
        'script',
        missing,
        '--panel',
        'http://127.0.0.1:9',
      ]),
    ]);
    expect(central.status).toBe(1);
    expect(oneLine(central, 'central')).toBe(`central: no such file or folder: ${missing}`);
    expect(sim.status).toBe(1);
    expect(oneLine(sim, 'sim')).toBe(`sim: no such file or folder: ${missing}`);
  }, 120_000);

  it('say a usage mistake in one line with exit code 2', async () => {
    const [central, harness] = await Promise.all([
      run('sync/server/cli.ts', ['enroll-code', '--facility', 'f', '--data-dir', dir]),
      run('electron/harness/cli.ts', ['--profile', 'phone']),
    ]);
    expect(central.status).toBe(2);
    expect(oneLine(central, 'central')).toMatch(/enroll-code needs --facility and --profile/);
    expect(harness.status).toBe(2);
    expect(oneLine(harness, 'harness')).toMatch(/profile/);
  }, 120_000);
});
