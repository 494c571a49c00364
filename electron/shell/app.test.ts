import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../contract';
import { startShell, type ShellDependencies } from './app';
import { openRotatingLog } from '../backend';
import { keyFileSource } from '../backend/store';
import { encodePinHash, hashPin } from '../backend/services/pin-hash';
import { composeBackend } from './backend';
import { INVOKE_CHANNEL } from './channels';
import type { ElectronMain, IpcInvokeEvent } from './electron-api';
import type { WindowOptions as WindowOptionsLike } from './security/window';

/**
 * startShell wired to the real backend (SQLite in a temp folder) and to a recording stand-in
 * for Electron's main-process API, which is absent here. It checks the wiring: what is
 * registered, what the window loads, that IPC reaches the backend only from the trusted frame,
 * and that a bad configuration or a failing backend stops the app with a clear error.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'homeline-shell-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Homeline</title>');
  writeFileSync(join(dir, 'empty.json'), '{}');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakeElectron({ isPackaged = false } = {}) {
  const recorded = {
    exitCode: null as number | null,
    quits: 0,
    errorBox: null as { title: string; content: string } | null,
    loaded: [] as string[],
    windows: [] as WindowOptionsLike[],
    ipc: new Map<string, (event: IpcInvokeEvent, ...args: unknown[]) => Promise<unknown>>(),
    protocols: new Map<string, (request: Request) => Promise<Response>>(),
    privileged: [] as string[],
    sent: [] as unknown[],
  };
  let quitted: () => void = () => undefined;
  const quit = new Promise<void>((resolve) => (quitted = resolve));
  const appEvents = new EventEmitter();
  const contents = Object.assign(new EventEmitter(), {
    id: 7,
    isDestroyed: () => false,
    send: (_channel: string, message: unknown) => recorded.sent.push(message),
    reload: () => undefined,
    forcefullyCrashRenderer: () => undefined,
    closeDevTools: () => undefined,
    setWindowOpenHandler: () => undefined,
  });
  const session = Object.assign(new EventEmitter(), {
    setPermissionRequestHandler: () => undefined,
    setPermissionCheckHandler: () => undefined,
    setDevicePermissionHandler: () => undefined,
    webRequest: { onBeforeRequest: () => undefined },
  });
  class BrowserWindow extends EventEmitter {
    readonly webContents = contents;
    constructor(options: WindowOptionsLike) {
      super();
      recorded.windows.push(options);
    }
    async loadURL(url: string) {
      recorded.loaded.push(url);
    }
    show() {}
    focus() {}
    restore() {}
    isMinimized() {
      return false;
    }
    isDestroyed() {
      return false;
    }
  }
  const electron = {
    app: Object.assign(appEvents, {
      isPackaged,
      getVersion: () => '1.0.0',
      requestSingleInstanceLock: () => true,
      whenReady: async () => undefined,
      quit: () => {
        recorded.quits += 1;
        quitted();
      },
      exit: (code: number) => void (recorded.exitCode = code),
    }),
    BrowserWindow,
    Menu: { setApplicationMenu: () => undefined },
    dialog: {
      showErrorBox: (title: string, content: string) =>
        void (recorded.errorBox = { title, content }),
    },
    ipcMain: {
      handle: (channel: string, handler: never) => void recorded.ipc.set(channel, handler),
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: { scheme: string }[]) =>
        void recorded.privileged.push(...schemes.map((s) => s.scheme)),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        void recorded.protocols.set(scheme, handler),
    },
    session: { defaultSession: session },
  } as unknown as ElectronMain;
  return { electron, recorded, contents, appEvents, quit };
}

function dependencies(
  electron: ElectronMain,
  env: NodeJS.ProcessEnv,
  overrides: Partial<ShellDependencies> = {},
): ShellDependencies {
  return {
    electron,
    env,
    platform: 'linux',
    argv: ['/opt/homeline/homeline', '--no-sandbox'],
    rendererRoot: dir,
    preloadPath: join(dir, 'preload.cjs'),
    readUpdatePublicKey: () => null,
    createUpdater: () => {
      throw new Error('an unpackaged app never updates');
    },
    createLogger: () => pino({ level: 'silent' }),
    createBackend: (config, logger) =>
      composeBackend(config, logger, '1.0.0', keyFileSource(join(dir, 'keys', 'store.key'))),
    ...overrides,
  };
}

const kioskEnv = () => ({
  HOMELINE_CONFIG: join(dir, 'empty.json'),
  HOMELINE_PROFILE: 'kiosk',
  HOMELINE_FACILITY_ID: 'fl-central',
  HOMELINE_CENTRAL_URL: 'http://127.0.0.1:9/',
  HOMELINE_DATA_DIR: join(dir, 'data'),
});

describe('startShell', () => {
  it('serves the renderer, opens one locked window and bridges IPC to the real backend', async () => {
    const { electron, recorded, contents, appEvents, quit } = fakeElectron();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ logLevel: 'warn' }));
    await startShell(
      dependencies(electron, { ...kioskEnv(), HOMELINE_CONFIG: join(dir, 'config.json') }),
    );

    expect(recorded.privileged).toEqual(['app']);
    expect(recorded.loaded).toEqual(['app://homeline/index.html']);
    expect(recorded.windows).toHaveLength(1);
    expect(recorded.windows[0]).toMatchObject({
      kiosk: true,
      webPreferences: { sandbox: true, contextIsolation: true },
    });
    const page = await recorded.protocols.get('app')!(new Request('app://homeline/'));
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");

    const invoke = recorded.ipc.get(INVOKE_CHANNEL)!;
    const top = { url: 'app://homeline/index.html', parent: null };
    // Before the page has navigated there is no connection yet.
    expect(await invoke({ sender: { id: 7 }, senderFrame: top }, 'device.info', {})).toMatchObject({
      ok: false,
    });
    contents.emit('did-navigate');
    const info = (await invoke(
      { sender: { id: 7 }, senderFrame: top },
      'device.info',
      {},
    )) as Result<{
      profile: string;
      facilityId: string | null;
    }>;
    expect(info).toMatchObject({ ok: true, value: { profile: 'kiosk' } });
    const foreign = { url: 'https://evil.example/', parent: null };
    expect(
      await invoke({ sender: { id: 7 }, senderFrame: foreign }, 'device.info', {}),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });

    // Quitting closes the backend first, then quits for real.
    let prevented = false;
    appEvents.emit('before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await quit;
    expect(recorded.quits).toBe(1);
  });

  it('refuses to start on a bad configuration, naming the fields, in both languages', async () => {
    const { electron, recorded } = fakeElectron();
    await startShell(
      dependencies(electron, {
        ...kioskEnv(),
        HOMELINE_PROFILE: 'desk',
        HOMELINE_CENTRAL_URL: 'x',
      }),
    );
    expect(recorded.exitCode).toBe(78);
    expect(recorded.errorBox?.title).toBe('Homeline cannot start / Homeline no puede iniciar');
    expect(recorded.errorBox?.content).toMatch(/profile \(HOMELINE_PROFILE\)/);
    expect(recorded.errorBox?.content).toMatch(/centralUrl \(HOMELINE_CENTRAL_URL\)/);
    expect(recorded.errorBox?.content).toContain('Corrija la configuración');
    expect(recorded.windows).toEqual([]);
  });

  it('opens the Service screen with the PIN whose hash facility IT configured, and only it', async () => {
    const { electron, recorded, contents, appEvents, quit } = fakeElectron();
    const servicePinHash = encodePinHash(await hashPin('482913'));
    await startShell(
      dependencies(electron, { ...kioskEnv(), HOMELINE_SERVICE_PIN_HASH: servicePinHash }),
    );
    contents.emit('did-navigate');
    const invoke = recorded.ipc.get(INVOKE_CHANNEL)!;
    const top = {
      sender: { id: 7 },
      senderFrame: { url: 'app://homeline/index.html', parent: null },
    };
    expect(await invoke(top, 'maintenance.unlock', { pin: '24680' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_credentials' },
    });
    expect(await invoke(top, 'maintenance.unlock', { pin: '482913' })).toMatchObject({
      ok: true,
      value: { role: 'maintenance' },
    });
    appEvents.emit('before-quit', { preventDefault: () => undefined });
    await quit;
  });

  it('refuses a Service PIN given in clear instead of its hash', async () => {
    const { electron, recorded } = fakeElectron();
    await startShell(
      dependencies(electron, { ...kioskEnv(), HOMELINE_SERVICE_PIN_HASH: '482913' }),
    );
    expect(recorded.exitCode).toBe(78);
    expect(recorded.errorBox?.content).toMatch(/servicePinHash \(HOMELINE_SERVICE_PIN_HASH\)/);
  });

  it('refuses to start, saying how to fix it, when the data folder cannot be made', async () => {
    const { electron, recorded } = fakeElectron();
    // A data folder under a plain file: the operating system refuses to make it (ENOTDIR), as
    // it refuses a kiosk user a folder under root's /var/lib (EACCES; tests run as root).
    writeFileSync(join(dir, 'not-a-folder'), '');
    const dataDir = join(dir, 'not-a-folder', 'homeline');
    await startShell(
      dependencies(
        electron,
        { ...kioskEnv(), HOMELINE_DATA_DIR: dataDir },
        {
          createLogger: (config) =>
            pino({ level: config.logLevel }, openRotatingLog(join(config.dataDir, 'logs'))),
        },
      ),
    );
    expect(recorded.exitCode).toBe(78);
    expect(recorded.errorBox?.title).toBe('Homeline cannot start / Homeline no puede iniciar');
    expect(recorded.errorBox?.content).toContain(
      `The data folder ${dataDir} cannot be made or written (ENOTDIR)`,
    );
    expect(recorded.errorBox?.content).toContain(
      `sudo install -d -m 0700 -o kiosk -g kiosk ${dataDir}`,
    );
    expect(recorded.windows).toEqual([]);
  });

  it('refuses to start when the backend cannot, instead of showing a blank window', async () => {
    const { electron, recorded } = fakeElectron();
    await startShell(
      dependencies(electron, kioskEnv(), {
        createBackend: () =>
          Promise.reject(new Error('invalid device configuration: devices.card')),
      }),
    );
    expect(recorded.exitCode).toBe(78);
    expect(recorded.errorBox?.content).toContain('devices.card');
    expect(recorded.windows).toEqual([]);
  });
});
