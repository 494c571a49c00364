/**
 * The preload script, bundled alone into one CommonJS file (sandboxed preloads cannot load
 * modules) by scripts/dist.ts. It runs with contextIsolation and exposes only the bridge.
 */
import { createPreloadBridge } from './bridge';
import type { ElectronPreload } from './electron-api';

// The electron package is optional (absent without its binary), so its types are ours; in the
// sandbox `require` is Electron's preload require, which provides 'electron'.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { contextBridge, ipcRenderer } = require('electron') as ElectronPreload;

contextBridge.exposeInMainWorld('homeline', createPreloadBridge(ipcRenderer));
