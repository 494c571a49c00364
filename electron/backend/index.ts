export type { DeviceActivity } from './activity';
export { BackendConfigError, createBackend, type Backend, type BackendConfig } from './backend';
export { systemClock, type Clock } from './clock';
export { DEVICE_LOG_RETENTION, openRotatingLog } from './log-file';
export type { Connection, EmitFn } from './connection';
export type { Broadcast, DeviceService, PrintRequest, SyncClient, SyncClientDeps } from './ports';
export {
  DEMO,
  DEMO_FACILITY_ID,
  demoResidentLogins,
  seedDemo,
  type SeedDemoOptions,
} from './seed/demo';
export { setMaintenancePin, setResidentPin } from './services/credentials';
export { enqueueMutation, openStore, type Store } from './store';
