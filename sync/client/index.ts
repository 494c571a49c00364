/** The device side of sync. Import from here. */
export { createBackoff, type Backoff, type BackoffOptions } from './backoff';
export { createSyncClient, type SyncClient, type SyncClientOptions } from './client';
export { SYNC_PROBLEMS, SyncError, type SyncProblem } from './errors';
export {
  ROUTES,
  createHttpTransport,
  enrollDevice,
  type HttpTransportOptions,
  type SyncTransport,
} from './http';
export { generateDeviceKeys, type DeviceKeyPair } from './keys';
export type { DeviceCredentials, OutboxMutation, PullScope, SyncStorePort } from './port';
export type { SyncClientStatus, SyncState } from './status';
