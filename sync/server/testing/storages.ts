import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openPostgresStorage } from '../storage/postgres';
import { openSqliteStorage } from '../storage/sqlite';
import type { Storage } from '../storage/types';
import { startTestPostgres, type TestPostgres } from './postgres';

/**
 * The one storage suite, run against both adapters: `forEachStorage((name, open) => ...)`
 * registers a describe block per engine; `open()` gives a fresh, empty storage (a new SQLite
 * file in a temp folder, or a new database in a throwaway PostgreSQL cluster).
 */

export const STORAGE_KINDS = ['sqlite', 'postgres'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];

export function storageOpener(kind: StorageKind): () => Promise<Storage> {
  let cluster: TestPostgres | undefined;
  let dir: string | undefined;
  let count = 0;
  const opened: Storage[] = [];
  beforeAll(async () => {
    if (kind === 'postgres') cluster = await startTestPostgres();
    else dir = mkdtempSync(join(tmpdir(), 'homeline-central-'));
  });
  afterAll(async () => {
    await Promise.all(opened.map((storage) => storage.close().catch(() => undefined)));
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return async () => {
    count += 1;
    const storage =
      kind === 'postgres'
        ? await openPostgresStorage(await cluster!.createDatabase())
        : await openSqliteStorage(join(dir!, `central-${count}.db`));
    opened.push(storage);
    return storage;
  };
}
