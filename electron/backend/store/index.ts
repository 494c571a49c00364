export { openDatabase, type SqliteDatabase } from './database';
export {
  DatabaseFromFutureError,
  InvalidMutationError,
  StoreError,
  StoreOpenError,
  type StoreErrorCode,
  type StoreOpenErrorCode,
} from './errors';
export {
  STORE_KEY_BYTES,
  STORE_KEY_ENV,
  envKeySource,
  fixedKeySource,
  harnessKeySource,
  keyFileSource,
  type StoreKeySource,
} from './keys';
export { migrate, schemaVersion } from './migrate';
export { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
export { createStore, enqueueMutation, openStore, type Store } from './store';
export type {
  MailCursor,
  MailFolder,
  MessageRow,
  LocalMessageRow,
  AttachmentRow,
} from './repositories/mail';
export type { SyncCredentialsRow } from './repositories/credentials';
