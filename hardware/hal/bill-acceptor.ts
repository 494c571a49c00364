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
 * One stacked bill. `creditId` is unique per (device, connection, sequence) and identical for
 * every repetition of the same vend, so the backend records it idempotently before the ACK.
 */
export interface BillCredit {
  creditId: string;
  device: string;
  sequence: number;
  cents: number;
  currency: string;
}

export type BillEvent =
  | { kind: 'escrow'; cents: number; currency: string }
  | { kind: 'stacked'; credit: BillCredit }
  | { kind: 'returned'; cents: number | null }
  | { kind: 'rejected'; reason: string };

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
 * UnifiedPOS's bill acceptor lacks escrow accept/return; XFS cash-in has them. Credits go to a
 * recorder given to the driver (recorded before the device is acknowledged), not through data
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
