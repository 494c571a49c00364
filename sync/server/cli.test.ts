import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError, parseCli, runCli } from './cli';
import { openSqliteStorage } from './storage/sqlite';

const dir = mkdtempSync(join(tmpdir(), 'homeline-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('central CLI', () => {
  it('refuses bad arguments with a clear error', () => {
    expect(() => parseCli(['frobnicate'], {})).toThrow(CliError);
    expect(() => parseCli(['--port', 'abc'], {})).toThrow(/port/);
    expect(() => parseCli(['enroll-code', '--facility', 'f'], {})).toThrow(/--profile/);
    expect(() => parseCli(['enroll-code', '--facility', 'f', '--profile', 'phone'], {})).toThrow(
      /profile/,
    );
    expect(() => parseCli(['enroll-code', '--facility', 'f', '--profile', 'kiosk'], {})).toThrow(
      /--unit/,
    );
    expect(() =>
      parseCli(['enroll-code', '--facility', 'f', '--profile', 'lobby', '--unit', 'u'], {}),
    ).toThrow(/--unit/);
    expect(() => parseCli(['--nope'], {})).toThrow(CliError);
    expect(() => parseCli(['--releases', 'dir'], {})).toThrow(/update-public-key/);
    expect(parseCli([], { HOMELINE_DATABASE_URL: 'postgresql://x/y' }).postgres).toBe(
      'postgresql://x/y',
    );
  });

  it('seeds the sample, creates an enrollment code and serves', async () => {
    const db = join(dir, 'central.db');
    const lines: string[] = [];
    await runCli(['seed', '--sample', '--db', db], {}, (line) => lines.push(line));
    await runCli(
      [
        'enroll-code',
        ...['--db', db, '--facility', 'fl-suwannee-ci', '--profile', 'kiosk'],
        ...['--unit', 'sample-unit-a'],
      ],
      {},
      (line) => lines.push(line),
    );
    expect(lines[0]).toMatch(/^seeded fl-suwannee-ci/);
    const code = lines.findIndex((line) => /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4} /.test(line));
    expect(lines.slice(1, code)).toHaveLength(5); // one line per demo staff account
    await expect(
      runCli(['revoke-device', '--db', db, '--device', 'nope'], {}, () => undefined),
    ).rejects.toThrow(CliError);

    const stop = await runCli(['--db', db, '--port', '0'], { LOG_LEVEL: 'silent' }, (line) =>
      lines.push(line),
    );
    const url = /on (http:\/\/\S+)/.exec(lines.at(-1) ?? '')?.[1];
    const answer = await fetch(`${url}/v1/enroll`, { method: 'POST' });
    expect(answer.status).toBe(400);
    // In development the processor simulator runs beside it, with its webhooks pointed back.
    expect(lines.at(-1)).toMatch(
      /processor simulator on http:\/\/127\.0\.0\.1:\d+ \(development\)/,
    );
    await stop();
    await expect(
      runCli(['--db', db, '--port', '0'], { HOMELINE_PROCESSOR_URL: 'https://p.example' }, () => 0),
    ).rejects.toThrow(/HOMELINE_PROCESSOR_SECRET_KEY/);

    // With a releases folder and the release managers' public key, the update feed is mounted.
    const releases = join(dir, 'releases');
    mkdirSync(releases);
    const keyFile = join(dir, 'update-signing.pub');
    writeFileSync(
      keyFile,
      generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }),
    );
    const withFeed = await runCli(
      ['--db', db, '--port', '0', '--releases', releases, '--update-public-key', keyFile],
      { LOG_LEVEL: 'silent', NODE_ENV: 'production' },
      (line) => lines.push(line),
    );
    expect(lines.at(-1)).toMatch(/; no card processor$/);
    const feedUrl = /on (http:\/\/\S+)/.exec(lines.at(-1) ?? '')?.[1];
    const feed = await fetch(`${feedUrl}/updates/stable-linux.yml`);
    expect(feed.status).toBe(404);
    expect(await feed.text()).toMatch(/no release/);
    await withFeed();

    const storage = await openSqliteStorage(db);
    const residents = await storage.get<{ n: number }>('SELECT COUNT(*) AS n FROM residents');
    expect(residents?.n).toBe(3);
    await storage.close();
  });

  it('bootstraps the first IT admin once; a second bootstrap is refused', async () => {
    const db = join(dir, 'bootstrap.db');
    const lines: string[] = [];
    const args = ['bootstrap-admin', '--db', db, '--email', 'it@example.org', '--name', 'Ines IT'];
    await runCli(args, {}, (line) => lines.push(line));
    expect(lines[0]).toMatch(/^IT admin it@example.org/);
    expect(lines.join('\n')).toMatch(/TOTP secret: +[A-Z2-7]{32}/);
    await expect(
      runCli([...args.slice(0, 4), 'other@example.org', '--name', 'X'], {}, () => undefined),
    ).rejects.toThrow(/an IT admin exists/);
    expect(() => parseCli(['bootstrap-admin', '--email', 'x@example.org'], {})).toThrow(/--name/);
  });
});
