import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'homeline-updates-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'sync/server/updates/cli.ts', ...args], {
    encoding: 'utf8',
  });
}

describe('updates CLI', () => {
  it('answers bad arguments with one line and exit code 2, writing nothing', () => {
    const artifact = join(dir, 'homeline_1.0.0_amd64.deb');
    writeFileSync(artifact, 'bytes');
    const cases: [string[], RegExp][] = [
      [[], /unknown command "": keygen, publish/],
      [['publish', '--channel', 'stable'], /--releases is required/],
      [
        [
          'publish',
          '--releases',
          dir,
          '--platform',
          'linux',
          '--version',
          '1.0.0',
          '--staging',
          'ten',
          artifact,
        ],
        /--staging ten/,
      ],
      [
        ['halt', '--releases', dir, '--platform', 'linux', '--version', '1.0.0'],
        /--key is required/,
      ],
      [['serve', '--bogus'], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const run = cli(...args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(message);
    }
    expect(readdirSync(dir)).toEqual(['homeline_1.0.0_amd64.deb']);
  });

  it('answers --help with the usage, and a missing key file with one line', () => {
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/keygen --out DIR/);
    const missing = join(dir, 'absent.pub');
    const run = cli('serve', '--releases', dir, '--public-key', missing);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(`updates: no such file or folder: ${missing}`);
  });
});
