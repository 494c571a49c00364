import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HARNESS_WS_PATH, MAX_FRAME_BYTES, ServerFrameSchema, type ServerFrame } from '../contract';
import { DEMO } from '../backend';
import { tempDir } from '../backend/testing/temp-dir';
import { startHarness, type Harness } from './server';

let dir: ReturnType<typeof tempDir>;
let harness: Harness;

beforeAll(async () => {
  dir = tempDir();
  const rendererDir = join(dir.path, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Homeline</title>');
  harness = await startHarness({
    dataDir: join(dir.path, 'data'),
    rendererDir,
    logger: pino({ level: 'silent' }),
  });
});
afterAll(async () => {
  await harness.close();
  dir.cleanup();
});

/** A WebSocket client that collects frames and sends invokes by id. */
async function client(origin = harness.url) {
  const socket = new WebSocket(`${harness.url.replace('http', 'ws')}${HARNESS_WS_PATH}`, {
    headers: { origin },
  });
  const frames: ServerFrame[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data) => {
    frames.push(ServerFrameSchema.parse(JSON.parse(String(data))));
    waiters.splice(0).forEach((wake) => wake());
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  async function next(match: (frame: ServerFrame) => boolean): Promise<ServerFrame> {
    for (;;) {
      const found = frames.find(match);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }
  return {
    socket,
    frames,
    async invoke(method: string, input: unknown) {
      const id = nextId++;
      socket.send(JSON.stringify({ type: 'invoke', id, method, input }));
      const frame = await next((f) => f.type === 'result' && f.id === id);
      return frame.type === 'result' ? frame.result : null;
    },
    async raw(data: string | Buffer) {
      const before = frames.length;
      socket.send(data);
      return next((f) => frames.indexOf(f) >= before && f.type === 'result' && f.id === null);
    },
    close: () => socket.close(),
  };
}

describe('browser harness', () => {
  it('logs in and lists mail over a real WebSocket', async () => {
    const c = await client();
    const login = await c.invoke('auth.login', {
      method: 'doc',
      state: DEMO.state,
      docNumber: DEMO.docNumber(1),
      pin: DEMO.pin,
    });
    expect(login).toMatchObject({ ok: true, value: { resident: { firstName: 'María' } } });
    const inbox = await c.invoke('mail.list', { folder: 'inbox' });
    expect(inbox).toMatchObject({ ok: true, value: { unreadCount: 4 } });
    const subjects = inbox?.ok ? (inbox.value as { messages: { subject: string }[] }).messages : [];
    expect(subjects.map((m) => m.subject)).toEqual([
      'Happy birthday!',
      'Noticias de la familia',
      'Visit next month',
      'Fotos del cumpleaños',
    ]);
    c.close();
  });

  it('pushes events to the socket (logout ends the session)', async () => {
    const c = await client();
    await c.invoke('auth.login', {
      method: 'badge',
      badgeToken: DEMO.badgeToken(0),
      pin: DEMO.pin,
    });
    await c.invoke('auth.logout', {});
    expect(c.frames).toContainEqual({
      type: 'event',
      event: 'session.ended',
      payload: { reason: 'logout' },
    });
    c.close();
  });

  it('refuses malformed, binary, oversized and unknown frames with typed errors', async () => {
    const c = await client();
    expect(await c.raw('{not json')).toMatchObject({
      result: { ok: false, error: { code: 'invalid_input' } },
    });
    expect(await c.raw(Buffer.from([1, 2, 3]))).toMatchObject({
      result: { ok: false, error: { code: 'invalid_input' } },
    });
    expect(await c.raw('x'.repeat(MAX_FRAME_BYTES + 1))).toMatchObject({
      result: { ok: false, error: { code: 'payload_too_large' } },
    });
    expect(await c.invoke('mail.drop_tables', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown_method' },
    });
    // the socket still works after all that
    expect(await c.invoke('device.info', {})).toMatchObject({ ok: true });
    c.close();
  });

  it('refuses a WebSocket from another origin', async () => {
    await expect(client('http://evil.example')).rejects.toThrow(/403/);
  });

  it('serves the built renderer, with the page for unknown paths', async () => {
    const page = await fetch(`${harness.url}/mail/inbox`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Homeline</title>');
  });
});
