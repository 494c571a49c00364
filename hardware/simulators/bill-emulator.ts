import {
  Command,
  Id003Framer,
  Status,
  encodeCurrencyAssignment,
  encodeFrame,
  isInhibitedByMask,
  USD_SAMPLE_ASSIGNMENT,
  type CurrencyEntry,
} from '../drivers/bill/id003';
import type { DeviceWire } from './wire';

type Phase =
  | { kind: 'power_up'; code: number }
  | { kind: 'initialize' }
  | { kind: 'ready' }
  | { kind: 'accepting' }
  | { kind: 'escrow'; code: number }
  | { kind: 'stacking' }
  | { kind: 'vend_valid' }
  | { kind: 'stacked' }
  | { kind: 'rejecting'; reason: number }
  | { kind: 'returning' };

export interface BillFaults {
  jam: boolean;
  cassetteFull: boolean;
  noAnswer: boolean;
}

/** Why a bill acceptor's slot does not take a bill now. */
export type BillSlotClosed = 'jammed' | 'cassette_full' | 'not_started' | 'busy' | 'inhibited';

/**
 * What the acceptor did with a bill once it had looked at it: held it in escrow (or stacked it
 * straight away), or gave it back because it is no bill it knows or a denomination inhibited.
 */
export type BillOutcome = 'escrow' | 'stacked' | 'unknown_bill' | 'denomination_inhibited';

/** What testers and tests do with an emulated acceptor, whatever protocol it speaks. */
export interface BillValidatorEmulator {
  readonly faults: BillFaults;
  /** Bills in the cassette, by cents. */
  readonly cassette: number[];
  /** The mechanism's phase (escrow, stacking...), for tests. */
  readonly phaseName: string;
  /**
   * A person feeds a bill; false when the slot is closed (`slotClosedBecause` says why).
   * `decided` hears what the acceptor then did with it.
   */
  insertBill(cents: number, decided?: (outcome: BillOutcome) => void): boolean;
  slotClosedBecause(): BillSlotClosed | null;
  /** Power is cut and comes back. */
  powerCycle(): void;
}

/**
 * A JCM ID-003 bill acceptor: answers polls with its status, moves bills through accepting,
 * escrow, stacking, vend valid (until the host ACKs) and stacked; rejects inhibited or unknown
 * denominations; jams and fills its cassette on request.
 */
export class BillAcceptorEmulator implements BillValidatorEmulator {
  readonly faults: BillFaults = { jam: false, cassetteFull: false, noAnswer: false };
  private phase: Phase = { kind: 'power_up', code: Status.powerUp };
  private inhibited = true;
  private mask = new Uint8Array(2);
  private readonly framer = new Id003Framer();
  private timer: NodeJS.Timeout | undefined;
  /** Bills in the cassette, by cents. */
  readonly cassette: number[] = [];

  constructor(
    private readonly wire: DeviceWire,
    private readonly assignment: readonly CurrencyEntry[] = USD_SAMPLE_ASSIGNMENT,
    /** How long each mechanical step takes. */
    private readonly stepMs = 40,
  ) {
    wire.onReceive((bytes) => {
      if (this.faults.noAnswer) return;
      for (const event of this.framer.push(bytes)) {
        if (event.kind === 'frame') this.command(event.frame.command, event.frame.data);
      }
    });
  }

  /** Why the slot would not take a bill now, or null when it would. */
  slotClosedBecause(): BillSlotClosed | null {
    if (this.faults.jam) return 'jammed';
    if (this.faults.cassetteFull) return 'cassette_full';
    // powered up but not yet reset by the app (no app connected, or it is starting)
    if (this.phase.kind === 'power_up' || this.phase.kind === 'initialize') return 'not_started';
    if (this.phase.kind !== 'ready') return 'busy'; // a bill is still in the path
    if (this.inhibited) return 'inhibited'; // the app has not opened a cash session
    return null;
  }

