/** The device's side of sync inside the backend. Import from here. */
export {
  createBackendSync,
  toContractStatus,
  type BackendSync,
  type BackendSyncOptions,
} from './connector';
export { enrollWithCode, isEnrolled, type EnrollOptions } from './enroll';
export { createSyncStorePort, type StorePortOptions } from './port';
