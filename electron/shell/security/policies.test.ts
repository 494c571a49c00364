import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCsp, securityHeaders } from './csp';
import { denyWindowOpen, isAllowedNavigation } from './navigation';
import { denyPermissionCheck, denyPermissionRequest } from './permissions';
import { checkSender } from './sender';
import { isEscapingShortcut, type KeyInput } from './shortcuts';
import { forbiddenSwitches } from './switches';
import { createWindow, type WindowOptions } from './window';

/** Stands in for Electron's BrowserWindow: keeps the options it was built with. */
class CapturedWindow {
  constructor(readonly options: WindowOptions) {}
}
const windowOptions = (input: { preloadPath: string; development: boolean }) =>
  createWindow(CapturedWindow, input).options;

describe('createWindow', () => {
  it('locks the window down outside development', () => {
    const options = windowOptions({ preloadPath: '/app/preload.cjs', development: false });
    expect(options).toMatchObject({ kiosk: true, fullscreen: true, frame: false, closable: false });
    expect(options.webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      devTools: false,
      disableBlinkFeatures: 'Auxclick',
    });
  });

  it('keeps every security preference in development; only devtools and the frame change', () => {
    const production = windowOptions({ preloadPath: '/p', development: false }).webPreferences;
    const development = windowOptions({ preloadPath: '/p', development: true }).webPreferences;
    expect({ ...development, devTools: false, disableDialogs: true }).toEqual(production);
  });
});

describe('buildCsp', () => {
  const directives = new Map(
    buildCsp()
      .split('; ')
      .map((part) => {
        const [name, ...sources] = part.split(' ');
        return [name, sources] as const;
      }),
  );

  it('allows only the app itself: no eval, no inline script, no frames, no plugins', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(buildCsp()).not.toMatch(/unsafe-(eval|inline)|\*|https?:/);
  });

  it('adds media sources without duplicates and puts the CSP in the headers', () => {
    expect(buildCsp({ mediaSources: ['blob:', 'mediastream:'] })).toContain(
      "img-src 'self' data: blob: mediastream:;",
    );
    expect(securityHeaders('x')['Content-Security-Policy']).toBe('x');
  });
});

describe('navigation', () => {
  it('allows only the app origin', () => {
    expect(isAllowedNavigation('app://homeline/index.html#/mail')).toBe(true);
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      'app://other/index.html',
      'app://homeline@evil.example/',
      'javascript:alert(1)',
      'about:blank',
      'chrome://gpu',
      '',
    ]) {
      expect(isAllowedNavigation(url), url).toBe(false);
    }
    expect(denyWindowOpen()).toEqual({ action: 'deny' });
  });
});

describe('checkSender', () => {
  it('accepts only the top frame of our own page', () => {
    expect(checkSender({ url: 'app://homeline/index.html', parent: null })).toEqual({ ok: true });
    expect(checkSender(null)).toMatchObject({ ok: false });
    expect(checkSender({ url: 'app://homeline/index.html', parent: {} })).toMatchObject({
      ok: false,
      reason: 'sent from a sub-frame',
    });
    expect(checkSender({ url: 'https://evil.example/', parent: null })).toMatchObject({
      ok: false,
    });
    expect(checkSender({ url: 'file:///app/index.html', parent: null })).toMatchObject({
      ok: false,
    });
  });
});

describe('permissions', () => {
  it('denies every request and check, and logs the request', () => {
    const logged: string[] = [];
    const answers: boolean[] = [];
    const handler = denyPermissionRequest((permission, origin) =>
      logged.push(`${permission} ${origin}`),
    );
    for (const permission of ['media', 'notifications', 'serial', 'fullscreen', 'clipboard-read']) {
      handler({}, permission, (granted) => answers.push(granted), {
        requestingUrl: 'app://homeline/',
      });
    }
    expect(answers).toEqual([false, false, false, false, false]);
    expect(logged[0]).toBe('media app://homeline/');
    expect(denyPermissionCheck()).toBe(false);
  });
});

