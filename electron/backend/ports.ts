import type {
  CashSession,
  DeviceHealth,
  DeviceInfo,
  EventName,
  EventPayload,
  PrintJob,
  SyncStatus,
} from '../contract';
import type { ReceiptInput } from '../../hardware/drivers';
import type { Store } from './store';

/** Pushes an event to every open connection (validated against the contract first). */
export type Broadcast = <E extends EventName>(event: E, payload: EventPayload<E>) => void;
export type TellResident = <E extends EventName>(
  residentId: string,
  exceptConnectionId: string,
  event: E,
  payload: EventPayload<E>,
) => void;

/**
 * A receipt or form for the printer, typed and worded by the hardware layer
 * (hardware/drivers/printer/receipts.ts: deposit, stamp purchase, release form, test page, in
 * English and Spanish), with the header every receipt carries (device, time, locale, facility).
 */
export type PrintRequest = ReceiptInput;

/**
 * What the backend needs from the hardware layer (electron/backend/devices implements it over
 * the device manager). Hardware events reach the renderer through the `onEvent` callback the
 * factory receives.
 */
export interface DeviceService {
  hardware(): DeviceInfo['hardware'];
  health(): DeviceHealth[];
  startCardRead(): Promise<void>;
  cancelCardRead(): Promise<void>;
  startCash(): Promise<CashSession>;
  escrow(cashSessionId: string, action: 'accept' | 'return'): Promise<CashSession>;
  endCash(cashSessionId: string): Promise<CashSession>;
  /** The state of a cash session started on this device; undefined when unknown. */
  cashSession(cashSessionId: string): CashSession | undefined;
  print(request: PrintRequest): Promise<PrintJob>;
  close(): Promise<void>;
}

/**
 * What the backend needs from the sync client (electron/backend/sync implements it). It gets the
 * store and a broadcast so that pulled changes reach open screens.
 */
export interface SyncClient {
  status(): SyncStatus;
  syncNow(): Promise<SyncStatus>;
  /** A mutation was queued and committed: push soon (the backend calls it after each such commit). */
  poke(): void;
  close(): Promise<void>;
}

export interface SyncClientDeps {
  store: Store;
  broadcast: Broadcast;
}
