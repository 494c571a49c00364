import { z } from 'zod';
import {
  DeviceError,
  type BillAcceptorCapabilities,
  type BillAcceptorDriver,
  type BillEvent,
  type BillJournal,
  type BillState,
  type BillStatus,
  type Denomination,
  type DriverSink,
  type JournaledBill,
} from '../../hal';
import { CommandChannel } from '../serial/channel';
import type { Exchange } from '../serial/exchange';
import type { LinkTarget } from '../serial/link';
import { acceptedCodes, billAcceptorFactory, billError, noBillInEscrow } from './acceptor-common';
import {
  BILL_VALIDATOR_ADDRESS,
  BillRoute,
  BillStatusEvent as S,
  CURRENCY_OF_COUNTRY,
  CcTalkFramer,
  HOST_ADDRESS,
  Header,
  Route,
  RouteRefusal,
  billCents,
  decodeBufferedBillEvents,
  encodeCcTalk,
  eventsBetween,
  inhibitMask,
  parseBillId,
  parseScalingFactor,
  type BillEventCode,
  type BufferedBillEvents,
  type CcTalkFrame,
  type ScalingFactor,
} from './cctalk';

export const CcTalkOptionsSchema = z
  .object({
    /** The validator's ccTalk address (40 by default for bill validators). */
    address: z.number().int().min(2).max(255).default(BILL_VALIDATOR_ADDRESS),
    /** The event buffer holds five events: poll well within the time five bills take. */
    pollMs: z.number().int().min(20).max(1000).default(200),
    replyTimeoutMs: z.number().int().min(20).max(5000).default(500),
    missedPolls: z.number().int().min(1).max(20).default(5),
  })
  .strict();
export type CcTalkOptions = z.output<typeof CcTalkOptionsSchema>;

type BillSink = DriverSink<BillEvent, BillStatus>;

/** Bill types a validator may hold (inhibit status has 16 bits). */
const BILL_TYPES = 16;
const BUFFER_SIZE = 5;

/** Result-A-zero events that are faults, with the state they leave the validator in. */
const FAULTS: Readonly<
  Record<number, { code: string; state: BillState; fraud: boolean; text: string }>
> = {
  [S.jamInTransportUnsafe]: { code: 'jam', state: 'jammed', fraud: false, text: 'bill jammed' },
  [S.jamInTransportSafe]: { code: 'jam', state: 'jammed', fraud: false, text: 'bill jammed' },
  [S.jamInStacker]: { code: 'jam', state: 'jammed', fraud: false, text: 'bill jammed in stacker' },
  [S.stackerJammed]: { code: 'jam', state: 'jammed', fraud: false, text: 'the stacker jammed' },
  [S.stackerFull]: {
    code: 'cassette_full',
    state: 'cassette_full',
    fraud: false,
    text: 'the cash cassette is full',
  },
  [S.stackerRemoved]: {
    code: 'cassette_removed',
    state: 'cassette_removed',
    fraud: false,
    text: 'the cash cassette is out',
  },
  [S.stackerFaulty]: {
    code: 'failure',
    state: 'failure',
    fraud: false,
    text: 'the stacker is faulty',
  },
  [S.antiStringFaulty]: {
    code: 'failure',
    state: 'failure',
    fraud: false,
    text: 'the anti-string mechanism is faulty',
  },
  [S.pulledBackwards]: {
    code: 'cheated',
    state: 'failure',
    fraud: true,
    text: 'a bill was pulled back',
  },
  [S.tamper]: { code: 'cheated', state: 'failure', fraud: true, text: 'tampering detected' },
  [S.optoFraud]: { code: 'cheated', state: 'failure', fraud: true, text: 'optical fraud' },
  [S.stringFraud]: { code: 'cheated', state: 'failure', fraud: true, text: 'string fraud' },
};

/** Events after which the validator is ready again. */
const READY_AGAIN: ReadonlySet<number> = new Set([S.stackerOk, S.stackerInserted, S.jamCleared]);

/** A credit that could not be written yet: the event is handled again at the next poll. */
class NotRecorded extends Error {}

