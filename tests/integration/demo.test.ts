import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { HARNESS_WS_PATH, ServerFrameSchema, type ServerFrame } from '../../electron/contract';
import { TestCustomer } from '../../sync/server/testing/customer';
import { ROOT } from './support/central-process';

/**
 * `npm run demo` as a child process on free ports: it prints the kiosk URL, a resident logs in
 * over the WebSocket with the demo PIN (the resident came from the central service by sync, not
 * from a local seed), and Ctrl-C (SIGINT) stops everything with exit code 0.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'homeline-demo-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm run demo', () => {
  it('starts, serves a kiosk a demo resident can log in to, and stops on SIGINT', async () => {
    const demo = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/demo.ts',
        '--port',
        '0',
        '--central-port',
        '0',
        '--data',
        dataDir,
        '--no-build',
      ],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent' } },
    );
    const exited = new Promise<number | null>((resolve) =>
      demo.once('exit', (code) => resolve(code)),
    );
    let output = '';
    try {
      const url = await new Promise<string>((resolve, reject) => {
        demo.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /kiosk \(browser\): (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match) resolve(match[1]!);
        });
        demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        void exited.then((code) => reject(new Error(`demo exited (${code}): ${output}`)));
      });

      const socket = new WebSocket(`${url.replace('http', 'ws')}${HARNESS_WS_PATH}`, {
        headers: { origin: url },
      });
      const frames: ServerFrame[] = [];
      socket.on('message', (data) =>
        frames.push(ServerFrameSchema.parse(JSON.parse(String(data)))),
      );
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      let id = 0;
      const invoke = async (method: string, input: unknown) => {
        const mine = (id += 1);
        socket.send(JSON.stringify({ type: 'invoke', id: mine, method, input }));
        for (;;) {
          const frame = frames.find((f) => f.type === 'result' && f.id === mine);
          if (frame?.type === 'result') return frame.result;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      // The kiosk pulls its residents on its first sync: wait for it, then log in.
      let login = await invoke('auth.login', {
        method: 'doc',
        state: 'FL',
        docNumber: 'S123456',
        pin: '1234',
      });
      for (let tries = 0; !login.ok && tries < 100; tries += 1) {
        await invoke('device.syncNow', {});
        login = await invoke('auth.login', {
          method: 'doc',
          state: 'FL',
          docNumber: 'S123456',
          pin: '1234',
        });
      }
      expect(login).toMatchObject({ ok: true });
      // The kiosk runs with the simulated card reader, printer, bill acceptor and badge scanner.
      expect(await invoke('device.info', {})).toMatchObject({
        ok: true,
        value: {
          hardware: {
            cardReader: true,
            receiptPrinter: true,
            billAcceptor: true,
            badgeScanner: true,
          },
        },
      });
      socket.close();

      // Mail the service sends goes through a real local SMTP server into the folder it names.
      expect(output).toContain(`mail it sends:   ${join(dataDir, 'mail')}`);
      const central = /central service: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
      const customer = new TestCustomer(central);
      const residentId = (
        await customer.call<{ residentId: string }>('POST', '/v1/customers/lookup', {
          state: 'FL',
          docNumber: 'S123456',
        })
      ).body.residentId;
      await customer.register(residentId);
      const mailed = new Promise<string>((resolve) =>
        demo.stdout.on('data', () => {
          const match = /demo: mail to \S+ \(".*"\) in (\S+\.eml)/.exec(output);
          if (match) resolve(match[1]!);
        }),
      );
      await customer.call('POST', '/v1/customers/forgot-password', { email: customer.email });
      const eml = readFileSync(await mailed, 'utf8');
      expect(eml).toContain(`To: ${customer.email}`);
    } finally {
      demo.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
