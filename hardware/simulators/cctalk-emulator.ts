import type {
  BillFaults,
  BillOutcome,
  BillSlotClosed,
  BillValidatorEmulator,
} from './bill-emulator';
import type { DeviceWire } from './wire';

/*
 * Written from the ccTalk generic specification (bill validator headers and the bill event
 * table), not from our driver: it frames, sums and decodes on its own, so a misreading of the
 * specification in the driver shows up as a failing test instead of being mirrored here.
 */

/** Header numbers this validator answers (ccTalk generic specification, part 2). */
const H = {
  reply: 0,
  reset: 1,
  nak: 5,
  poll: 254,
  manufacturer: 246,
  category: 245,
  product: 244,
  setInhibits: 231,
  getInhibits: 230,
  setMaster: 228,
  getMaster: 227,
  events: 159,
  billId: 157,
  scaling: 156,
  route: 154,
  setMode: 153,
  getMode: 152,
};

/** Result B when result A is 0 (the table of bill validator status and error events). */
const STATUS_CODE = {
  returned: 1,
  validationFail: 2,
  inhibitedOnSerial: 4,
  jamUnsafe: 6,
  pulledBackwards: 8,
  tamper: 9,
  stackerOk: 10,
  stackerRemoved: 11,
  stackerInserted: 12,
  stackerFull: 14,
  optoFraud: 17,
  stringFraud: 18,
  jamCleared: 22,
};

/** Conditions a tester can make the validator report, beyond the shared faults. */
const CCTALK_CONDITIONS = {
  string_fraud: STATUS_CODE.stringFraud,
  opto_fraud: STATUS_CODE.optoFraud,
  pulled_backwards: STATUS_CODE.pulledBackwards,
  tamper: STATUS_CODE.tamper,
  stacker_removed: STATUS_CODE.stackerRemoved,
  stacker_inserted: STATUS_CODE.stackerInserted,
} as const;
export type CcTalkCondition = keyof typeof CCTALK_CONDITIONS;

/** A US bill table: bill type -> 7-character bill id (value in dollars, scaling 100, 2 places). */
const US_BILLS: Readonly<Record<number, string>> = {
  1: 'US0001A',
  2: 'US0005A',
  3: 'US0010A',
  4: 'US0020A',
  5: 'US0050A',
  6: 'US0100A',
};

type Phase =
  | { kind: 'idle' }
  | { kind: 'accepting' }
  | { kind: 'escrow'; type: number }
  | { kind: 'stacking'; type: number }
  | { kind: 'returning' }
  | { kind: 'rejecting' };

export interface CcTalkEmulatorOptions {
  address?: number;
  /** A single-wire bus: the host hears its own bytes before the reply. */
  echo?: boolean;
  /** Event counter the validator has reached (it has been running a while). */
  eventCounter?: number;
  /** How long each mechanical step takes. */
  stepMs?: number;
}

/**
 * A ccTalk bill validator on the device end of a wire: answers the host's commands, keeps the
 * five-event buffer with its wrapping counter, holds bills in escrow until routed, and reports
 * jams, a full or removed stacker and fraud as status events.
 */
export class CcTalkBillValidatorEmulator implements BillValidatorEmulator {
  readonly cassette: number[] = [];
  readonly faults: BillFaults;
  private phase: Phase = { kind: 'idle' };
  private counter = 0;
  /** Newest first, five pairs of result A / result B. */
  private buffer: [number, number][] = [];
  private masterEnabled = false;
  private enabledTypes = 0;
  private escrowMode = false;
  private configured = false;
  private pending = Buffer.alloc(0);
  private timer: NodeJS.Timeout | undefined;
  private readonly address: number;
  private readonly stepMs: number;

  constructor(
    private readonly wire: DeviceWire,
    private readonly options: CcTalkEmulatorOptions = {},
  ) {
    this.address = options.address ?? 40;
    this.stepMs = options.stepMs ?? 40;
    this.counter = options.eventCounter ?? 0;
    this.faults = this.faultSwitches();
    wire.onReceive((bytes) => this.receive(bytes));
  }