/**
 * ccTalk bill validator. There is no status to poll: the validator keeps its last five events
 * in a buffer with a counter (0 after power-up, then 1..255 wrapping to 1), read with header 159;
 * the driver handles each new event once, oldest first, and moves its counter past an event only
 * when that event is fully handled, so a credit that fails is retried with the same bill id.
 * Bills are held in escrow (operating mode 153) until route bill (154) stacks or returns them;
 * each step is journaled as for every acceptor. On connect the buffer says what became of a
 * bill left open by an unplug or an app restart; a power cut empties it (counter 0).
 */
export class CcTalkDriver implements BillAcceptorDriver {
  private channel: CommandChannel<CcTalkFrame> | undefined;
  private readonly framer: CcTalkFramer;
  private sink: BillSink | undefined;
  private state: BillState = 'disabled';
  private enabled = false;
  /** Counter of the last event handled. */
  private counter = 0;
  private bill: JournaledBill | null = null;
  private reconciliation = false;
  /**
   * A bill found in escrow on connect, offered to the app at the first poll (the device is
   * online by then): the open bill again (`recovered`), or one inserted while the app was away.
   */
  private offerAtFirstPoll: 'recovered' | 'new' | null = null;
  private denominations: Denomination[] = [];
  private identity = '';

  constructor(
    private readonly name: string,
    private readonly target: LinkTarget,
    private readonly options: CcTalkOptions,
    private readonly journal: BillJournal,
  ) {
    this.framer = new CcTalkFramer(HOST_ADDRESS, options.address);
  }

  get capabilities(): BillAcceptorCapabilities {
    return { escrow: true, inhibitByDenomination: true, denominations: this.denominations };
  }

  get currentState(): BillState {
    return this.state;
  }

  async connect(sink: BillSink): Promise<void> {
    this.sink = sink;
    this.enabled = false;
    const channel = await CommandChannel.open<CcTalkFrame>(
      this.target,
      this.options.replyTimeoutMs,
      { receive: (chunk) => this.receive(chunk), lost: (reason) => sink.lost(reason) },
    );
    this.channel = channel;
    try {
      await this.start();
    } catch (error) {
      await this.disconnect();
      throw error;
    }
    channel.every(
      this.options.pollMs,
      this.options.missedPolls,
      () => this.poll(),
      'the bill validator stopped answering polls',
    );
  }

  async disconnect(): Promise<void> {
    this.sink = undefined;
    const channel = this.channel;
    this.channel = undefined;
    await channel?.close();
  }

  async setInputEnabled(enabled: boolean): Promise<void> {
    // master inhibit: bit 0 set = normal operation, clear = every bill refused
    await this.command(Header.modifyMasterInhibit, Uint8Array.of(enabled ? 1 : 0));
    this.enabled = enabled;
    if (this.state === 'idle' || this.state === 'disabled') this.report(this.resting());
  }

  async probe(): Promise<string> {
    await this.command(Header.simplePoll);
    return `${this.identity}: ${this.state}`;
  }

  async stack(): Promise<void> {
    const bill = this.bill;
    if (this.state !== 'escrow' || !bill) {
      throw noBillInEscrow();
    }
    await this.journal.stacking(bill.billId);
    bill.state = 'stacking';
    await this.route(Route.stack);
    this.report('stacking');
  }

  async returnBill(): Promise<void> {
    if (this.state !== 'escrow') {
      throw noBillInEscrow();
    }
    await this.route(Route.returnBill);
  }

  async setAcceptedDenominations(cents: readonly number[]): Promise<void> {
    const types = acceptedCodes(this.denominations, cents);
    await this.command(Header.modifyInhibitStatus, inhibitMask(types));
  }