  /** A person feeds a bill; false when the slot is closed (`slotClosedBecause` says why). */
  insertBill(cents: number, decided?: (outcome: BillOutcome) => void): boolean {
    if (this.slotClosedBecause() !== null) return false;
    const entry = this.assignment.find((candidate) => candidate.cents === cents);
    this.phase = { kind: 'accepting' };
    this.after(() => {
      // ID-003 reject codes: 0x76 denomination not recognised, 0x79 denomination inhibited
      if (!entry) {
        this.reject(0x76);
        decided?.('unknown_bill');
      } else if (isInhibitedByMask(this.mask, entry.code)) {
        this.reject(0x79);
        decided?.('denomination_inhibited');
      } else {
        this.lastEscrowCents = entry.cents;
        this.phase = { kind: 'escrow', code: entry.code };
        decided?.('escrow');
      }
    });
    return true;
  }

  /**
   * Power loss: the next poll reports power-up, with a bill in the stacker if one was mid-vend
   * (it stays there: counted in the cassette) or in the acceptor if one was in escrow (the reset
   * gives it back).
   */
  powerCycle(): void {
    clearTimeout(this.timer);
    const billInStacker = this.phase.kind === 'vend_valid' || this.phase.kind === 'stacking';
    const billInAcceptor = this.phase.kind === 'escrow' || this.phase.kind === 'accepting';
    if (billInStacker && this.lastEscrowCents !== null) this.cassette.push(this.lastEscrowCents);
    this.phase = {
      kind: 'power_up',
      code: billInStacker
        ? Status.powerUpBillInStacker
        : billInAcceptor
          ? Status.powerUpBillInAcceptor
          : Status.powerUp,
    };
    this.inhibited = true;
  }

  get phaseName(): string {
    return this.phase.kind;
  }

  private reject(reason: number): void {
    this.phase = { kind: 'rejecting', reason };
    this.after(() => (this.phase = { kind: 'ready' }));
  }

  private command(command: number, data: Uint8Array): void {
    switch (command) {
      case Command.statusRequest:
        this.reply(...this.status());
        break;
      case Command.reset:
        this.reply(Status.ack);
        this.phase = { kind: 'initialize' };
        this.after(() => (this.phase = { kind: 'ready' }), 2);
        break;
      case Command.stack1:
        if (this.phase.kind !== 'escrow') return this.reply(Status.invalidCommand);
        this.reply(Status.ack);
        this.phase = { kind: 'stacking' };
        this.after(() => (this.phase = { kind: 'vend_valid' }));
        break;
      case Command.returnBill:
        if (this.phase.kind !== 'escrow') return this.reply(Status.invalidCommand);
        this.reply(Status.ack);
        this.phase = { kind: 'returning' };
        this.after(() => (this.phase = { kind: 'ready' }));
        break;
      case Command.ack:
        if (this.phase.kind === 'vend_valid') {
          const escrowed = this.lastEscrowCents;
          if (escrowed !== null) this.cassette.push(escrowed);
          this.phase = { kind: 'stacked' };
          this.after(() => (this.phase = { kind: 'ready' }));
        }
        break;
      case Command.setInhibit:
        this.inhibited = data[0] === 1;
        this.reply(Command.setInhibit, data);
        break;
      case Command.setDenominations:
        this.mask = Uint8Array.from(data.subarray(0, 2));
        this.reply(Command.setDenominations, data);
        break;
      case Command.currencyAssignment:
        this.reply(Command.currencyAssignment, encodeCurrencyAssignment(this.assignment));
        break;
      default:
        this.reply(Status.invalidCommand);
    }
  }

  private lastEscrowCents: number | null = null;

  private status(): [number, Uint8Array?] {
    if (this.faults.jam) return [Status.jamInAcceptor];
    if (this.faults.cassetteFull && this.phase.kind === 'ready') return [Status.stackerFull];
    switch (this.phase.kind) {
      case 'power_up':
        return [this.phase.code];
      case 'initialize':
        return [Status.initialize];
      case 'ready':
        return [this.inhibited ? Status.disabled : Status.idling];
      case 'accepting':
        return [Status.accepting];
      case 'escrow':
        return [Status.escrow, Uint8Array.of(this.phase.code)];
      case 'stacking':
        return [Status.stacking];
      case 'vend_valid':
        return [Status.vendValid];
      case 'stacked':
        return [Status.stacked];
      case 'rejecting':
        return [Status.rejecting, Uint8Array.of(this.phase.reason)];
      case 'returning':
        return [Status.returning];
    }
  }

  private reply(command: number, data?: Uint8Array): void {
    this.wire.send(encodeFrame(command, data));
  }

  private after(step: () => void, steps = 1): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(step, this.stepMs * steps);
    this.timer.unref();
  }
}
