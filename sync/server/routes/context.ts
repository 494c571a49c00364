import type { Logger } from 'pino';
import type { Storage } from '../storage/types';
import type { Clock } from '../work';

/** What every route plugin needs. */
export interface RouteContext {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  minAppVersion: string;
}
