import {
  chmodSync,
  closeSync,
  copyFileSync,
  fsyncSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { openDatabase, type SqliteDatabase } from './database';
import { DatabaseFromFutureError, StoreOpenError } from './errors';
import type { StoreKeySource } from './keys';
import { schemaVersion } from './migrate';
import { LATEST_SCHEMA_VERSION } from './migrations';

const PLAIN_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

type FileState = 'absent' | 'plain' | 'encrypted';

function fileState(path: string): FileState {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw error;
  }
  try {
    const header = Buffer.alloc(PLAIN_HEADER.length);
    const read = readSync(fd, header, 0, header.length, 0);
    if (read === 0) return 'absent'; // SQLite treats an empty file as a new database
    return header.equals(PLAIN_HEADER) ? 'plain' : 'encrypted';
  } finally {
    closeSync(fd);
  }
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Encrypts a plain database of an earlier release, once and atomically: the plain file is
 * checkpointed, copied, the copy encrypted (SQLite3MC rekey needs a rollback journal, not WAL) and
 * renamed over the original. Until the rename the original is untouched; after it, only the
 * encrypted file exists. A copy left by a crash is removed at the next start.
 */
function encryptInPlace(path: string, key: Buffer): void {
  const plain = new Database(path);
  try {
    // A newer app's file is refused as it is, not rewritten.
    const version = schemaVersion(plain);
    if (version > LATEST_SCHEMA_VERSION)
      throw new DatabaseFromFutureError(version, LATEST_SCHEMA_VERSION);
    plain.pragma('wal_checkpoint(TRUNCATE)');
    plain.pragma('journal_mode = DELETE');
  } finally {
    plain.close();
  }
  const copy = `${path}.encrypting`;
  copyFileSync(path, copy);
  chmodSync(copy, 0o600);
  const target = new Database(copy);
  try {
    target.rekey(key);
  } finally {
    target.close();
  }
  syncPath(copy);
  renameSync(copy, path);
  syncPath(dirname(path));
}

/** Creates the file 0600 before SQLite does: its WAL and shared-memory files copy that mode. */
function createPrivateFile(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
}

/**
 * Opens the device's store encrypted with the key from `source`. A new file gets a new key; a
 * plain file from an earlier release is encrypted in place; an encrypted file with no key or the
 * wrong one is refused with a typed, bilingual error and left exactly as it was.
 */
export function openEncryptedDatabase(
  path: string,
  source: StoreKeySource,
  options: { targetVersion?: number } = {},
): SqliteDatabase {
  rmSync(`${path}.encrypting`, { force: true });
  const state = fileState(path);
  let key = source.load();
  if (state === 'encrypted' && !key)
    throw new StoreOpenError('store_key_missing', { source: source.description, path });
  key ??= source.create();
  if (state === 'absent') createPrivateFile(path);
  else chmodSync(path, 0o600);
  if (state === 'plain') encryptInPlace(path, key);
  try {
    return openDatabase(path, { ...options, key });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_NOTADB')
      throw new StoreOpenError('store_key_wrong', { source: source.description, path });
    throw error;
  }
}
