import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { StoreOpenError } from './errors';

/** The store's key: 32 random bytes (ChaCha20-Poly1305 in SQLite3 Multiple Ciphers). */
export const STORE_KEY_BYTES = 32;

/**
 * Where the store's key lives. Never beside the database: Electron seals it with the OS keystore
 * (electron/shell/store-key.ts); the harness and tests read a 0600 key file or an environment
 * variable. `describe` names the place (never the key) for logs and start-up errors.
 */
export interface StoreKeySource {
  readonly description: string;
  /** The existing key, or null when none was ever made. */
  load(): Buffer | null;
  /** Makes and keeps a new key; only called when no database holds data under another key. */
  create(): Buffer;
}

function checkedKey(bytes: Buffer, description: string): Buffer {
  if (bytes.length !== STORE_KEY_BYTES)
    throw new StoreOpenError('store_key_invalid', { source: description });
  return bytes;
}

/**
 * A key file: base64url text, created 0600 in a 0700 folder, refused when group or others may
 * read it (as ssh refuses a private key), so a copied backup with loose modes is noticed.
 */
export function keyFileSource(path: string): StoreKeySource {
  const description = `key file ${path}`;
  return {
    description,
    load() {
      let mode: number;
      try {
        mode = statSync(path).mode;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      if ((mode & 0o077) !== 0)
        throw new StoreOpenError('store_key_exposed', { source: description });
      return checkedKey(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64url'), description);
    },
    create() {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const key = randomBytes(STORE_KEY_BYTES);
      // 'wx': never replace a key file that appeared meanwhile (its database would be lost).
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, `${key.toString('base64url')}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return key;
    },
  };
}

/** A key given in an environment variable (base64url); it cannot be made, only set by IT. */
export function envKeySource(env: NodeJS.ProcessEnv, name: string): StoreKeySource {
  const description = `environment variable ${name}`;
  return {
    description,
    load: () => {
      const value = env[name]?.trim();
      return value ? checkedKey(Buffer.from(value, 'base64url'), description) : null;
    },
    create: () => {
      throw new StoreOpenError('store_key_missing', { source: description });
    },
  };
}

/** The environment variable the harness and tools read the store key from. */
export const STORE_KEY_ENV = 'HOMELINE_STORE_KEY';

/**
 * The harness's and tools' choice: the environment variable when it is set, else the key file
 * (outside the data folder, e.g. `<dataDir>.store-key`).
 */
export function harnessKeySource(env: NodeJS.ProcessEnv, keyFile: string): StoreKeySource {
  return env[STORE_KEY_ENV]?.trim() ? envKeySource(env, STORE_KEY_ENV) : keyFileSource(keyFile);
}

/** A key held in memory, for tests and benchmarks that make their own. */
export function fixedKeySource(key: Buffer): StoreKeySource {
  const checked = checkedKey(key, 'a key held in memory');
  return { description: 'a key held in memory', load: () => checked, create: () => checked };
}