  /**
   * Identifies the validator, reads its bill table, turns escrow on, inhibits everything, then
   * settles a bill the journal still holds by what the event buffer says. No reset is sent: it
   * would give back a bill in escrow and empty the buffer that tells a bill's fate.
   */
  private async start(): Promise<void> {
    await this.command(Header.simplePoll);
    const ascii = (data: Uint8Array) =>
      Buffer.from(data)
        .toString('latin1')
        .replace(/[^\x20-\x7e]+/g, ' ');
    const manufacturer = ascii(await this.command(Header.manufacturerId));
    const product = ascii(await this.command(Header.productCode));
    this.identity = `${manufacturer} ${product}`.trim();
    this.denominations = await this.readBillTable();
    // operating mode: bit 0 use the stacker, bit 1 hold bills in escrow
    await this.command(Header.modifyBillOperatingMode, Uint8Array.of(0b11));
    await this.command(
      Header.modifyInhibitStatus,
      inhibitMask(this.denominations.map((d) => d.code)),
    );
    await this.command(Header.modifyMasterInhibit, Uint8Array.of(0));
    const buffered = decodeBufferedBillEvents(await this.command(Header.readBufferedBillEvents));
    this.counter = buffered.counter;
    this.bill = null;
    this.offerAtFirstPoll = null;
    this.state = 'disabled';
    const open = await this.journal.open(this.name);
    if (open) await this.settleOnConnect(open, buffered);
    else this.report('disabled');
  }

  private async readBillTable(): Promise<Denomination[]> {
    const scaling = new Map<string, ScalingFactor>();
    const table: Denomination[] = [];
    for (let type = 1; type <= BILL_TYPES; type += 1) {
      const id = parseBillId(await this.command(Header.requestBillId, Uint8Array.of(type)));
      if (!id) continue;
      let factor = scaling.get(id.country);
      if (!factor) {
        const reply = await this.command(
          Header.requestScalingFactor,
          Buffer.from(id.country, 'latin1'),
        );
        factor = parseScalingFactor(reply);
        scaling.set(id.country, factor);
      }
      const currency = CURRENCY_OF_COUNTRY[id.country] ?? `country-${id.country}`;
      table.push({ code: type, currency, cents: billCents(id, factor) });
    }
    return table;
  }

  /**
   * The bill the journal holds, settled by the bill-path events (escrow, cashbox, returned) in
   * the buffer. Only one bill fits in escrow, so when the newest is the escrow of another bill,
   * the event before it is the open bill's fate. An empty buffer (power-up) or no trace of the
   * bill: one in escrow was given back (a validator returns it at power-up); one told to stack
   * may or may not be in the cassette, so it is flagged for the cash count, never guessed.
   */
  private async settleOnConnect(open: JournaledBill, buffered: BufferedBillEvents) {
    const path = buffered.counter === 0 ? [] : buffered.events.filter(isBillPath);
    const [newest, before] = path;
    const valueOf = (e: BillEventCode | undefined) =>
      e && e.a !== 0 ? this.denominations.find((d) => d.code === e.a)?.cents : undefined;
    const isEscrow = (e: BillEventCode | undefined) => e?.a !== 0 && e?.b === BillRoute.escrow;
    const stackedBefore = before?.b === BillRoute.cashbox && valueOf(before) === open.cents;
    if (isEscrow(newest) && valueOf(newest) === open.cents) {
      if (open.state === 'escrow' || !stackedBefore) {
        // still in escrow: offered again at the first poll (the device is online by then), to
        // stack or return
        this.bill = open;
        this.offerAtFirstPoll = 'recovered';
        return;
      }
    }
    const fate = isEscrow(newest) ? before : newest;
    if (fate && fate.a !== 0 && fate.b === BillRoute.cashbox && valueOf(fate) === open.cents) {
      if (open.state === 'escrow') this.reconciliation = true; // stacked without our command
      const credit = await this.journal.credit(open.billId);
      this.report('stacked');
      this.sink?.data({ kind: 'stacked', credit, recovered: true });
    } else if (open.state === 'escrow' || (fate?.a === 0 && fate.b === S.returnedFromEscrow)) {
      await this.journal.settle(open.billId, 'returned');
      this.sink?.data({ kind: 'returned', cents: open.cents, recovered: true });
    } else {
      this.reconciliation = true;
      await this.journal.settle(open.billId, 'uncertain');
      this.sink?.data({ kind: 'uncertain', cents: open.cents });
      this.sink?.error(
        billError(
          'bill_uncertain',
          'a bill being stacked may or may not be in the cassette',
          false,
        ),
      );
    }
    // a bill that reached escrow while the app was away is a new one: journaled now
    if (isEscrow(newest)) {
      const value = this.denominations.find((d) => d.code === newest!.a);
      if (!value) return;
      const { cents, currency } = value;
      const billId = await this.journal.escrow({ device: this.name, cents, currency });
      this.bill = { billId, device: this.name, cents, currency, state: 'escrow' };
      this.offerAtFirstPoll = 'new';
    } else this.report(this.resting());
  }

