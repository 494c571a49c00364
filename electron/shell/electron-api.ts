import type { KeyInput } from './security/shortcuts';
import type { SenderFrame } from './security/sender';
import type { WindowOptions } from './security/window';

/**
 * The slice of Electron's API the shell uses, written out because the electron package (and its
 * types) is an optional dependency that is absent on build machines without the binary. Names
 * and signatures follow Electron 40; main.ts and preload.ts cast `require('electron')` to these.
 */

export interface ElectronEvent {
  preventDefault(): void;
}

export interface IpcInvokeEvent {
  readonly sender: { readonly id: number };
  readonly senderFrame: SenderFrame | null;
}

export interface WebContents {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, message: unknown): void;
  reload(): void;
  forcefullyCrashRenderer(): void;
  closeDevTools(): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (e: ElectronEvent, url: string) => void,
  ): void;
  on(
    event: 'will-frame-navigate',
    listener: (e: ElectronEvent & { readonly url: string }) => void,
  ): void;
  on(event: 'will-attach-webview', listener: (e: ElectronEvent) => void): void;
  on(event: 'before-input-event', listener: (e: ElectronEvent, input: KeyInput) => void): void;
  on(
    event: 'render-process-gone',
    listener: (e: ElectronEvent, details: { reason: string; exitCode: number }) => void,
  ): void;
  on(event: 'did-navigate' | 'devtools-opened', listener: () => void): void;
}

export interface BrowserWindow {
  readonly webContents: WebContents;
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  once(event: 'ready-to-show', listener: () => void): void;
  on(event: 'unresponsive' | 'responsive' | 'closed', listener: () => void): void;
}

export interface PermissionRequestHandler {
  (
    webContents: unknown,
    permission: string,
    callback: (granted: boolean) => void,
    details?: { requestingUrl?: string },
  ): void;
}

export interface Session {
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void;
  setPermissionCheckHandler(handler: (() => boolean) | null): void;
  setDevicePermissionHandler(handler: (() => boolean) | null): void;
  on(
    event: 'select-serial-port' | 'select-hid-device' | 'select-usb-device',
    listener: (e: ElectronEvent, ...args: unknown[]) => void,
  ): void;
  on(event: 'will-download', listener: (e: ElectronEvent) => void): void;
  readonly webRequest: {
    onBeforeRequest(
      listener: (
        details: { url: string },
        callback: (response: { cancel: boolean }) => void,
      ) => void,
    ): void;
  };
}

/** Electron's safeStorage: strings sealed with the OS keystore. */
export interface SafeStorage {
  isEncryptionAvailable(): boolean;
  /** Linux only: which secret store backs it; 'basic_text' is a fixed, public password. */
  getSelectedStorageBackend(): string;
  encryptString(plainText: string): Buffer;
  decryptString(sealed: Buffer): string;
}

export interface ElectronMain {
  app: {
    readonly isPackaged: boolean;
    getPath(name: 'userData'): string;
    getVersion(): string;
    requestSingleInstanceLock(): boolean;
    whenReady(): Promise<void>;
    quit(): void;
    exit(code: number): void;
    on(event: 'second-instance' | 'window-all-closed', listener: () => void): void;
    on(event: 'before-quit', listener: (e: ElectronEvent) => void): void;
    on(
      event: 'web-contents-created',
      listener: (e: ElectronEvent, contents: WebContents) => void,
    ): void;
  };
  BrowserWindow: new (options: WindowOptions) => BrowserWindow;
  Menu: { setApplicationMenu(menu: null): void };
  dialog: { showErrorBox(title: string, content: string): void };
  ipcMain: {
    handle(
      channel: string,
      handler: (event: IpcInvokeEvent, ...args: unknown[]) => Promise<unknown>,
    ): void;
  };
  protocol: {
    registerSchemesAsPrivileged(
      schemes: { scheme: string; privileges: Record<string, boolean> }[],
    ): void;
    handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
  };
  session: { readonly defaultSession: Session };
  safeStorage: SafeStorage;
}

/** What the sandboxed preload may use. */
export interface ElectronPreload {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: unknown, message: unknown) => void): void;
  };
}
