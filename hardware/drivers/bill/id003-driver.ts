import { z } from 'zod';
import {
  DeviceError,
  type BillAcceptorCapabilities,
  type BillAcceptorDriver,
  type BillCredit,
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
  COUNTRY_CURRENCY,
  Command,
  Id003Framer,
  Status,
  decodeCurrencyAssignment,
  denominationMask,
  encodeFrame,
  type Id003Frame,
} from './id003';

export const Id003OptionsSchema = z
  .object({
    pollMs: z.number().int().min(20).max(1000).default(150),
    replyTimeoutMs: z.number().int().min(20).max(5000).default(500),
    missedPolls: z.number().int().min(1).max(20).default(5),
    /** How long reset and initialization may take before connect fails. */
    startupTimeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  })
  .strict();
export type Id003Options = z.output<typeof Id003OptionsSchema>;

type BillSink = DriverSink<BillEvent, BillStatus>;

const STATE_OF: Readonly<Record<number, BillState>> = {
  [Status.idling]: 'idle',
  [Status.accepting]: 'accepting',
  [Status.escrow]: 'escrow',
  [Status.stacking]: 'stacking',
  [Status.vendValid]: 'stacking',
  [Status.stacked]: 'stacked',
  [Status.rejecting]: 'rejected',
  [Status.returning]: 'returned',
  [Status.holding]: 'escrow',
  [Status.disabled]: 'disabled',
  [Status.initialize]: 'disabled',
  [Status.stackerFull]: 'cassette_full',
  [Status.stackerOpen]: 'cassette_removed',
  [Status.jamInAcceptor]: 'jammed',
  [Status.jamInStacker]: 'jammed',
  [Status.pause]: 'accepting',
  [Status.cheated]: 'failure',
  [Status.failure]: 'failure',
};

/** Statuses that are problems the app must hear about, with their error class. */
const FAULTS: Readonly<Record<number, { code: string; fraud: boolean; text: string }>> = {
  [Status.stackerFull]: { code: 'cassette_full', fraud: false, text: 'the cash cassette is full' },
  [Status.stackerOpen]: {
    code: 'cassette_removed',
    fraud: false,
    text: 'the cash cassette is out',
  },
  [Status.jamInAcceptor]: { code: 'jam', fraud: false, text: 'a bill is jammed in the acceptor' },
  [Status.jamInStacker]: { code: 'jam', fraud: false, text: 'a bill is jammed in the stacker' },
  [Status.cheated]: { code: 'cheated', fraud: true, text: 'the acceptor detected tampering' },
  [Status.failure]: { code: 'failure', fraud: false, text: 'the acceptor reports a failure' },
};

/**
 * JCM ID-003 bill acceptor. Polls status; journals each bill at escrow (value and currency)
 * before the app hears of it, and before the stack command; at vend valid it credits the
 * journaled bill and acknowledges the device only after that resolved, so a credit is never
 * acknowledged without being written. On connect it reads back a bill left open by an unplug,
 * a power cut or an app restart and settles it by what the device reports.
 */
export class Id003Driver implements BillAcceptorDriver {
  private channel: CommandChannel<Id003Frame> | undefined;
  private readonly framer = new Id003Framer();
  private sink: BillSink | undefined;
  private state: BillState = 'disabled';
  private lastStatusCode = -1;
  /** The bill in escrow or being stacked, as journaled. */
  private bill: JournaledBill | null = null;
  /** The credit written for the bill at vend valid, waiting for the stacked report. */
  private pendingCredit: BillCredit | null = null;
  /** The device was acknowledged for the pending credit / told to return the escrow. */
  private creditAcked = false;
  private returnRequested = false;
  /** The next escrow or stacked event settles a bill from before this connection. */
  private recovering = false;
  private reconciliation = false;
  private denominations: Denomination[] = [];

  constructor(
    private readonly name: string,
    private readonly target: LinkTarget,
    private readonly options: Id003Options,
    private readonly journal: BillJournal,
  ) {}

