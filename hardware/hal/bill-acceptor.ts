import { PosDevice, type DeviceOptions } from './device';
import type { DeviceDriver } from './driver';

/** Protocol-neutral acceptor states (ID-003 and ccTalk both map onto these). */
export type BillState =
  | 'disabled'
  | 'idle'
  | 'accepting'
  | 'escrow'
  | 'stacking'
  | 'stacked'
  | 'returned'
  | 'rejected'
  | 'jammed'
  | 'cassette_full'
  | 'cassette_removed'
  | 'failure';

export interface Denomination {
  /** Protocol code of the denomination (ID-003 escrow code, ccTalk bill type). */
  code: number;
  currency: string;
  cents: number;
}

/**
 * One stacked bill, credited exactly once. `creditId` is the bill's journal id, written when the
 * bill reached escrow, so every repeat of its vend (after a reconnect or an app restart) carries
 * the same id and the value read at escrow.
 */
export interface BillCredit {
  creditId: string;
  device: string;
  cents: number;
  currency: string;
}

/** A bill the journal holds as still in the acceptor (escrow, or told to stack). */
export interface JournaledBill {
  billId: string;
  device: string;
  cents: number;
  currency: string;
  state: 'escrow' | 'stacking';
}

/**
 * Where the acceptor driver writes each bill durably before it tells the device or the app
 * anything: its denomination at escrow, the stack command, the credit at vend valid (before the
 * ACK), and how it left. After a restart or a replug the driver reads the open bill back and
 * settles it by what the device reports, so its value is credited once, never as zero.
 */
export interface BillJournal {
  /** A bill reached escrow: writes device, value and currency; returns the bill's id. */
  escrow(bill: { device: string; cents: number; currency: string }): Promise<string>;
  /** The bill is being stacked (written before the stack command is sent). */
  stacking(billId: string): Promise<void>;
  /** Credits the bill (idempotent: a second call returns the same credit and adds nothing). */
  credit(billId: string): Promise<BillCredit>;
  /** The bill left without a credit: given back, or lost to a power cut (`uncertain`). */
  settle(billId: string, outcome: 'returned' | 'uncertain'): Promise<void>;
  /** This device's bill still in escrow or stacking, if any. */
  open(device: string): Promise<JournaledBill | null>;
}

/** What a person is told about a refused bill: a kind we do not take, or one it could not read. */
export type BillRefusal = 'denomination_refused' | 'unreadable';

/**
 * `recovered` marks an event that settles a bill left in escrow or stacking by an unplug, a
 * power cut or an app restart: the screen can say what happened to it.
 */
export type BillEvent =
  | { kind: 'escrow'; cents: number; currency: string; recovered?: boolean }
  | { kind: 'stacked'; credit: BillCredit; recovered?: boolean }
  | { kind: 'returned'; cents: number | null; recovered?: boolean }
  | { kind: 'rejected'; reason: string; refusal: BillRefusal }
  | { kind: 'uncertain'; cents: number };

export interface BillStatus {
  state: BillState;
  /** Protocol detail (reject reason, failure code) for logs and the maintenance screen. */
  detail: string | null;
  /** Power-up with a bill in the stacker: count the cassette before trusting totals. */
  reconciliation: boolean;
}

export interface BillAcceptorCapabilities {
  escrow: boolean;
  inhibitByDenomination: boolean;
  denominations: readonly Denomination[];
}

export interface BillAcceptorDriver extends DeviceDriver<
  BillEvent,
  BillStatus,
  BillAcceptorCapabilities
> {
  /** Accepts the bill in escrow (stack). */
  stack(): Promise<void>;
  /** Gives the bill in escrow back. */
  returnBill(): Promise<void>;
  /** Accept only these denominations (cents); the rest are refused at the slot. */
  setAcceptedDenominations(cents: readonly number[]): Promise<void>;
  readonly currentState: BillState;
}

/**
 * UnifiedPOS's bill acceptor lacks escrow accept/return; XFS cash-in has them. Bills go to a
 * journal given to the driver (each step written before the device is told), not through data
 * events, so pausing events can never hold money back.
 */
export class BillAcceptor extends PosDevice<BillEvent, BillStatus, BillAcceptorCapabilities> {
  readonly deviceClass = 'BillAcceptor';
  constructor(
    name: string,
    protected override readonly driver: BillAcceptorDriver,
    options: Partial<DeviceOptions> = {},
  ) {
    super(name, driver, { autoDisable: false, ...options });
  }

  get billState(): BillState {
    return this.driver.currentState;
  }

  acceptEscrow(): Promise<void> {
    this.requireEnabled();
    return this.runExclusive(() => this.driver.stack());
  }

  returnEscrow(): Promise<void> {
    this.requireClaimed();
    return this.runExclusive(() => this.driver.returnBill());
  }

  setAcceptedDenominations(cents: readonly number[]): Promise<void> {
    return this.runExclusive(() => this.driver.setAcceptedDenominations(cents));
  }
}
