import { createPublicKey, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import type { AppUpdater } from 'electron-updater';
import type { Logger } from 'pino';
import { dataFolderProblem } from './config/data-folder';
import { ConfigError, loadShellConfig, type LoadedConfig } from './config/load';
import type { ShellConfig } from './config/schema';
import type { BrowserWindow, ElectronMain } from './electron-api';
import { EVENT_CHANNEL, INVOKE_CHANNEL, type EventMessage } from './channels';
import { createInvokeHandler, type BackendConnection } from './ipc';
import { hardenSession, lockDownContents } from './lockdown';
import { APP_ENTRY_URL, APP_SCHEME } from './origin';
import { DEFAULT_RELOAD_POLICY, UNRESPONSIVE_GRACE_MS, recentCrashes, reloadDelay } from './reload';
import { buildCsp } from './security/csp';
import { createAppProtocolHandler } from './security/protocol';
import { forbiddenSwitches } from './security/switches';
import { createWindow } from './security/window';
import { startUpdateController } from './updates/controller';
import { hardenUpdater } from './updates/harden';
import { fileSequenceMemory } from './updates/sequence';
import type { DeviceActivity } from './updates/idle';

/** What the shell needs of the backend (electron/backend's createBackend result). */
interface ShellBackend {
  connect(emit: (event: string, payload: unknown) => void): BackendConnection;
  close(): void | Promise<void>;
  /** What the device is doing, for the update install gate (idle.ts). */
  activity(): Promise<DeviceActivity>;
}

export interface ShellDependencies {
  electron: ElectronMain;
  createBackend(config: ShellConfig, logger: Logger): Promise<ShellBackend>;
  createLogger(config: ShellConfig): Logger;
  createUpdater(): AppUpdater;
  /** Built renderer folder, bundled preload file, and the update public key file if shipped. */
  rendererRoot: string;
  preloadPath: string;
  readUpdatePublicKey(): string | null;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** The process's command line (process.argv). */
  argv: readonly string[];
}

/** Shown to facility IT when the device cannot start; in both languages, then the detail. */
const START_ERROR_TITLE = 'Homeline cannot start / Homeline no puede iniciar';
const START_ERROR_HINT =
  'Fix the configuration and restart the device (docs/install.md).\n' +
  'Corrija la configuración y reinicie el equipo (docs/install.md).';
/** EX_CONFIG from sysexits.h: lets a supervisor tell a bad config from a crash. */
const EXIT_CONFIG = 78;

function refuseToStart(deps: ShellDependencies, detail: string): void {
  console.error(detail);
  deps.electron.dialog.showErrorBox(START_ERROR_TITLE, `${detail}\n\n${START_ERROR_HINT}`);
  deps.electron.app.exit(EXIT_CONFIG);
}

/** Builds the one window and keeps it alive: crash reloads with backoff, hung page reloads. */
function openWindow(deps: ShellDependencies, config: ShellConfig, log: Logger): BrowserWindow {
  const window = createWindow(deps.electron.BrowserWindow, {
    preloadPath: deps.preloadPath,
    development: config.development,
  });
  const contents = window.webContents;
  window.once('ready-to-show', () => window.show());

  const crashes: number[] = [];
  contents.on('render-process-gone', (_event, details) => {
    if (details.reason === 'clean-exit') return;
    const now = Date.now();
    crashes.push(now);
    const recent = recentCrashes(crashes, now, DEFAULT_RELOAD_POLICY);
    crashes.splice(0, crashes.length, ...recent);
    const delay = reloadDelay(recent.length, DEFAULT_RELOAD_POLICY);
    log.error({ ...details, recentCrashes: recent.length, reloadInMs: delay }, 'renderer gone');
    setTimeout(() => {
      if (!window.isDestroyed()) contents.reload();
    }, delay);
  });

  let hung: NodeJS.Timeout | null = null;
  window.on('unresponsive', () => {
    log.warn({}, 'renderer unresponsive');
    hung ??= setTimeout(() => {
      hung = null;
      if (window.isDestroyed()) return;
      log.error({ graceMs: UNRESPONSIVE_GRACE_MS }, 'renderer still unresponsive: reloading');
      contents.forcefullyCrashRenderer();
      contents.reload();
    }, UNRESPONSIVE_GRACE_MS);
  });
  window.on('responsive', () => {
    if (hung) clearTimeout(hung);
    hung = null;
  });
  return window;
}

function startUpdates(
  deps: ShellDependencies,
  config: ShellConfig,
  backend: ShellBackend,
  log: Logger,
): void {
  if (!config.updates.enabled || !deps.electron.app.isPackaged) return;
  const pem = deps.readUpdatePublicKey();
  if (!pem) {
    log.error({}, 'updates disabled: no update signing public key shipped with this build');
    return;
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(pem);
  } catch (error) {
    log.error({ err: error }, 'updates disabled: the shipped update public key is unreadable');
    return;
  }
  const updater = deps.createUpdater();
  updater.logger = {
    info: (message?: unknown) => log.info({ updater: true }, String(message)),
    warn: (message?: unknown) => log.warn({ updater: true }, String(message)),
    error: (message?: unknown) => log.error({ updater: true }, String(message)),
  };
  hardenUpdater(updater, {
    feedUrl: config.updates.feedUrl ?? new URL('updates/', config.centralUrl).href,
    channel: config.updates.channel,
    publicKey,
    sequences: fileSequenceMemory(join(config.dataDir, 'update-sequence.json')),
    onRejected: (reason, version) =>
      log.error({ reason, version, alert: 'update_manifest_rejected' }, 'update refused'),
  });
  startUpdateController({
    updater,
    checkIntervalMs: config.updates.checkIntervalMinutes * 60_000,
    idlePollMs: 60_000,
    readActivity: () => backend.activity(),
    install: () => updater.quitAndInstall(true, true),
    log,
  });
}

/**
 * The Electron main process: everything it decides comes from the pure modules beside it; this
 * function only wires them to Electron. Called by main.ts with the real modules.
 */
export async function startShell(deps: ShellDependencies): Promise<void> {
  const { app, ipcMain, Menu, protocol, session } = deps.electron;

  let loaded: LoadedConfig;
  try {
    loaded = loadShellConfig({ env: deps.env, platform: deps.platform });
  } catch (error) {
    refuseToStart(deps, error instanceof ConfigError ? error.message : String(error));
    return;
  }
  const { config } = loaded;
  // Only a packaged app is a kiosk; test automation (Playwright) starts the unpackaged one with
  // debugging switches on purpose.
  const switches = forbiddenSwitches(deps.argv, deps.platform);
  if (deps.electron.app.isPackaged && !config.development && switches.length > 0) {
    refuseToStart(deps, `Forbidden command-line switches: ${switches.join(' ')}`);
    return;
  }
  let log: Logger;
  try {
    // The log file is the first thing written under the data folder.
    log = deps.createLogger(config);
  } catch (error) {
    refuseToStart(deps, dataFolderProblem(config.dataDir, error));
    return;
  }
  log.info({ file: loaded.file, profile: config.profile }, 'configuration loaded');
  if (loaded.unknownVariables.length > 0) {
    log.warn({ variables: loaded.unknownVariables }, 'unknown HOMELINE_* variables ignored');
  }

  if (!app.requestSingleInstanceLock()) {
    log.warn({}, 'another Homeline is running: quitting');
    app.quit();
    return;
  }
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    },
  ]);
  app.on('web-contents-created', (_event, contents) =>
    lockDownContents(contents, { development: config.development, platform: deps.platform, log }),
  );
  app.on('window-all-closed', () => app.quit());

  await app.whenReady();
  Menu.setApplicationMenu(null);
  hardenSession(session.defaultSession, { development: config.development, log });
  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler({
      root: deps.rendererRoot,
      csp: buildCsp(),
      onRefused: (url, reason) => log.warn({ url, reason }, 'app:// request refused'),
    }),
  );

  let backend: ShellBackend;
  try {
    backend = await deps.createBackend(config, log);
  } catch (error) {
    // A bad device configuration or an unreadable database: say so instead of a blank screen.
    log.fatal({ err: error }, 'backend failed to start');
    refuseToStart(deps, error instanceof Error ? error.message : String(error));
    return;
  }
  const window = openWindow(deps, config, log);
  const contents = window.webContents;

  // One backend connection per page load: a reload (or a crash) ends the session.
  const emit = (event: string, payload: unknown) => {
    if (!contents.isDestroyed())
      contents.send(EVENT_CHANNEL, { event, payload } satisfies EventMessage);
  };
  let connection: BackendConnection | null = null;
  contents.on('did-navigate', () => {
    connection?.close();
    connection = backend.connect(emit);
  });
  ipcMain.handle(
    INVOKE_CHANNEL,
    createInvokeHandler({
      connection: () => connection,
      webContentsId: () => (contents.isDestroyed() ? null : contents.id),
      onRefused: (reason) => log.warn({ reason }, 'IPC call refused'),
    }),
  );

  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  // Close the backend (and its database) before Electron quits; then quit for real.
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    connection?.close();
    void Promise.resolve()
      .then(() => backend.close())
      .catch((error: unknown) => log.error({ err: error }, 'backend did not close cleanly'))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });

  await window.loadURL(APP_ENTRY_URL);
  startUpdates(deps, config, backend, log);
}
