/** Typed failures of the local store; callers map them to contract error codes. */
export type StoreErrorCode =
  'db_from_future' | 'migration_failed' | 'not_found' | 'conflict' | 'insufficient_stamps';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** The file was written by a newer app (Signal-Desktop's DBVersionFromFutureError). */
export class DatabaseFromFutureError extends StoreError {
  constructor(
    readonly fileVersion: number,
    readonly appVersion: number,
  ) {
    super(
      'db_from_future',
      `The local database is at schema version ${fileVersion} but this app knows only up to ${appVersion}; refusing to open it (install the newer app or restore a backup).`,
    );
    this.name = 'DatabaseFromFutureError';
  }
}
