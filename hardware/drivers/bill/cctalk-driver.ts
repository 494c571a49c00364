import { z } from 'zod';
import {
  DeviceError,
  type BillCredit,
  type BillState,
  type Denomination,
  type JournaledBill,
} from '../../hal';
import {
  billAcceptorFactory,
  pollingOptions,
  refusedCommand,
  type AcceptorFault,
} from './acceptor-common';
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
  counterBefore,
  eventsBetween,
  inhibitMask,
  isBillPath,
  parseBillId,
  parseScalingFactor,
  type BillEventCode,
  type BufferedBillEvents,
  type CcTalkFrame,
  type ScalingFactor,
} from './cctalk';
import { SerialBillAcceptor, type BillSink } from './serial-acceptor';

export const CcTalkOptionsSchema = z
  .object({
    /** The validator's ccTalk address (40 by default for bill validators). */
    address: z.number().int().min(2).max(255).default(BILL_VALIDATOR_ADDRESS),
    /** The event buffer holds five events: poll well within the time five bills take. */
    ...pollingOptions(200),
  })
  .strict();
export type CcTalkOptions = z.output<typeof CcTalkOptionsSchema>;

/** Bill types a validator may hold (inhibit status has 16 bits). */
const BILL_TYPES = 16;
const BUFFER_SIZE = 5;

