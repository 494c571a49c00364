import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type Fault, type FaultProxy } from './fault-proxy';

/** A real upstream that counts the complete requests it received and echoes their bodies. */
let upstream: Server;
let received: string[] = [];
let proxy: FaultProxy;

beforeAll(async () => {
  upstream = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push(Buffer.concat(chunks).toString());
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({ echo: Buffer.concat(chunks).toString(), pad: 'x'.repeat(2000) }),
      );
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  proxy = await startFaultProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
});

afterAll(async () => {
  await proxy.close();
  await new Promise((resolve) => upstream.close(resolve));
});

async function send(fault: Fault): Promise<{ ok: true; echo: string } | { ok: false }> {
  received = [];
  proxy.plan = () => fault;
  try {
    const response = await fetch(`${proxy.url}/v1/echo`, { method: 'POST', body: 'hello' });
    const json = (await response.json()) as { echo: string };
    return { ok: true, echo: json.echo };
  } catch {
    return { ok: false };
  }
}

describe('fault proxy', () => {
  it('passes and delays requests unchanged', async () => {
    expect(await send({ kind: 'pass' })).toEqual({ ok: true, echo: 'hello' });
    expect(await send({ kind: 'delay', ms: 20 })).toEqual({ ok: true, echo: 'hello' });
    expect(received).toEqual(['hello']);
  });

  it('drops a request before the server sees it, and a response after it acted', async () => {
    expect(await send({ kind: 'drop_request' })).toEqual({ ok: false });
    expect(received).toEqual([]);
    expect(await send({ kind: 'drop_response' })).toEqual({ ok: false });
    expect(received).toEqual(['hello']);
  });

  it('duplicates a request: the server sees it twice, the client one answer', async () => {
    expect(await send({ kind: 'duplicate' })).toEqual({ ok: true, echo: 'hello' });
    expect(received).toEqual(['hello', 'hello']);
  });

  it('truncates responses and requests, and resets connections', async () => {
    expect(await send({ kind: 'truncate_response' })).toEqual({ ok: false });
    expect(received).toEqual(['hello']);
    expect(await send({ kind: 'truncate_request' })).toEqual({ ok: false });
    expect(received).toEqual([]);
    expect(await send({ kind: 'reset' })).toEqual({ ok: false });
    expect(received).toEqual([]);
    expect(proxy.applied.reset).toBe(1);
  });
});