  get capabilities(): BillAcceptorCapabilities {
    return { escrow: true, inhibitByDenomination: true, denominations: this.denominations };
  }

  get currentState(): BillState {
    return this.state;
  }

  async connect(sink: BillSink): Promise<void> {
    this.sink = sink;
    const channel = await CommandChannel.open<Id003Frame>(
      this.target,
      this.options.replyTimeoutMs,
      {
        receive: (chunk) => this.receive(chunk),
        lost: (reason) => sink.lost(reason),
      },
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
      async () => this.handleStatus(await this.request(Command.statusRequest)),
      'the bill acceptor stopped answering polls',
    );
  }

  async disconnect(): Promise<void> {
    this.sink = undefined;
    const channel = this.channel;
    this.channel = undefined;
    await channel?.close();
  }

  async setInputEnabled(enabled: boolean): Promise<void> {
    await this.setting(Command.setInhibit, Uint8Array.of(enabled ? 0 : 1));
  }

  async probe(): Promise<string> {
    const reply = await this.request(Command.statusRequest);
    return STATE_OF[reply.command] ?? `status 0x${reply.command.toString(16)}`;
  }

  async stack(): Promise<void> {
    const bill = this.bill;
    if (this.state !== 'escrow' || !bill) {
      throw noBillInEscrow();
    }
    await this.journal.stacking(bill.billId);
    bill.state = 'stacking';
    await this.expectAck(Command.stack1);
  }

  async returnBill(): Promise<void> {
    if (this.state !== 'escrow') {
      throw noBillInEscrow();
    }
    await this.expectAck(Command.returnBill);
    this.returnRequested = true;
  }

  async setAcceptedDenominations(cents: readonly number[]): Promise<void> {
    const accepted = acceptedCodes(this.denominations, cents);
    const all = this.denominations.map((d) => d.code);
    await this.setting(Command.setDenominations, denominationMask(accepted, all));
  }

  /**
   * Startup: a device at vend valid, stacking or in escrow keeps its bill (the journal's open
   * bill, or the one in escrow, carries on); otherwise reset, wait for initialization, and settle
   * a bill the journal still holds: in the stacker after a power cut it is credited, anywhere
   * else the reset gives it back (or, lost mid-stack, it is flagged for the cash count).
   */
  private async start(): Promise<void> {
    const first = await this.request(Command.statusRequest);
    const open = await this.journal.open(this.name);
    this.bill = open;
    this.recovering = open !== null;
    const keepsBill =
      first.command === Status.vendValid ||
      first.command === Status.stacking ||
      first.command === Status.escrow;
    if (first.command === Status.powerUpBillInStacker || first.command === Status.vendValid) {
      this.reconciliation = true;
    }
    if (!keepsBill) {
      await this.expectAck(Command.reset);
      await this.waitInitialized();
    }
    const assignment = await this.request(
      Command.currencyAssignment,
      (frame) => frame.command === Command.currencyAssignment,
    );
    this.denominations = decodeCurrencyAssignment(assignment.data).map((entry) => ({
      code: entry.code,
      currency: COUNTRY_CURRENCY[entry.country] ?? `country-${entry.country}`,
      cents: entry.cents,
    }));
    if (!keepsBill && open) await this.settleAfterReset(open, first.command);
    await this.setting(Command.setInhibit, Uint8Array.of(1));
    // an escrow or vend valid found now is handled by the first poll, as if it had just come
    this.report(Status.disabled, null);
  }

