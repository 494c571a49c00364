export { openDatabase, type SqliteDatabase } from './database';
export { DatabaseFromFutureError, StoreError, type StoreErrorCode } from './errors';
export { migrate, schemaVersion } from './migrate';
export { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
export { createStore, enqueueMutation, openStore, type Store } from './store';
export type { MailCursor, MailFolder, MessageRow, AttachmentRow } from './repositories/mail';
