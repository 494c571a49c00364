import { chmodSync, closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StoreOpenError } from './errors';

/**
 * Makes the data folder (0700: only the app's user may list or read it) and proves at start that
 * it can be written, so a read-only or full disk is said at start-up rather than at the first
 * sign-in. The probe file is written, synced and removed.
 */
export function prepareDataDir(path: string): void {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    chmodSync(path, 0o700);
    const probe = join(path, '.write-check');
    const fd = openSync(probe, 'w', 0o600);
    try {
      writeSync(fd, 'ok');
    } finally {
      closeSync(fd);
    }
    rmSync(probe);
  } catch (error) {
    const cause = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new StoreOpenError('store_not_writable', { path, cause });
  }
}
