import type { Logger } from 'pino';
import type { Storage } from '../storage/types';
import type { Clock } from '../work';
import type { createDeviceAuthenticator } from '../http/device-auth';

/** What every route plugin needs. */
export interface RouteContext {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  adminToken: string | null;
  minAppVersion: string;
  authenticateDevice: ReturnType<typeof createDeviceAuthenticator>;
}
