export { BackendConfigError, createBackend, type Backend, type BackendConfig } from './backend';
export { systemClock, type Clock } from './clock';
export type { Connection, EmitFn } from './connection';
export type { Broadcast, DeviceService, PrintRequest, SyncClient, SyncClientDeps } from './ports';
export { setMaintenancePin, setResidentPin } from './services/credentials';
export { enqueueMutation, openStore, type Store } from './store';
