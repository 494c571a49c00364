import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createCentralServer } from './app';
import { openSqliteStorage } from './storage/sqlite';

const dir = mkdtempSync(join(tmpdir(), 'homeline-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` on a raw socket and resolves with everything the server sent until it closed. */
function slowCaller(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

describe('limits before work', () => {
  it('cuts off a caller whose headers or body never finish (timeouts injected small)', async () => {
    const storage = await openSqliteStorage(join(dir, 'central.db'));
    const app = await createCentralServer({
      storage,
      logger: pino({ level: 'silent' }),
      limits: { requestTimeoutMs: 400, headersTimeoutMs: 300, timeoutCheckMs: 50 },
    });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const port = Number(new URL(address).port);
    try {
      // Headers that never end.
      const headers = await slowCaller(port, 'POST /v1/customers/login HTTP/1.1\r\nHost: x\r\n');
      expect(headers).toMatch(/^HTTP\/1\.1 408/);
      // A body announced and never sent.
      const body = await slowCaller(
        port,
        'POST /v1/customers/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":',
      );
      expect(body).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await app.close();
      await storage.close();
    }
  });
});
