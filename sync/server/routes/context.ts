import type { Logger } from 'pino';
import type { Storage } from '../storage/types';
import type { Clock } from '../work';
import type { PageSigner } from '../page-signing';
import type { PaymentsPort } from '../money/payments';
import type { DeviceSessions } from '../http/device-sessions';

/** What every route plugin needs. */
export interface RouteContext {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  minAppVersion: string;
  /** Signs pull pages; its public key goes to each device at enrollment. */
  pageSigner: PageSigner;
  /** Device sessions of this process (opened by POST /v1/session, checked by access control). */
  deviceSessions: DeviceSessions;
  /** The card processor; null: card payments answer processor_unavailable. */
  payments: PaymentsPort | null;
}