  get phaseName(): string {
    return this.phase.kind;
  }

  get eventCounter(): number {
    return this.counter;
  }

  slotClosedBecause(): BillSlotClosed | null {
    if (this.faults.jam) return 'jammed';
    if (this.faults.cassetteFull) return 'cassette_full';
    if (!this.configured) return 'not_started';
    if (this.phase.kind !== 'idle') return 'busy';
    if (!this.masterEnabled) return 'inhibited';
    return null;
  }

  insertBill(cents: number, decided?: (outcome: BillOutcome) => void): boolean {
    if (this.slotClosedBecause() !== null) return false;
    const type = Object.entries(US_BILLS).find(([, id]) => Number(id.slice(2, 6)) * 100 === cents);
    this.phase = { kind: 'accepting' };
    this.later(() => {
      const bill = type ? Number(type[0]) : 0;
      if (bill === 0) {
        this.rejectWith(STATUS_CODE.validationFail);
        return decided?.('unknown_bill');
      }
      if ((this.enabledTypes & (1 << (bill - 1))) === 0) {
        this.rejectWith(STATUS_CODE.inhibitedOnSerial);
        return decided?.('denomination_inhibited');
      }
      if (this.escrowMode) {
        this.phase = { kind: 'escrow', type: bill };
        this.post(bill, 1);
        return decided?.('escrow');
      }
      this.stackNow(bill);
      decided?.('stacked');
    });
    return true;
  }

  /** The validator reports a condition (fraud, stacker out and back) as it would on its own. */
  signal(condition: CcTalkCondition): void {
    this.post(0, CCTALK_CONDITIONS[condition]);
  }

  /**
   * Power loss: a bill in escrow is given back at power-up, one on its way to the stacker ends
   * in the cassette; the event buffer and counter start again from 0, everything inhibited.
   */
  powerCycle(): void {
    clearTimeout(this.timer);
    if (this.phase.kind === 'stacking') this.cassette.push(this.centsOf(this.phase.type));
    this.phase = { kind: 'idle' };
    this.counter = 0;
    this.buffer = [];
    this.masterEnabled = false;
    this.enabledTypes = 0;
    this.escrowMode = false;
    this.configured = false;
  }

  private faultSwitches(): BillFaults {
    let jam = false;
    let cassetteFull = false;
    const post = (code: number) => this.post(0, code);
    return {
      noAnswer: false,
      get jam() {
        return jam;
      },
      set jam(on: boolean) {
        if (on === jam) return;
        jam = on;
        post(on ? STATUS_CODE.jamUnsafe : STATUS_CODE.jamCleared);
      },
      get cassetteFull() {
        return cassetteFull;
      },
      set cassetteFull(on: boolean) {
        if (on === cassetteFull) return;
        cassetteFull = on;
        // emptied: the cassette is taken out and put back
        if (on) post(STATUS_CODE.stackerFull);
        else {
          post(STATUS_CODE.stackerRemoved);
          post(STATUS_CODE.stackerInserted);
        }
      },
    };
  }

  private receive(bytes: Buffer): void {
    this.pending = Buffer.concat([this.pending, bytes]);
    // a message is complete when its length byte says so; the sum of all its bytes is 0 mod 256
    // bounds-checked reads: at least 5 bytes are pending, and a message is at least 5 long
    while (this.pending.length >= 5) {
      const size = this.pending.readUInt8(1) + 5;
      if (this.pending.length < size) return;
      const message = this.pending.subarray(0, size);
      const sum = message.reduce((total, byte) => (total + byte) % 256, 0);
      if (sum !== 0 || message[0] !== this.address) {
        // not a message for us (or corrupted): a validator stays silent; slide one byte
        this.pending = this.pending.subarray(1);
        continue;
      }
      this.pending = this.pending.subarray(size);
      if (this.faults.noAnswer) continue;
      if (this.options.echo) this.wire.send(Uint8Array.from(message));
      this.answer(message.readUInt8(2), message.readUInt8(3), message.subarray(4, size - 1));
    }
  }