  /** Reads the event buffer and handles every event newer than the last one handled. */
  private async poll(): Promise<void> {
    const buffered = decodeBufferedBillEvents(await this.command(Header.readBufferedBillEvents));
    const sink = this.sink;
    if (!sink) return;
    if (buffered.counter === 0 && this.counter !== 0) {
      // power-up or reset: the validator needs setting up again (and a bill's fate settled)
      this.channel?.fail(new DeviceError('offline', 'the bill validator restarted'));
      return;
    }
    const bill = this.bill;
    const offer = this.offerAtFirstPoll;
    if (offer && bill) {
      this.offerAtFirstPoll = null;
      this.report('escrow');
      const { cents, currency } = bill;
      sink.data({
        kind: 'escrow',
        cents,
        currency,
        ...(offer === 'recovered' && { recovered: true }),
      });
    }
    let fresh = eventsBetween(this.counter, buffered.counter);
    if (fresh > BUFFER_SIZE) {
      this.reconciliation = true;
      sink.error(
        billError('events_lost', `${fresh - BUFFER_SIZE} bill events were overwritten`, false),
      );
      fresh = BUFFER_SIZE;
    }
    // the buffer is newest first (age 0): handle the fresh ones oldest first
    for (const [age, event] of [...buffered.events.slice(0, fresh).entries()].reverse()) {
      try {
        await this.handle(event);
      } catch (error) {
        if (error instanceof NotRecorded) return; // handled again at the next poll
        throw error;
      }
      this.counter = counterBefore(buffered.counter, age);
    }
  }

  private async handle(event: BillEventCode): Promise<void> {
    const sink = this.sink;
    if (!sink) return;
    if (event.a !== 0) return this.handleBill(sink, event);
    const fault = FAULTS[event.b];
    if (fault) {
      sink.error(billError(fault.code, fault.text, fault.fraud));
      return this.report(fault.state, event);
    }
    switch (event.b) {
      case S.returnedFromEscrow: {
        const bill = this.bill;
        this.bill = null;
        if (bill) await this.journal.settle(bill.billId, 'returned');
        this.report('returned', event);
        sink.data({ kind: 'returned', cents: bill?.cents ?? null });
        return this.report(this.resting());
      }
      case S.invalidBillValidation:
      case S.invalidBillTransport:
      case S.barcodeDetected:
      case S.inhibitedBillSerial:
      case S.inhibitedBillSwitches: {
        const inhibited = event.b === S.inhibitedBillSerial || event.b === S.inhibitedBillSwitches;
        const refusal = inhibited ? 'denomination_refused' : 'unreadable';
        this.report('rejected', event);
        sink.data({ kind: 'rejected', reason: `0/${event.b}`, refusal });
        return this.report(this.resting());
      }
      case S.unknownBillStacked:
        this.reconciliation = true;
        sink.error(billError('unknown_bill_stacked', 'a bill of no known type was stacked', false));
        return this.report(this.resting(), event);
      case S.masterInhibitActive:
        return;
      default:
        if (READY_AGAIN.has(event.b)) return this.report(this.resting(), event);
        sink.error(billError('unknown_event', `unknown bill event 0/${event.b}`, false));
    }
  }

