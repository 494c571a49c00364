import type {
  CashSession,
  DeviceHealth,
  DeviceInfo,
  EventName,
  EventPayload,
  PrintJob,
  SyncStatus,
} from '../contract';
import type { Locale } from '../../domain/types';
import type { Store } from './store';

/** Pushes an event to every open connection (validated against the contract first). */
export type Broadcast = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** A receipt or form for the printer: a title and label/value lines, already localized. */
export interface PrintRequest {
  kind: 'deposit' | 'stamp_purchase' | 'release_form' | 'test';
  locale: Locale;
  title: string;
  lines: { label: string; value: string }[];
}

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
  close(): Promise<void>;
}

export interface SyncClientDeps {
  store: Store;
  broadcast: Broadcast;
}