describe('isEscapingShortcut', () => {
  const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({
    type: 'keyDown',
    key: k,
    control: false,
    meta: false,
    alt: false,
    shift: false,
    ...mods,
  });

  it.each([
    ['reload', key('r', { control: true })],
    ['hard reload', key('R', { control: true, shift: true })],
    ['F5', key('F5')],
    ['devtools', key('I', { control: true, shift: true })],
    ['F12', key('F12')],
    ['zoom in', key('+', { control: true })],
    ['zoom out', key('-', { control: true })],
    ['zoom reset', key('0', { control: true })],
    ['quit', key('q', { control: true })],
    ['close', key('w', { control: true })],
    ['alt+F4', key('F4', { alt: true })],
    ['print', key('p', { control: true })],
    ['full screen', key('F11')],
    ['browser back', key('BrowserBack')],
  ])('blocks %s on Linux and Windows', (_name, input) => {
    expect(isEscapingShortcut(input, 'linux')).toBe(true);
    expect(isEscapingShortcut(input, 'win32')).toBe(true);
  });

  it('blocks Cmd shortcuts on macOS', () => {
    expect(isEscapingShortcut(key('q', { meta: true }), 'darwin')).toBe(true);
    expect(isEscapingShortcut(key('r', { meta: true }), 'darwin')).toBe(true);
  });

  it('lets typing, editing and AltGr characters through', () => {
    for (const input of [
      key('a'),
      key('Ñ', { shift: true }),
      key('Escape'),
      key('Enter'),
      key('c', { control: true }),
      key('V', { control: true, shift: true }),
      key('z', { control: true }),
      key('Backspace', { control: true }),
    ]) {
      expect(isEscapingShortcut(input, 'linux'), input.key).toBe(false);
    }
    // AltGr+Q types @ on a Spanish keyboard; Windows reports it as Ctrl+Alt.
    expect(isEscapingShortcut(key('@', { control: true, alt: true }), 'win32')).toBe(false);
    expect(isEscapingShortcut({ ...key('r', { control: true }), type: 'keyUp' }, 'linux')).toBe(
      false,
    );
  });

  it('blocks every Ctrl combination that is not editing', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 1 }).filter((k) => !'acvxzyACVXZY'.includes(k)),
        (k) => isEscapingShortcut(key(k, { control: true }), 'linux'),
      ),
    );
  });
});

describe('forbiddenSwitches', () => {
  it('refuses every switch not on the allowlist, in each spelling Chromium reads', () => {
    const hostile = [
      '--remote-debugging-port=9222',
      '--inspect',
      '--JS-FLAGS=--allow-natives-syntax',
      '--disable-web-security',
      '--no-sandbox',
      '--gpu-launcher=/bin/sh -c id',
      '--renderer-cmd-prefix=gdb',
      '-no-sandbox',
      '--some-switch-from-a-future-chromium',
    ];
    expect(
      forbiddenSwitches(['/opt/homeline/homeline', ...hostile, 'app://homeline/'], 'linux'),
    ).toEqual(hostile);
    const windows = ['/no-sandbox', '/GPU-LAUNCHER=cmd.exe', '/remote-debugging-port=9222'];
    expect(forbiddenSwitches(['C:\\Homeline\\homeline.exe', ...windows], 'win32')).toEqual(windows);
  });

  it('lets the allowlist and ordinary arguments through, and stops at --', () => {
    expect(forbiddenSwitches(['homeline', '--', '--inspect'], 'linux')).toEqual([]);
    expect(forbiddenSwitches(['homeline.exe', '--updated', '/UPDATED'], 'win32')).toEqual([]);
    expect(forbiddenSwitches(['Homeline', '-psn_0_123456'], 'darwin')).toEqual([]);
    // A path is not a switch outside Windows.
    expect(forbiddenSwitches(['homeline', '/opt/homeline/resources'], 'linux')).toEqual([]);
    expect(forbiddenSwitches(['homeline', '--lang=es'], 'linux')).toEqual(['--lang=es']);
  });
});
