import type {
  CashSession,
  DeviceHealth,
  DeviceInfo,
  EventName,
  EventPayload,
  PrintJob,
  SyncStatus,
} from '../contract';
import type { ReceiptDocument } from '../../hardware/hal';
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
 * A receipt or form for the printer as a printer-independent document (hardware/hal
 * receipt-document.ts), built by receipts/receipt-documents.ts; the printer's driver renders it
 * for its model and roll.
 */
export type PrintRequest = ReceiptDocument;

/**
 * What the backend needs from the hardware layer (electron/backend/devices implements it over
 * the device manager). Hardware events reach the renderer through the `onEvent` callback the
 * factory receives.
 */
/** A cash session's stacked bills per denomination, as the bill journal recorded them. */
export interface StackedCash {
  denominations: { cents: number; count: number }[];
  totalCents: number;
  /** When the first and the last bill were credited (the device's clock). */
  firstBillAt: string;
  lastBillAt: string;
}

/** A bill credited outside any cash session: a session of its own, paid for nothing. */
export interface OrphanCash {
  creditId: string;
  /** The uuid of the bill's credit id: stable across restarts, so its summary is sent once. */
  cashSessionId: string;
  stacked: StackedCash;
}

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
  /** What the bill journal says a session stacked; null when it stacked no bill. */
  stackedCash(cashSessionId: string): StackedCash | null;
  /** Bills credited outside any cash session whose summary is not queued yet. */
  unqueuedOrphanCash(): OrphanCash[];
  /** That bill's summary is in the outbox. */
  orphanCashQueued(creditId: string): void;
  /** Called after each bill credited outside a cash session (the backend queues its summary). */
  onOrphanCash(listener: () => void): void;
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
  /**
   * Charges a card at the central service (which captures it at the processor) for a payment this
   * device is about to queue; the answer's charge id goes in the queued mutation.
   */
  chargeCard(request: CardChargeRequest): Promise<CardChargeOutcome>;
  close(): Promise<void>;
}

export interface CardChargeRequest {
  /** The idempotency key: the deposit or purchase id the charge will be claimed by. */
  paymentId: string;
  residentId: string;
  amountCents: number;
  /** The processor's token of the card (never the number). */
  token: string;
}

/** Why a card charge did not happen, in the terms the person acts on. */
type CardChargeRefusal =
  | { reason: 'needs_network' }
  | { reason: 'declined'; declineCode: string }
  | { reason: 'processor_unavailable' }
  | { reason: 'card_not_usable' }
  | { reason: 'blocked' };

export type CardChargeOutcome =
  { ok: true; chargeId: string } | ({ ok: false } & CardChargeRefusal);

export interface SyncClientDeps {
  store: Store;
  broadcast: Broadcast;
}
