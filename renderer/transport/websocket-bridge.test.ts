import { afterEach, assert, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WebSocket as NodeWebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { HARNESS_WS_PATH, InvokeFrameSchema } from '../../electron/contract';
import { createWebSocketBridge, harnessUrl, type WebSocketBridge } from './websocket-bridge';

/** A real WebSocket server on 127.0.0.1 that answers with `answer` (or stays silent). */
async function startServer(answer: (socket: ServerSocket, frame: unknown) => void) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: HARNESS_WS_PATH });
  const sockets: ServerSocket[] = [];
  server.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('message', (data) => answer(socket, JSON.parse(String(data))));
  });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}${HARNESS_WS_PATH}`,
    sockets,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function echo(socket: ServerSocket, raw: unknown) {
  const frame = InvokeFrameSchema.parse(raw);
  socket.send(
    JSON.stringify({ type: 'result', id: frame.id, result: { ok: true, value: frame.input } }),
  );
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function bridgeTo(
  answer: (socket: ServerSocket, frame: unknown) => void,
  options: { timeoutMs?: number } = {},
) {
  const server = await startServer(answer);
  const bridge = createWebSocketBridge({
    url: server.url,
    initialDelayMs: 20,
    // The ws client speaks the same browser WebSocket API; jsdom's own one is not usable here.
    WebSocketImpl: NodeWebSocket as unknown as typeof WebSocket,
    ...options,
  });
  cleanups.push(server.close, () => bridge.close());
  return { server, bridge };
}

function opened(bridge: WebSocketBridge) {
  return new Promise<void>((resolve) => {
    if (bridge.state === 'open') return resolve();
    const off = bridge.onState((state) => {
      if (state === 'open') {
        off();
        resolve();
      }
    });
  });
}

describe('websocket bridge', () => {
  it('builds the harness address from the page location', () => {
    expect(harnessUrl({ protocol: 'http:', host: '127.0.0.1:4000' })).toBe(
      `ws://127.0.0.1:4000${HARNESS_WS_PATH}`,
    );
    expect(harnessUrl({ protocol: 'https:', host: 'kiosk.local' })).toBe(
      `wss://kiosk.local${HARNESS_WS_PATH}`,
    );
  });

  it('matches answers to calls by id, even out of order', async () => {
    const held: Array<[ServerSocket, unknown]> = [];
    const { bridge } = await bridgeTo((socket, frame) => {
      held.push([socket, frame]);
      if (held.length === 2) for (const [s, f] of held.reverse()) echo(s, f);
    });
    const [first, second] = await Promise.all([
      bridge.invoke('auth.session', { n: 1 }),
      bridge.invoke('auth.session', { n: 2 }),
    ]);
    expect(first).toEqual({ ok: true, value: { n: 1 } });
    expect(second).toEqual({ ok: true, value: { n: 2 } });
  });

  it('delivers events to their listeners until unsubscribed', async () => {
    const { bridge, server } = await bridgeTo(echo);
    await opened(bridge);
    const seen: unknown[] = [];
    const off = bridge.on('stamps.changed', (payload) => seen.push(payload));
    const [socket] = server.sockets;
    assert.isDefined(socket);
    socket.send(JSON.stringify({ type: 'event', event: 'stamps.changed', payload: {} }));
    await bridge.invoke('auth.session', {}); // the event frame arrives before this answer
    off();
    socket.send(JSON.stringify({ type: 'event', event: 'stamps.changed', payload: {} }));
    await bridge.invoke('auth.session', {});
    expect(seen).toEqual([{}]);
  });

  it('fails a call with timeout when the backend stays silent', async () => {
    const { bridge } = await bridgeTo(() => undefined, { timeoutMs: 50 });
    const result = await bridge.invoke('auth.session', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'timeout' } });
  });

  it('fails calls in flight with unavailable_service on disconnect, then reconnects', async () => {
    let drop = true;
    const { bridge } = await bridgeTo((socket, frame) => {
      if (drop) {
        drop = false;
        socket.terminate();
      } else echo(socket, frame);
    });
    const lost = await bridge.invoke('auth.session', {});
    expect(lost).toMatchObject({ ok: false, error: { code: 'unavailable_service' } });
    const again = await bridge.invoke('auth.session', { after: 'reconnect' });
    expect(again).toEqual({ ok: true, value: { after: 'reconnect' } });
  });

  it('refuses a request larger than a frame may be without sending it', async () => {
    const received: unknown[] = [];
    const { bridge } = await bridgeTo((socket, frame) => {
      received.push(frame);
      echo(socket, frame);
    });
    const result = await bridge.invoke('mail.saveDraft', { body: 'x'.repeat(9 * 1024 * 1024) });
    expect(result).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
    expect(received).toEqual([]);
  });

  it('survives arbitrary junk frames and still answers the real call', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string(), fc.json()), { maxLength: 8 }),
        async (junk) => {
          const { bridge } = await bridgeTo((socket, frame) => {
            for (const text of junk) socket.send(text);
            echo(socket, frame);
          });
          const result = await bridge.invoke('auth.session', { ok: 1 });
          expect(result).toEqual({ ok: true, value: { ok: 1 } });
          bridge.close();
        },
      ),
      { numRuns: 15 },
    );
  });

  it('fails everything still waiting when closed', async () => {
    const { bridge } = await bridgeTo(() => undefined);
    const call = bridge.invoke('auth.session', {});
    bridge.close();
    expect(await call).toMatchObject({ ok: false, error: { code: 'unavailable_service' } });
  });
});
