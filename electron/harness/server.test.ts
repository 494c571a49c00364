import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../contract';
import { DEMO } from '../backend';
import { tempDir } from '../backend/testing/temp-dir';
import { startHarness, type Harness } from './server';
import { wsClient } from './testing/ws-client';

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

describe('browser harness', () => {
  it('logs in and lists mail over a real WebSocket', async () => {
    const c = await wsClient(harness.url);
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
    const c = await wsClient(harness.url);
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
    const c = await wsClient(harness.url);
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
    await expect(wsClient(harness.url, 'http://evil.example')).rejects.toThrow(/403/);
  });

  it('serves the built renderer, with the page for unknown paths', async () => {
    const page = await fetch(`${harness.url}/mail/inbox`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Homeline</title>');
  });
});
