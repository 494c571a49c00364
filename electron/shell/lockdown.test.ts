import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ElectronEvent, PermissionRequestHandler, Session, WebContents } from './electron-api';
import { hardenSession, lockDownContents } from './lockdown';

/**
 * Electron is absent here, so these drive the handlers through EventEmitters shaped like
 * Electron's session and webContents, and check what the handlers answer.
 */

function event() {
  const e = { prevented: false, preventDefault: () => void (e.prevented = true) };
  return e as ElectronEvent & { prevented: boolean };
}

function fakeSession() {
  const emitter = new EventEmitter();
  const calls: string[] = [];
  let permissionRequest: PermissionRequestHandler | null = null;
  let permissionCheck: (() => boolean) | null = null;
  let devicePermission: (() => boolean) | null = null;
  let beforeRequest: Parameters<Session['webRequest']['onBeforeRequest']>[0] | null = null;
  const session = {
    setPermissionRequestHandler: (handler: PermissionRequestHandler | null) => {
      calls.push(handler ? 'request:set' : 'request:clear');
      permissionRequest = handler;
    },
    setPermissionCheckHandler: (handler: (() => boolean) | null) => {
      calls.push(handler ? 'check:set' : 'check:clear');
      permissionCheck = handler;
    },
    setDevicePermissionHandler: (handler: (() => boolean) | null) => {
      devicePermission = handler;
    },
    on: (name: string, listener: (...args: unknown[]) => void) => emitter.on(name, listener),
    webRequest: {
      onBeforeRequest: (listener: NonNullable<typeof beforeRequest>) => {
        beforeRequest = listener;
      },
    },
  } as Session;
  return {
    session,
    emitter,
    calls,
    request: (permission: string) =>
      new Promise<boolean>((answer) => permissionRequest!({}, permission, answer, {})),
    check: () => permissionCheck!(),
    device: () => devicePermission!(),
    allowed: (url: string) =>
      new Promise<boolean>((answer) =>
        beforeRequest!({ url }, (response) => answer(!response.cancel)),
      ),
  };
}

const log = { warn: () => undefined };

describe('hardenSession', () => {
  it('clears earlier permission handlers, then denies every request and check', async () => {
    const s = fakeSession();
    hardenSession(s.session, { development: false, log });
    expect(s.calls).toEqual(['request:clear', 'check:clear', 'request:set', 'check:set']);
    for (const permission of ['media', 'geolocation', 'notifications', 'serial', 'hid']) {
      expect(await s.request(permission)).toBe(false);
    }
    expect(s.check()).toBe(false);
    expect(s.device()).toBe(false);
  });

  it('cancels device choosers and downloads', () => {
    const s = fakeSession();
    hardenSession(s.session, { development: false, log });
    const chosen: unknown[] = [];
    const serial = event();
    s.emitter.emit('select-serial-port', serial, [], {}, (id: string) => chosen.push(id));
    const hid = event();
    s.emitter.emit('select-hid-device', hid, {}, (id?: string) => chosen.push(id));
    const download = event();
    s.emitter.emit('will-download', download);
    expect(chosen).toEqual(['', undefined]);
    expect([serial.prevented, hid.prevented, download.prevented]).toEqual([true, true, true]);
  });

  it('blocks every request that is not the app, data or blob', async () => {
    const s = fakeSession();
    hardenSession(s.session, { development: false, log });
    expect(await s.allowed('app://homeline/assets/app.js')).toBe(true);
    expect(await s.allowed('data:image/png;base64,AAAA')).toBe(true);
    expect(await s.allowed('blob:app://homeline/1234')).toBe(true);
    expect(await s.allowed('https://central.example.org/api')).toBe(false);
    expect(await s.allowed('file:///etc/passwd')).toBe(false);
    expect(await s.allowed('devtools://devtools/bundled/inspector.html')).toBe(false);
  });
});

describe('lockDownContents', () => {
  function fakeContents() {
    const emitter = new EventEmitter();
    let openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
    const closed: string[] = [];
    const contents = {
      on: (name: string, listener: (...args: unknown[]) => void) => emitter.on(name, listener),
      setWindowOpenHandler: (handler: typeof openHandler) => {
        openHandler = handler;
      },
      closeDevTools: () => closed.push('devtools'),
    } as unknown as WebContents;
    return { contents, emitter, open: (url: string) => openHandler!({ url }), closed };
  }
  const keyDown = (key: string, control = false) => ({
    type: 'keyDown',
    key,
    control,
    meta: false,
    alt: false,
    shift: false,
  });

  it('refuses navigation off the app, new windows and webviews', () => {
    const c = fakeContents();
    lockDownContents(c.contents, { development: false, platform: 'linux', log });
    const away = event();
    c.emitter.emit('will-navigate', away, 'https://evil.example/');
    const within = event();
    c.emitter.emit('will-navigate', within, 'app://homeline/index.html');
    const frame = Object.assign(event(), { url: 'file:///etc/passwd' });
    c.emitter.emit('will-frame-navigate', frame);
    const redirect = event();
    c.emitter.emit('will-redirect', redirect, 'http://127.0.0.1:9/');
    const webview = event();
    c.emitter.emit('will-attach-webview', webview);
    expect([away, within, frame, redirect, webview].map((e) => e.prevented)).toEqual([
      true,
      false,
      true,
      true,
      true,
    ]);
    expect(c.open('app://homeline/index.html')).toEqual({ action: 'deny' });
  });

  it('swallows escaping shortcuts and closes devtools outside development', () => {
    const c = fakeContents();
    lockDownContents(c.contents, { development: false, platform: 'linux', log });
    const reload = event();
    c.emitter.emit('before-input-event', reload, keyDown('r', true));
    const typing = event();
    c.emitter.emit('before-input-event', typing, keyDown('r'));
    c.emitter.emit('devtools-opened');
    expect([reload.prevented, typing.prevented]).toEqual([true, false]);
    expect(c.closed).toEqual(['devtools']);
  });

  it('leaves shortcuts and devtools alone in development', () => {
    const c = fakeContents();
    lockDownContents(c.contents, { development: true, platform: 'linux', log });
    const reload = event();
    c.emitter.emit('before-input-event', reload, keyDown('r', true));
    c.emitter.emit('devtools-opened');
    expect(reload.prevented).toBe(false);
    expect(c.closed).toEqual([]);
  });
});