  /** The reset took the bill's fate out of our hands: credit it only if it is in the stacker. */
  private async settleAfterReset(open: JournaledBill, powerUp: number): Promise<void> {
    this.bill = null;
    this.recovering = false;
    if (powerUp === Status.powerUpBillInStacker && open.state === 'stacking') {
      const credit = await this.journal.credit(open.billId);
      this.sink?.data({ kind: 'stacked', credit, recovered: true });
    } else if (open.state === 'escrow' || powerUp === Status.powerUpBillInAcceptor) {
      await this.journal.settle(open.billId, 'returned');
      this.sink?.data({ kind: 'returned', cents: open.cents, recovered: true });
    } else {
      // told to stack, then power lost with no bill reported anywhere: count the cassette
      this.reconciliation = true;
      await this.journal.settle(open.billId, 'uncertain');
      this.sink?.data({ kind: 'uncertain', cents: open.cents });
      this.sink?.error(
        billError('bill_uncertain', 'a bill being stacked was lost to a power cut', false),
      );
    }
  }

  private async waitInitialized(): Promise<void> {
    const deadline = Date.now() + this.options.startupTimeoutMs;
    while (Date.now() < deadline) {
      const reply = await this.request(Command.statusRequest);
      if (reply.command !== Status.initialize && reply.command < Status.powerUp) return;
      if (reply.command >= Status.stackerFull) return; // a fault: polling reports it
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs));
    }
    throw new DeviceError('timeout', 'the bill acceptor did not finish initializing');
  }

  private async handleStatus(reply: Id003Frame): Promise<void> {
    const { command, data } = reply;
    const sink = this.sink;
    if (!sink) return;
    const changed = command !== this.lastStatusCode;
    // a short stacked/returning phase can fall between two polls: the next resting state
    // completes it
    const resting =
      command === Status.idling || command === Status.disabled || command === Status.accepting;
    if (resting && this.pendingCredit && this.creditAcked) this.completeStack(sink);
    if (resting && this.returnRequested) this.completeReturn(sink);
    switch (command) {
      case Status.escrow: {
        if (!changed) break;
        await this.enterEscrow(sink, data[0]);
        break;
      }
      case Status.vendValid:
        await this.creditAndAck();
        break;
      case Status.stacked:
        this.completeStack(sink);
        break;
      case Status.rejecting:
        if (changed) {
          const reason = data[0] ?? 0;
          // 0x79: returned because the denomination is inhibited; every other code is a bill
          // the acceptor could not validate (insertion, magnetic, photo, length errors)
          const refusal = reason === 0x79 ? 'denomination_refused' : 'unreadable';
          sink.data({ kind: 'rejected', reason: `0x${reason.toString(16)}`, refusal });
        }
        break;
      case Status.returning:
        this.completeReturn(sink);
        break;
      case Status.powerUp:
      case Status.powerUpBillInAcceptor:
      case Status.powerUpBillInStacker:
        // the acceptor lost power: it needs a reset before it accepts anything again
        if (command === Status.powerUpBillInStacker) this.reconciliation = true;
        this.channel?.fail(new DeviceError('offline', 'the bill acceptor restarted'));
        return;
      default: {
        const fault = FAULTS[command];
        if (fault && changed) sink.error(billError(fault.code, fault.text, fault.fraud));
      }
    }
    if (changed) this.report(command, data[0] ?? null);
  }

  /**
   * Escrow: the bill is journaled with its value before the app hears of it; a bill the journal
   * already holds (found again after a replug or restart) keeps its id.
   */
  private async enterEscrow(sink: BillSink, code: number | undefined): Promise<void> {
    const denomination = this.denominations.find((d) => d.code === code);
    if (!denomination) {
      sink.error(billError('unknown_denomination', 'escrow of an unassigned denomination', false));
      return;
    }
    const recovered = this.recovering && this.bill?.cents === denomination.cents;
    this.recovering = false;
    if (!recovered) {
      const { cents, currency } = denomination;
      const billId = await this.journal.escrow({ device: this.name, cents, currency });
      this.bill = { billId, device: this.name, cents, currency, state: 'escrow' };
    }
    sink.data({
      kind: 'escrow',
      cents: denomination.cents,
      currency: denomination.currency,
      ...(recovered ? { recovered: true } : {}),
    });
  }

  private completeStack(sink: BillSink): void {
    if (!this.pendingCredit) return;
    const recovered = this.recovering;
    this.recovering = false;
    sink.data({ kind: 'stacked', credit: this.pendingCredit, ...(recovered ? { recovered } : {}) });
    this.pendingCredit = null;
    this.creditAcked = false;
    this.bill = null;
  }

  private completeReturn(sink: BillSink): void {
    if (!this.returnRequested && this.lastStatusCode === Status.returning) return;
    const bill = this.bill;
    if (!this.returnRequested && bill === null) return;
    this.returnRequested = false;
    this.bill = null;
    if (bill) {
      this.journal.settle(bill.billId, 'returned').catch(() => {
        sink.error(billError('journal', 'a returned bill could not be journaled', false));
      });
    }
    sink.data({ kind: 'returned', cents: bill?.cents ?? null });
  }

  /**
   * Vend valid: credit the journaled bill (idempotent on its id), then ACK; on failure no ACK,
   * the next poll retries. A vend with no journaled bill (the journal was lost) is credited at
   * zero and flagged for the cash count rather than guessed.
   */
  private async creditAndAck(): Promise<void> {
    try {
      if (!this.pendingCredit) {
        let bill = this.bill;
        if (!bill) {
          this.reconciliation = true;
          const currency = this.denominations[0]?.currency ?? 'USD';
          const billId = await this.journal.escrow({ device: this.name, cents: 0, currency });
          bill = { billId, device: this.name, cents: 0, currency, state: 'stacking' };
          this.bill = bill;
        }
        this.pendingCredit = await this.journal.credit(bill.billId);
      }
    } catch {
      this.sink?.error(
        billError('credit_not_recorded', 'the credit could not be recorded yet', false),
      );
      return;
    }
    await this.requireExchange().post(encodeFrame(Command.ack));
    this.creditAcked = true;
  }

  private report(code: number, detail: number | null): void {
    this.lastStatusCode = code;
    const state = STATE_OF[code] ?? this.state;
    this.state = state;
    this.sink?.status({
      state,
      detail:
        detail === null
          ? `0x${code.toString(16)}`
          : `0x${code.toString(16)}:0x${detail.toString(16)}`,
      reconciliation: this.reconciliation,
    });
  }

  private receive(chunk: Buffer): void {
    for (const event of this.framer.push(chunk)) {
      if (event.kind === 'frame') {
        this.sink?.seen();
        this.channel?.exchange.offer(event.frame);
      } else if (event.kind === 'bad_crc') {
        this.sink?.error(billError('checksum', 'a reply failed its CRC check', false));
      }
    }
  }

  private request(command: number, accepts?: (frame: Id003Frame) => boolean, data?: Uint8Array) {
    return this.requireExchange().request(encodeFrame(command, data), accepts);
  }

  private async expectAck(command: number): Promise<void> {
    const reply = await this.request(command);
    if (reply.command !== Status.ack) {
      throw new DeviceError(
        'extended',
        `the acceptor refused command 0x${command.toString(16)}`,
        reply.command === Status.invalidCommand ? 'invalid_command' : 'refused',
        'output',
      );
    }
  }

  /** Setting commands are acknowledged by echoing them back. */
  private async setting(command: number, data: Uint8Array): Promise<void> {
    const reply = await this.request(command, undefined, data);
    if (reply.command !== command) {
      throw new DeviceError(
        'extended',
        `setting 0x${command.toString(16)} was refused`,
        'refused',
        'output',
      );
    }
  }

  private requireExchange(): Exchange<Id003Frame> {
    if (!this.channel?.isOpen) {
      throw new DeviceError('offline', 'the bill acceptor port is not open', null, 'output');
    }
    return this.channel.exchange;
  }
}

export const id003Driver = billAcceptorFactory(
  Id003OptionsSchema,
  'even',
  (name, target, options, journal) => new Id003Driver(name, target, options, journal),
);
