export { openDatabase, type SqliteDatabase } from './database';
export {
  DatabaseFromFutureError,
  InvalidMutationError,
  StoreError,
  StoreOpenError,
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
export { LATEST_SCHEMA_VERSION } from './migrations';
export { createStore, enqueueMutation, openStore, type Store } from './store';
export type { SyncCredentialsRow } from './repositories/credentials';
