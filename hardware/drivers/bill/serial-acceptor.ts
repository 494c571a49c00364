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
import { FAULT_STATE, type AcceptorFault, type PollingOptions } from './acceptor-common';

export type BillSink = DriverSink<BillEvent, BillStatus>;

/**
 * What every polled serial acceptor does the same way, whatever its protocol: the port and its
 * command channel, the poll loop (one poll at a time, stopped with the channel, too many unanswered
 * polls reported as lost), the guards of stack and return, the bill in escrow as the journal holds
 * it, the settling of a bill left open by an unplug or an app restart, and the state reported to
 * the HAL. A protocol supplies only what it alone knows, in the abstract members: how to bring the
 * device up and find a bill's fate (`start`), what one poll asks and how its answer maps onto
 * bills and states (`poll`), how replies are framed (`receive`, handing each to `offer`), and its
 * commands for stack, return, inhibit and the accepted denominations.
 */
export abstract class SerialBillAcceptor<
  Frame,
  Options extends PollingOptions,
> implements BillAcceptorDriver {
  protected sink: BillSink | undefined;
  protected state: BillState = 'disabled';
  /** The bill in escrow or being stacked, as journaled. */
  protected bill: JournaledBill | null = null;
  /** Count the cassette before trusting totals: sent with every status. */
  protected reconciliation = false;
  protected denominations: Denomination[] = [];
  /** What the device is called in messages (`bill acceptor`, `bill validator`). */
  protected abstract readonly noun: string;
  private channel: CommandChannel<Frame> | undefined;

  constructor(
    protected readonly name: string,
    private readonly target: LinkTarget,
    protected readonly options: Options,
    protected readonly journal: BillJournal,
  ) {}

  get capabilities(): BillAcceptorCapabilities {
    return { escrow: true, inhibitByDenomination: true, denominations: this.denominations };
  }

  get currentState(): BillState {
    return this.state;
  }

  async connect(sink: BillSink): Promise<void> {
    this.sink = sink;
    const channel = await CommandChannel.open<Frame>(this.target, this.options.replyTimeoutMs, {
      receive: (chunk) => this.receive(chunk),
      lost: (reason) => sink.lost(reason),
    });
    this.channel = channel;
    await channel.startChecking(() => this.start(), {
      everyMs: this.options.pollMs,
      missLimit: this.options.missedPolls,
      silence: `the ${this.noun} stopped answering polls`,
      run: () => this.poll(),
    });
  }

  async disconnect(): Promise<void> {
    this.sink = undefined;
    const channel = this.channel;
    this.channel = undefined;
    await channel?.close();
  }

  /** Journals the stack before the device is told, so a restart mid-stack knows of it. */
  async stack(): Promise<void> {
    const bill = this.bill;
    if (this.state !== 'escrow' || !bill) throw noBillInEscrow();
    await this.journal.stacking(bill.billId);
    bill.state = 'stacking';
    await this.sendStack();
  }

  async returnBill(): Promise<void> {
    if (this.state !== 'escrow') throw noBillInEscrow();
    await this.sendReturn();
  }

  async setAcceptedDenominations(cents: readonly number[]): Promise<void> {
    await this.sendAccepted(acceptedCodes(this.denominations, cents));
  }

  abstract setInputEnabled(enabled: boolean): Promise<void>;
  abstract probe(): Promise<string>;

  /**
   * Runs once the port is open, before the first poll: identifies the device, reads its
   * denominations, leaves it inhibited, and settles the journal's open bill by what the device
   * says. A rejection closes the port and fails the connect.
   */
  protected abstract start(): Promise<void>;
  /** One poll: asks the device what happened and handles it. A timeout counts as a missed poll. */
  protected abstract poll(): Promise<void>;
  /** Bytes from the device: framed by the protocol, each reply to us handed to `offer`. */
  protected abstract receive(chunk: Buffer): void;
  protected abstract sendStack(): Promise<void>;
  protected abstract sendReturn(): Promise<void>;
  /** Inhibits every denomination but these protocol codes. */
  protected abstract sendAccepted(codes: readonly number[]): Promise<void>;

  /** The command exchange, or a typed error when the port is not open. */
  protected get exchange(): Exchange<Frame> {
    if (!this.channel?.isOpen) {
      throw new DeviceError('offline', `the ${this.noun} port is not open`, null, 'output');
    }
    return this.channel.exchange;
  }

  /** A reply framed from the device: it is alive, and the outstanding command may take it. */
  protected offer(reply: Frame): void {
    this.sink?.seen();
    this.channel?.exchange.offer(reply);
  }

  /** A problem the app hears about that is neither a fault of the mechanism nor fraud. */
  protected raiseError(code: string, message: string): void {
    this.sink?.error(billError(code, message, false));
  }

  /** A reply that failed its check value (the command times out and is counted as missed). */
  protected checkFailed(message: string): void {
    this.raiseError('checksum', message);
  }

  /** The device lost power or reset: it is reported lost so the HAL connects (and starts) again. */
  protected restarted(): void {
    this.channel?.fail(new DeviceError('offline', `the ${this.noun} restarted`));
  }

  /** Tells the app of a fault (as fraud when the device was cheated); the state it leaves. */
  protected raiseFault(fault: AcceptorFault): BillState {
    this.sink?.error(billError(fault.code, fault.text, fault.code === 'cheated'));
    return FAULT_STATE[fault.code];
  }

  protected reportState(state: BillState, detail: string): void {
    this.state = state;
    this.sink?.status({ state, detail, reconciliation: this.reconciliation });
  }

  protected denomination(code: number | undefined): Denomination | undefined {
    return this.denominations.find((d) => d.code === code);
  }

  /** Journals a bill with its value (before anyone hears of it) and holds it as the open bill. */
  protected async journalBill(
    value: { cents: number; currency: string },
    state: JournaledBill['state'] = 'escrow',
  ): Promise<JournaledBill> {
    const { cents, currency } = value;
    const billId = await this.journal.escrow({ device: this.name, cents, currency });
    this.bill = { billId, device: this.name, cents, currency, state };
    return this.bill;
  }

  /** Tells the app a bill waits in escrow (`recovered`: the open bill from before, again). */
  protected announceEscrow(value: { cents: number; currency: string }, recovered = false): void {
    const { cents, currency } = value;
    this.sink?.data({ kind: 'escrow', cents, currency, ...(recovered && { recovered }) });
  }

  /** A credit the journal could not write: the protocol leaves the event to be handled again. */
  protected creditNotRecorded(): void {
    this.raiseError('credit_not_recorded', 'the credit could not be recorded yet');
  }

  /**
   * Settles a bill the journal held open from before this connection, once the protocol has found
   * its fate, and tells the app (`recovered`): credited with the value written at escrow, given
   * back, or (nobody can tell whether it reached the cassette) left to the cash count.
   */
  protected async settleOpenBill(
    open: JournaledBill,
    fate: 'stacked' | 'returned' | { uncertain: string },
  ): Promise<void> {
    if (fate === 'stacked') {
      this.announceRecoveredStack(await this.journal.credit(open.billId));
    } else if (fate === 'returned') {
      await this.journal.settle(open.billId, 'returned');
      this.sink?.data({ kind: 'returned', cents: open.cents, recovered: true });
    } else {
      this.reconciliation = true;
      await this.journal.settle(open.billId, 'uncertain');
      this.sink?.data({ kind: 'uncertain', cents: open.cents });
      this.raiseError('bill_uncertain', fate.uncertain);
    }
  }

  /** Tells the app a bill from before this connection was credited. */
  protected announceRecoveredStack(credit: BillCredit): void {
    this.sink?.data({ kind: 'stacked', credit, recovered: true });
  }
}

/** An acceptor problem the app hears about: a hardware fault, or fraud. */
function billError(code: string, message: string, fraud: boolean): DeviceError {
  return new DeviceError('extended', message, code, 'input', fraud ? 'fraud' : 'hardware');
}

/** Stack or return asked for with no bill in escrow. */
function noBillInEscrow(): DeviceError {
  return new DeviceError('illegal', 'no bill is waiting in escrow', null, 'output');
}

/** The protocol codes of the denominations to accept; an amount the device lacks is illegal. */
function acceptedCodes(denominations: readonly Denomination[], cents: readonly number[]) {
  const unknown = cents.filter((value) => !denominations.some((d) => d.cents === value));
  if (unknown.length > 0) {
    throw new DeviceError(
      'illegal',
      `unknown denominations: ${unknown.join(', ')} cents`,
      null,
      'output',
    );
  }
  return denominations.filter((d) => cents.includes(d.cents)).map((d) => d.code);
}
