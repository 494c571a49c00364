/** What a person can do about a failed write: free space, fix the disk's mode, or call IT. */
export type StorageFailure = 'storage_full' | 'storage_read_only' | 'storage_failed';

/**
 * SQLite's extended result codes (better-sqlite3 puts them in `code`) and the OS errors beneath
 * them, sorted by what a person can act on. Anything else is not a storage failure (null).
 */
export function storageFailure(error: unknown): StorageFailure | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG')
    return 'storage_full';
  if (
    code.startsWith('SQLITE_READONLY') ||
    code === 'EROFS' ||
    code === 'EACCES' ||
    code === 'EPERM'
  )
    return 'storage_read_only';
  if (
    code.startsWith('SQLITE_IOERR') ||
    code.startsWith('SQLITE_CORRUPT') ||
    code.startsWith('SQLITE_CANTOPEN') ||
    code === 'SQLITE_NOTADB' ||
    code === 'EIO'
  )
    return 'storage_failed';
  return null;
}
