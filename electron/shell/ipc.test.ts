import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { fail, ok } from '../contract';
import { createPreloadBridge } from './bridge';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './channels';
import { createInvokeHandler, type BackendConnection } from './ipc';

const top = { url: 'app://homeline/index.html', parent: null };

function handlerWith(connection: BackendConnection | null) {
  const refused: string[] = [];
  const handle = createInvokeHandler({
    connection: () => connection,
    webContentsId: () => 7,
    onRefused: (reason) => refused.push(reason),
  });
  return { handle, refused };
}

/** Answers like the backend does: a Result for every call, and a record of what reached it. */
function recordingConnection() {
  const calls: [string, unknown][] = [];
  const connection: BackendConnection = {
    async invoke(method, input) {
      calls.push([method, input]);
      return method === 'device.info' ? ok({ echo: input }) : fail('unknown_method', method);
    },
    close: () => undefined,
  };
  return { connection, calls };
}

describe('createInvokeHandler', () => {
  it('passes calls from our top frame to the backend and returns its result', async () => {
    const { connection, calls } = recordingConnection();
    const { handle } = handlerWith(connection);
    expect(await handle({ sender: { id: 7 }, senderFrame: top }, 'device.info', { a: 1 })).toEqual(
      ok({ echo: { a: 1 } }),
    );
    expect(calls).toEqual([['device.info', { a: 1 }]]);
  });

  it.each([
    ['a destroyed frame', { sender: { id: 7 }, senderFrame: null }],
    ['a sub-frame', { sender: { id: 7 }, senderFrame: { ...top, parent: {} } }],
    [
      'a foreign page',
      { sender: { id: 7 }, senderFrame: { url: 'https://x.example/', parent: null } },
    ],
    ['another web contents', { sender: { id: 8 }, senderFrame: top }],
  ])('refuses %s without reaching the backend', async (_name, event) => {
    const { connection, calls } = recordingConnection();
    const { handle, refused } = handlerWith(connection);
    const result = await handle(event, 'device.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(calls).toEqual([]);
    expect(refused).toHaveLength(1);
  });

  it('refuses method names that are not bounded strings', async () => {
    const { connection, calls } = recordingConnection();
    const { handle } = handlerWith(connection);
    for (const method of [42, '', 'x'.repeat(65), null, { toString: () => 'device.info' }]) {
      expect(await handle({ sender: { id: 7 }, senderFrame: top }, method, {})).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
    }
    expect(calls).toEqual([]);
  });

  it('answers instead of throwing when there is no backend or it throws', async () => {
    expect(
      await handlerWith(null).handle({ sender: { id: 7 }, senderFrame: top }, 'a.b', {}),
    ).toMatchObject({ ok: false, error: { code: 'internal' } });
    const throwing = handlerWith({
      invoke: () => Promise.reject(new Error('boom')),
      close: () => undefined,
    });
    expect(await throwing.handle({ sender: { id: 7 }, senderFrame: top }, 'a.b', {})).toMatchObject(
      {
        ok: false,
        error: { code: 'internal', message: 'the backend failed to answer' },
      },
    );
  });
});

describe('createPreloadBridge', () => {
  function ipc() {
    const emitter = new EventEmitter();
    const invoked: unknown[][] = [];
    return {
      emitter,
      invoked,
      renderer: {
        invoke: async (...args: unknown[]) => {
          invoked.push(args);
          return ok(null);
        },
        on: (channel: string, listener: (event: unknown, message: unknown) => void) =>
          emitter.on(channel, listener),
      },
    };
  }

  it('invokes on the one invoke channel', async () => {
    const { renderer, invoked } = ipc();
    const bridge = createPreloadBridge(renderer);
    expect(await bridge.invoke('mail.list', { limit: 5 })).toEqual(ok(null));
    expect(invoked).toEqual([[INVOKE_CHANNEL, 'mail.list', { limit: 5 }]]);
  });

  it('delivers events by name, until unsubscribed, and ignores malformed messages', () => {
    const { renderer, emitter } = ipc();
    const bridge = createPreloadBridge(renderer);
    const seen: unknown[] = [];
    const off = bridge.on('sync.status', (payload) => seen.push(payload));
    bridge.on('sync.status', () => {
      throw new Error('a broken screen');
    });
    bridge.on('other', () => seen.push('wrong event'));
    emitter.emit(EVENT_CHANNEL, {}, { event: 'sync.status', payload: 1 });
    emitter.emit(EVENT_CHANNEL, {}, null);
    emitter.emit(EVENT_CHANNEL, {}, { event: 42, payload: 2 });
    emitter.emit(EVENT_CHANNEL, {}, 'sync.status');
    off();
    emitter.emit(EVENT_CHANNEL, {}, { event: 'sync.status', payload: 3 });
    expect(seen).toEqual([1]);
  });
});
