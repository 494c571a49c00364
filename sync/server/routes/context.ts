import type { Logger } from 'pino';
import type { Storage } from '../storage/types';
import type { Clock } from '../work';
import type { PageSigner } from '../page-signing';

/** What every route plugin needs. */
export interface RouteContext {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  minAppVersion: string;
  /** Signs pull pages; its public key goes to each device at enrollment. */
  pageSigner: PageSigner;
}
