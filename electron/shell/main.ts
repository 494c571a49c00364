/**
 * Electron main-process entry, bundled by scripts/dist.ts into dist/shell/main.cjs (CommonJS,
 * packages external). Wires the real modules into startShell; all decisions live in app.ts and
 * the pure modules it uses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { autoUpdater } from 'electron-updater';
import pino from 'pino';
import { openRotatingLog } from '../backend';
import { startShell } from './app';
import { composeBackend } from './backend';
import { shellKeySource } from './store-key';
import type { ElectronMain } from './electron-api';

// The electron package is optional (absent without its binary), so its types are ours.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const electron = require('electron') as ElectronMain;
/** Where electron-builder puts extraResources; set by Electron in the main process. */
const resourcesPath = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath ?? '';

void startShell({
  electron,
  env: process.env,
  platform: process.platform,
  argv: process.argv,
  rendererRoot: join(__dirname, '..', 'renderer'),
  preloadPath: join(__dirname, 'preload.cjs'),
  readUpdatePublicKey: () => {
    try {
      return readFileSync(join(resourcesPath, 'update-signing.pub'), 'utf8');
    } catch {
      return null;
    }
  },
  createUpdater: () => autoUpdater,
  createLogger: (config) =>
    pino(
      { level: config.logLevel, base: { app: 'homeline', profile: config.profile } },
      config.development ? pino.destination(1) : openRotatingLog(join(config.dataDir, 'logs')),
    ),
  createBackend: (config, logger) =>
    composeBackend(
      config,
      logger,
      electron.app.getVersion(),
      shellKeySource({
        safeStorage: electron.safeStorage,
        platform: process.platform,
        // In the app's own profile folder, not the data folder: sealed, and never beside the data.
        sealedFile: join(electron.app.getPath('userData'), 'store-key.sealed'),
        storeKeyFile: config.storeKeyFile,
        log: logger,
      }),
    ),
}).catch((error: unknown) => {
  console.error('Homeline failed to start', error);
  electron.app.exit(1);
});
