import type { Logger } from 'pino';
import type { FacilityConfig } from '../../domain/facility';
import type { LockoutState } from '../../domain/lockout';
import type { DeviceProfile } from '../../domain/types';
import type { MethodName, MethodOutput, ParsedInput } from '../contract';
import type { CardReads } from './card-reads';
import type { CashPurposes } from './cash-purposes';
import type { Clock } from './clock';
import type { PaymentOwners } from './payment-owners';
import type { Broadcast, DeviceService, SyncClient, TellResident } from './ports';
import type { Session } from './session';
import type { Store } from './store';

/** What every service sees of the backend: shared by all connections. */
export interface BackendCore {
  store: Store;
  profile: DeviceProfile;
  facilityId: string;
  appVersion: string;
  /** Minutes before an idle kiosk session ends; null on tablets. */
  idleMinutes(): number | null;
  clock: Clock;
  logger: Logger;
  devices: DeviceService | null;
  sync: SyncClient | null;
  broadcast: Broadcast;
  /**
   * A resident's own change, told only to that resident's other connections (another window or
   * tab): never to other people, and not back to the caller, who has the answer already.
   */
  tellResident: TellResident;
  /** Cards this device's reader read and no payment used yet. */
  cardReads: CardReads;
  /** Where released tablets are mailed, printed on the release form; null when not configured. */
  warehouseAddress: string | null;
  /** Which connection started the card read and each open cash session. */
  payments: PaymentOwners;
  /** What each open cash session pays for, with its walk-away timer. */
  cashPurposes: CashPurposes;
  /** Wrong maintenance PINs in a row (the domain's lockout rule, kept per process). */
  maintenanceLockout: LockoutState;
  /** The stored facility configuration, validated; null before the device has one. */
  facility(): FacilityConfig | null;
}

/** One call: the backend, the caller's connection and the instant the call started. */
export interface CallContext {
  core: BackendCore;
  connection: ConnectionState;
  now: string;
}

export interface ConnectionState {
  id: string;
  session: Session | null;
  startSession(session: Omit<Session, 'lastActivityAt'>): void;
  endSession(reason: 'logout' | 'idle' | 'locked' | 'replaced'): void;
}

type Handler<M extends MethodName> = (
  context: CallContext,
  input: ParsedInput<M>,
) => MethodOutput<M> | Promise<MethodOutput<M>>;

export type Handlers = { [M in MethodName]: Handler<M> };