  private answer(from: number, header: number, data: Uint8Array): void {
    const ack = (...bytes: number[]) => this.send(from, H.reply, bytes);
    switch (header) {
      case H.poll:
        return ack();
      case H.manufacturer:
        return ack(...Buffer.from('HML'));
      case H.category:
        return ack(...Buffer.from('Bill Validator'));
      case H.product:
        return ack(...Buffer.from('SIM-BV1'));
      case H.billId: {
        const id = US_BILLS[data[0] ?? 0] ?? '.......';
        return ack(...Buffer.from(id));
      }
      case H.scaling: {
        const country = Buffer.from(data).toString('latin1');
        // US: the bill id's value x 100, in hundredths of a dollar; unknown countries: zeros
        return country === 'US' ? ack(100, 0, 2) : ack(0, 0, 0);
      }
      case H.setInhibits:
        this.enabledTypes = (data[0] ?? 0) | ((data[1] ?? 0) << 8);
        return ack();
      case H.getInhibits:
        return ack(this.enabledTypes & 0xff, this.enabledTypes >> 8);
      case H.setMaster:
        this.masterEnabled = ((data[0] ?? 0) & 1) === 1;
        this.configured = true;
        return ack();
      case H.getMaster:
        return ack(this.masterEnabled ? 1 : 0);
      case H.setMode:
        this.escrowMode = ((data[0] ?? 0) & 0b10) !== 0;
        return ack();
      case H.getMode:
        return ack(this.escrowMode ? 0b11 : 0b01);
      case H.events: {
        const pairs = [...this.buffer, ...Array<[number, number]>(5).fill([0, 0])].slice(0, 5);
        return ack(this.counter, ...pairs.flat());
      }
      case H.route:
        return this.routeBill(data[0], ack);
      case H.reset:
        ack();
        return this.powerCycle();
      default:
        return this.send(from, H.nak, []);
    }
  }

  private routeBill(code: number | undefined, ack: (...bytes: number[]) => void): void {
    const phase = this.phase;
    if (phase.kind !== 'escrow') return ack(254); // escrow is empty
    if (code === 255) return ack(); // escrow timeout extended: nothing else changes
    if (code === 1) {
      ack();
      this.phase = { kind: 'stacking', type: phase.type };
      this.later(() => this.stackNow(phase.type));
      return;
    }
    if (code === 0) {
      ack();
      this.phase = { kind: 'returning' };
      this.later(() => {
        this.phase = { kind: 'idle' };
        this.post(0, STATUS_CODE.returned);
      });
      return;
    }
    ack(255); // failed to route
  }

  private stackNow(type: number): void {
    this.cassette.push(this.centsOf(type));
    this.phase = { kind: 'idle' };
    this.post(type, 0);
  }

  private rejectWith(code: number): void {
    this.phase = { kind: 'rejecting' };
    this.later(() => {
      this.phase = { kind: 'idle' };
      this.post(0, code);
    });
  }

  private centsOf(type: number): number {
    return Number((US_BILLS[type] ?? 'US0000A').slice(2, 6)) * 100;
  }

  /** A new event: the counter moves on (255 wraps to 1, never 0 again), the oldest drops out. */
  private post(a: number, b: number): void {
    this.counter = this.counter === 255 ? 1 : this.counter + 1;
    this.buffer = [[a, b] as [number, number], ...this.buffer].slice(0, 5);
  }

  private send(to: number, header: number, data: number[]): void {
    const message = [to, data.length, this.address, header, ...data];
    const sum = message.reduce((total, byte) => total + byte, 0);
    this.wire.send(Uint8Array.from([...message, (256 - (sum % 256)) % 256]));
  }

  private later(step: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(step, this.stepMs);
    this.timer.unref();
  }
}
