import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import {
  keyFileSource,
  STORE_KEY_BYTES,
  StoreOpenError,
  type StoreKeySource,
} from '../backend/store';
import type { SafeStorage } from './electron-api';

/**
 * Whether the OS keystore really protects what safeStorage seals. On Linux without a secret
 * service (gnome-libsecret, kwallet) Chromium falls back to a fixed, public password
 * ('basic_text'), which is no protection at all.
 */
export function keystoreProblem(
  safeStorage: SafeStorage,
  platform: NodeJS.Platform,
): string | null {
  if (!safeStorage.isEncryptionAvailable()) return 'safeStorage reports no encryption';
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown')
      return `no Linux secret service (safeStorage backend ${backend})`;
  }
  return null;
}

/**
 * The store key sealed by the OS keystore (DPAPI, Keychain, libsecret/kwallet) in `sealedFile`:
 * the file alone opens nothing, since unsealing needs this OS user's keystore.
 */
function sealedKeySource(safeStorage: SafeStorage, sealedFile: string): StoreKeySource {
  const description = `OS keystore (sealed in ${sealedFile})`;
  return {
    description,
    load() {
      let sealed: Buffer;
      try {
        sealed = readFileSync(sealedFile);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      const key = Buffer.from(safeStorage.decryptString(sealed), 'base64url');
      if (key.length !== STORE_KEY_BYTES)
        throw new StoreOpenError('store_key_invalid', { source: description });
      return key;
    },
    create() {
      mkdirSync(dirname(sealedFile), { recursive: true, mode: 0o700 });
      const key = randomBytes(STORE_KEY_BYTES);
      const fd = openSync(sealedFile, 'wx', 0o600);
      try {
        writeSync(fd, safeStorage.encryptString(key.toString('base64url')));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return key;
    },
  };
}

/**
 * The shell's choice: the OS keystore; where it is unavailable, refuse to start, unless facility
 * IT named a key file (`storeKeyFile`) for this device, which is logged as an alert at every start.
 */
export function shellKeySource(options: {
  safeStorage: SafeStorage;
  platform: NodeJS.Platform;
  sealedFile: string;
  storeKeyFile: string | undefined;
  log: Logger;
}): StoreKeySource {
  const problem = keystoreProblem(options.safeStorage, options.platform);
  if (problem === null) return sealedKeySource(options.safeStorage, options.sealedFile);
  if (options.storeKeyFile === undefined)
    throw new StoreOpenError('keystore_unavailable', { cause: problem });
  options.log.warn(
    { alert: 'store_key_not_sealed', keyFile: options.storeKeyFile, problem },
    'OS keystore unavailable: the store key is read from the key file facility IT set',
  );
  return keyFileSource(options.storeKeyFile);
}
