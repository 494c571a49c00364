import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli';
import { CENTRAL_LOG_FILE, openCentralLog } from './log-file';
import { totpFor } from './staff-identity';
import { TestCustomer } from './testing/customer';

const root = mkdtempSync(join(tmpdir(), 'homeline-central-log-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the central log file', () => {
  it('rotates by size and keeps only the configured number of old files, private to the service user', async () => {
    const dir = join(root, 'rotation', 'logs');
    const stream = openCentralLog(dir, { size: '1K', files: 2 });
    let rotations = 0;
    stream.on('rotated', () => (rotations += 1));
    // Each write is awaited, so any rotation the previous line caused is over before the next.
    for (let line = 0; line < 40; line += 1) {
      const text = `${JSON.stringify({ line, msg: 'request completed', filler: 'x'.repeat(260) })}\n`;
      await new Promise<void>((resolve, reject) =>
        stream.write(text, (error) => (error ? reject(error) : resolve())),
      );
    }
    stream.end();
    await once(stream, 'finish');
    expect(rotations).toBeGreaterThanOrEqual(3);
    const names = [CENTRAL_LOG_FILE, `${CENTRAL_LOG_FILE}.1`, `${CENTRAL_LOG_FILE}.2`];
    expect(readdirSync(dir).sort()).toEqual(names);
    const lines: number[] = [];
    for (const file of [...names].reverse()) {
      expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
      for (const text of readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean))
        lines.push((JSON.parse(text) as { line: number }).line);
    }
    // The newest lines are kept, whole and in order, ending with the last one written.
    const first = lines[0] ?? -1;
    expect(lines).toEqual(Array.from({ length: 40 - first }, (_, index) => first + index));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('is where `npm run central` logs, at trace, without passwords, codes, tokens or mail text', async () => {
    const dataDir = join(root, 'service');
    const printed: string[] = [];
    const print = (line: string) => printed.push(line);
    await runCli(['seed', '--sample', '--data-dir', dataDir], {}, print);
    const residentId = /residents (\S+?),/.exec(printed[0] ?? '')?.[1];
    // The sample's staff: `demo ROLE: EMAIL / PASSWORD / TOTP secret SECRET`.
    const staffLine = printed.find((line) => line.includes('demo reviewer:')) ?? '';
    const [, email = '', password = '', totpSecret = ''] =
      /: (\S+) \/ (.+) \/ TOTP secret (\S+)$/.exec(staffLine) ?? [];
    const stop = await runCli(
      ['--data-dir', dataDir, '--port', '0'],
      { LOG_LEVEL: 'trace', NODE_ENV: 'production' },
      print,
    );
    const baseUrl = /central service on (http:\/\/\S+)/.exec(printed.at(-1) ?? '')?.[1] ?? '';
    expect(printed.at(-2)).toBe(`logs: ${join(dataDir, 'logs', CENTRAL_LOG_FILE)}`);

    const staffLogin = (body: unknown) =>
      fetch(`${baseUrl}/v1/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const code = totpFor(totpSecret, email).generate();
    expect((await staffLogin({ email, password: 'wrong', code })).status).toBe(401);
    const signedIn = await staffLogin({ email, password, code });
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
    const customer = await new TestCustomer(baseUrl).register(residentId!);
    const mailText = 'Grandma says the garden is full of tomatoes this year';
    await customer.call('POST', '/v1/customer/mail', {
      messageId: crypto.randomUUID(),
      residentId,
      subject: 'Tomatoes from the garden',
      body: mailText,
    });
    await stop();

    const logs = readFileSync(join(dataDir, 'logs', CENTRAL_LOG_FILE), 'utf8');
    // It is the service's log: request lines of this run are in it.
    expect(logs).toContain('/v1/staff/login');
    expect(logs).toContain('/v1/customer/mail');
    for (const secret of [
      password,
      totpSecret,
      code,
      cookie.replace(/^[^=]*=/, ''),
      csrfToken,
      customer.password,
      customer.token,
      mailText,
      'Tomatoes from the garden',
    ]) {
      expect(secret.length).toBeGreaterThan(3);
      expect(logs).not.toContain(secret);
    }
  });
});
