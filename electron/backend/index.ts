export type { DeviceActivity } from './activity';
export { createBackend, type Backend, type BackendConfig } from './backend';
export { systemClock } from './clock';
export { openRotatingLog } from './log-file';
export type { Connection } from './connection';
export { DEMO, DEMO_FACILITY_ID, demoResidentLogins, seedDemo } from './seed/demo';
export { setResidentPin } from './services/credentials';
export { openStore } from './store';