/** Result-A-zero events that are faults. */
const FAULTS: Readonly<Record<number, AcceptorFault>> = {
  [S.jamInTransportUnsafe]: { code: 'jam', text: 'bill jammed' },
  [S.jamInTransportSafe]: { code: 'jam', text: 'bill jammed' },
  [S.jamInStacker]: { code: 'jam', text: 'bill jammed in stacker' },
  [S.stackerJammed]: { code: 'jam', text: 'the stacker jammed' },
  [S.stackerFull]: { code: 'cassette_full', text: 'the cash cassette is full' },
  [S.stackerRemoved]: { code: 'cassette_removed', text: 'the cash cassette is out' },
  [S.stackerFaulty]: { code: 'failure', text: 'the stacker is faulty' },
  [S.antiStringFaulty]: { code: 'failure', text: 'the anti-string mechanism is faulty' },
  [S.pulledBackwards]: { code: 'cheated', text: 'a bill was pulled back' },
  [S.tamper]: { code: 'cheated', text: 'tampering detected' },
  [S.optoFraud]: { code: 'cheated', text: 'optical fraud' },
  [S.stringFraud]: { code: 'cheated', text: 'string fraud' },
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
export class CcTalkDriver extends SerialBillAcceptor<CcTalkFrame, CcTalkOptions> {
  protected readonly noun = 'bill validator';
  private readonly framer = new CcTalkFramer(HOST_ADDRESS, this.options.address);
  private enabled = false;
  /** Counter of the last event handled. */
  private counter = 0;
  /**
   * A bill found in escrow on connect, offered to the app at the first poll (the device is
   * online by then): the open bill again (`recovered`), or one inserted while the app was away.
   */
  private offerAtFirstPoll: 'recovered' | 'new' | null = null;
  private identity = '';

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

  protected async sendStack(): Promise<void> {
    await this.route(Route.stack);
    this.report('stacking');
  }

  protected async sendReturn(): Promise<void> {
    await this.route(Route.returnBill);
  }

  protected async sendAccepted(codes: readonly number[]): Promise<void> {
    await this.command(Header.modifyInhibitStatus, inhibitMask(codes));
  }

  /**
   * Identifies the validator, reads its bill table, turns escrow on, inhibits everything, then
   * settles a bill the journal still holds by what the event buffer says. No reset is sent: it
   * would give back a bill in escrow and empty the buffer that tells a bill's fate.
   */
  protected async start(): Promise<void> {
    this.enabled = false;
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
    await this.sendAccepted(this.denominations.map((d) => d.code));
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
    const isEscrow = (e: BillEventCode | undefined): e is BillEventCode =>
      e !== undefined && e.a !== 0 && e.b === BillRoute.escrow;
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
      await this.settleOpenBill(open, 'stacked');
    } else if (open.state === 'escrow' || (fate?.a === 0 && fate.b === S.returnedFromEscrow)) {
      await this.settleOpenBill(open, 'returned');
    } else {
      const uncertain = 'a bill being stacked may or may not be in the cassette';
      await this.settleOpenBill(open, { uncertain });
    }
    // a bill that reached escrow while the app was away is a new one: journaled now
    if (isEscrow(newest)) {
      const value = this.denomination(newest.a);
      if (!value) return;
      await this.journalBill(value);
      this.offerAtFirstPoll = 'new';
    } else this.report(this.resting());
  }

  /** A credit found on connect is reported with the stacked state, as a live one is. */
  protected override announceRecoveredStack(credit: BillCredit): void {
    this.report('stacked');
    super.announceRecoveredStack(credit);
  }

  /** Reads the event buffer and handles every event newer than the last one handled. */
  protected async poll(): Promise<void> {
    const buffered = decodeBufferedBillEvents(await this.command(Header.readBufferedBillEvents));
    const sink = this.sink;
    if (!sink) return;
    if (buffered.counter === 0 && this.counter !== 0) {
      // power-up or reset: the validator needs setting up again (and a bill's fate settled)
      this.restarted();
      return;
    }
    const bill = this.bill;
    const offer = this.offerAtFirstPoll;
    if (offer && bill) {
      this.offerAtFirstPoll = null;
      this.report('escrow');
      this.announceEscrow(bill, offer === 'recovered');
    }
    let fresh = eventsBetween(this.counter, buffered.counter);
    if (fresh > BUFFER_SIZE) {
      this.reconciliation = true;
      this.raiseError('events_lost', `${fresh - BUFFER_SIZE} bill events were overwritten`);
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
    if (fault) return this.report(this.raiseFault(fault), event);
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
        this.raiseError('unknown_bill_stacked', 'a bill of no known type was stacked');
        return this.report(this.resting(), event);
      case S.masterInhibitActive:
        return;
      default:
        if (READY_AGAIN.has(event.b)) return this.report(this.resting(), event);
        this.raiseError('unknown_event', `unknown bill event 0/${event.b}`);
    }
  }

  /** Bill type + route: 1 = held in escrow (journaled first), 0 = in the cashbox (credited). */
  private async handleBill(sink: BillSink, event: BillEventCode): Promise<void> {
    const denomination = this.denomination(event.a);
    if (!denomination || event.b > BillRoute.escrow) {
      this.reconciliation = true;
      this.raiseError('unknown_denomination', `bill event ${event.a}/${event.b}`);
      return;
    }
    const { cents } = denomination;
    if (event.b === BillRoute.escrow) {
      await this.journalBill(denomination);
      this.report('escrow', event);
      this.announceEscrow(denomination);
      return;
    }
    // in the cashbox: the event carries the bill type, so a bill the journal missed (escrow
    // and stack between two polls) is still credited at its real value
    let bill = this.bill;
    try {
      if (!bill || bill.cents !== cents) bill = await this.journalBill(denomination, 'stacking');
      const credit = await this.journal.credit(bill.billId);
      this.bill = null;
      this.report('stacked', event);
      sink.data({ kind: 'stacked', credit });
      this.report(this.resting());
    } catch {
      this.creditNotRecorded();
      throw new NotRecorded();
    }
  }

  private resting(): BillState {
    return this.enabled ? 'idle' : 'disabled';
  }

  private report(state: BillState, event?: BillEventCode): void {
    this.reportState(state, event ? `cctalk ${event.a}/${event.b}` : `cctalk ${state}`);
  }

  private async route(code: number): Promise<void> {
    const reply = await this.command(Header.routeBill, Uint8Array.of(code));
    const [status] = reply;
    const refusal = status === undefined ? null : (RouteRefusal[status] ?? `code ${status}`);
    if (refusal) throw refusedCommand(`route bill refused: ${refusal}`);
  }

  protected receive(chunk: Buffer): void {
    for (const event of this.framer.push(chunk)) {
      if (event.kind === 'bad_checksum') this.checkFailed('a reply failed its checksum');
      else if (event.kind !== 'frame') continue;
      // on a single-wire bus our own command comes back: only replies to us count
      else if (
        event.frame.destination === HOST_ADDRESS &&
        event.frame.source === this.options.address
      ) {
        this.offer(event.frame);
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
    const reply = await this.exchange.request(frame);
    if (reply.header === Header.reply) return reply.data;
    const what = reply.header === Header.nak ? 'nak' : reply.header === Header.busy ? 'busy' : null;
    throw new DeviceError(
      what === 'busy' ? 'busy' : 'extended',
      `the validator answered header ${reply.header} to header ${header}`,
      what ?? 'bad_reply',
      'output',
    );
  }
}

export const ccTalkDriver = billAcceptorFactory(CcTalkOptionsSchema, 'none', CcTalkDriver);