  /** Bill type + route: 1 = held in escrow (journaled first), 0 = in the cashbox (credited). */
  private async handleBill(sink: BillSink, event: BillEventCode): Promise<void> {
    const denomination = this.denominations.find((d) => d.code === event.a);
    if (!denomination || event.b > BillRoute.escrow) {
      this.reconciliation = true;
      sink.error(billError('unknown_denomination', `bill event ${event.a}/${event.b}`, false));
      return;
    }
    const { cents, currency } = denomination;
    if (event.b === BillRoute.escrow) {
      const billId = await this.journal.escrow({ device: this.name, cents, currency });
      this.bill = { billId, device: this.name, cents, currency, state: 'escrow' };
      this.report('escrow', event);
      sink.data({ kind: 'escrow', cents, currency });
      return;
    }
    // in the cashbox: the event carries the bill type, so a bill the journal missed (escrow
    // and stack between two polls) is still credited at its real value
    let bill = this.bill;
    try {
      if (!bill || bill.cents !== cents) {
        const billId = await this.journal.escrow({ device: this.name, cents, currency });
        bill = { billId, device: this.name, cents, currency, state: 'stacking' };
        this.bill = bill;
      }
      const credit = await this.journal.credit(bill.billId);
      this.bill = null;
      this.report('stacked', event);
      sink.data({ kind: 'stacked', credit });
      this.report(this.resting());
    } catch {
      sink.error(billError('credit_not_recorded', 'the credit could not be recorded yet', false));
      throw new NotRecorded();
    }
  }

  private resting(): BillState {
    return this.enabled ? 'idle' : 'disabled';
  }

  private report(state: BillState, event?: BillEventCode): void {
    this.state = state;
    this.sink?.status({
      state,
      detail: event ? `cctalk ${event.a}/${event.b}` : `cctalk ${state}`,
      reconciliation: this.reconciliation,
    });
  }

  private async route(code: number): Promise<void> {
    const reply = await this.command(Header.routeBill, Uint8Array.of(code));
    const [status] = reply;
    const refusal = status === undefined ? null : (RouteRefusal[status] ?? `code ${status}`);
    if (refusal) {
      throw new DeviceError('extended', `route bill refused: ${refusal}`, 'refused', 'output');
    }
  }

  private receive(chunk: Buffer): void {
    for (const event of this.framer.push(chunk)) {
      if (event.kind === 'bad_checksum') {
        this.sink?.error(billError('checksum', 'a reply failed its checksum', false));
      } else if (event.kind === 'frame') {
        const { frame } = event;
        // on a single-wire bus our own command comes back: only replies to us count
        if (frame.destination !== HOST_ADDRESS || frame.source !== this.options.address) continue;
        this.sink?.seen();
        this.channel?.exchange.offer(frame);
      }
    }
  }

  /** One command; the reply's data, or a typed error for NAK, BUSY or anything else. */
  private async command(header: number, data: Uint8Array = new Uint8Array()): Promise<Uint8Array> {
    const frame = encodeCcTalk({
      destination: this.options.address,
      source: HOST_ADDRESS,
      header,
      data,
    });
    const reply = await this.requireExchange().request(frame);
    if (reply.header === Header.reply) return reply.data;
    const what = reply.header === Header.nak ? 'nak' : reply.header === Header.busy ? 'busy' : null;
    throw new DeviceError(
      what === 'busy' ? 'busy' : 'extended',
      `the validator answered header ${reply.header} to header ${header}`,
      what ?? 'bad_reply',
      'output',
    );
  }

  private requireExchange(): Exchange<CcTalkFrame> {
    if (!this.channel?.isOpen) {
      throw new DeviceError('offline', 'the bill validator port is not open', null, 'output');
    }
    return this.channel.exchange;
  }
}

/** Events that tell where a bill went: escrow, cashbox, or given back from escrow. */
function isBillPath(event: BillEventCode): boolean {
  return event.a !== 0 || event.b === S.returnedFromEscrow;
}

/** The counter `age` events before `counter` (the counter runs 1..255 and skips 0). */
function counterBefore(counter: number, age: number): number {
  return ((((counter - 1 - age) % 255) + 255) % 255) + 1;
}

export const ccTalkDriver = billAcceptorFactory(
  CcTalkOptionsSchema,
  'none',
  (name, target, options, journal) => new CcTalkDriver(name, target, options, journal),
);
