/** The device side of sync. Import from here. */
export { createBackoff, type Backoff } from './backoff';
export { createSyncClient, type SyncClient } from './client';
export { SyncError } from './errors';
export {
  createHttpTransport,
  enrollDevice,
  type HttpTransportOptions,
  type SyncTransport,
} from './http';
export { generateDeviceKeys } from './keys';
export type { OutboxMutation, PullScope, SyncStorePort } from './port';
export type { SyncClientStatus } from './status';
