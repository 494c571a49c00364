import { z } from 'zod';
import { DeviceError, type BillCredit, type BillState, type JournaledBill } from '../../hal';
import {
  FAULT_STATE,
  billAcceptorFactory,
  pollingOptions,
  refusedCommand,
  type AcceptorFault,
} from './acceptor-common';
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
import { SerialBillAcceptor, type BillSink } from './serial-acceptor';

export const Id003OptionsSchema = z
  .object({
    ...pollingOptions(150),
    /** How long reset and initialization may take before connect fails. */
    startupTimeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  })
  .strict();
export type Id003Options = z.output<typeof Id003OptionsSchema>;

/** What each status means: a state, or a fault the app must hear about (and the state it leaves). */
const STATUS_MEANING: Readonly<Record<number, BillState | AcceptorFault>> = {
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
  [Status.stackerFull]: { code: 'cassette_full', text: 'the cash cassette is full' },
  [Status.stackerOpen]: { code: 'cassette_removed', text: 'the cash cassette is out' },
  [Status.jamInAcceptor]: { code: 'jam', text: 'a bill is jammed in the acceptor' },
  [Status.jamInStacker]: { code: 'jam', text: 'a bill is jammed in the stacker' },
  [Status.pause]: 'accepting',
  [Status.cheated]: { code: 'cheated', text: 'the acceptor detected tampering' },
  [Status.failure]: { code: 'failure', text: 'the acceptor reports a failure' },
};

/** The state a status leaves the acceptor in, if the status is known. */
function stateOf(status: number): BillState | undefined {
  const meaning = STATUS_MEANING[status];
  return typeof meaning === 'object' ? FAULT_STATE[meaning.code] : meaning;
}

/**
 * JCM ID-003 bill acceptor. Polls status; journals each bill at escrow (value and currency)
 * before the app hears of it, and before the stack command; at vend valid it credits the
 * journaled bill and acknowledges the device only after that resolved, so a credit is never
 * acknowledged without being written. On connect it reads back a bill left open by an unplug,
 * a power cut or an app restart and settles it by what the device reports.
 */
export class Id003Driver extends SerialBillAcceptor<Id003Frame, Id003Options> {
  protected readonly noun = 'bill acceptor';
  private readonly framer = new Id003Framer();
  private lastStatusCode = -1;
  /** The credit written for the bill at vend valid, waiting for the stacked report. */
  private pendingCredit: BillCredit | null = null;
  /** The device was acknowledged for the pending credit / told to return the escrow. */
  private creditAcked = false;
  private returnRequested = false;
  /** The next escrow or stacked event settles a bill from before this connection. */
  private recovering = false;

  async setInputEnabled(enabled: boolean): Promise<void> {
    await this.setting(Command.setInhibit, Uint8Array.of(enabled ? 0 : 1));
  }

  async probe(): Promise<string> {
    const reply = await this.request(Command.statusRequest);
    return stateOf(reply.command) ?? `status 0x${reply.command.toString(16)}`;
  }

  protected async sendStack(): Promise<void> {
    await this.expectAck(Command.stack1);
  }

  protected async sendReturn(): Promise<void> {
    await this.expectAck(Command.returnBill);
    this.returnRequested = true;
  }

  protected async sendAccepted(codes: readonly number[]): Promise<void> {
    const all = this.denominations.map((d) => d.code);
    await this.setting(Command.setDenominations, denominationMask(codes, all));
  }

  protected async poll(): Promise<void> {
    await this.handleStatus(await this.request(Command.statusRequest));
  }

  /**
   * Startup: a device at vend valid, stacking or in escrow keeps its bill (the journal's open
   * bill, or the one in escrow, carries on); otherwise reset, wait for initialization, and settle
   * a bill the journal still holds: in the stacker after a power cut it is credited, anywhere
   * else the reset gives it back (or, lost mid-stack, it is flagged for the cash count).
   */
  protected async start(): Promise<void> {
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
    const inStacker = powerUp === Status.powerUpBillInStacker && open.state === 'stacking';
    const returned = open.state === 'escrow' || powerUp === Status.powerUpBillInAcceptor;
    // told to stack, then power lost with no bill reported anywhere: count the cassette
    const uncertain = { uncertain: 'a bill being stacked was lost to a power cut' };
    await this.settleOpenBill(open, inStacker ? 'stacked' : returned ? 'returned' : uncertain);
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
        await this.enterEscrow(data[0]);
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
        this.restarted();
        return;
      default: {
        const meaning = STATUS_MEANING[command];
        if (typeof meaning === 'object' && changed) this.raiseFault(meaning);
      }
    }
    if (changed) this.report(command, data[0] ?? null);
  }

  /**
   * Escrow: the bill is journaled with its value before the app hears of it; a bill the journal
   * already holds (found again after a replug or restart) keeps its id.
   */
  private async enterEscrow(code: number | undefined): Promise<void> {
    const denomination = this.denomination(code);
    if (!denomination) {
      this.raiseError('unknown_denomination', 'escrow of an unassigned denomination');
      return;
    }
    const recovered = this.recovering && this.bill?.cents === denomination.cents;
    this.recovering = false;
    if (!recovered) await this.journalBill(denomination);
    this.announceEscrow(denomination, recovered);
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
        this.raiseError('journal', 'a returned bill could not be journaled');
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
          bill = await this.journalBill({ cents: 0, currency }, 'stacking');
        }
        this.pendingCredit = await this.journal.credit(bill.billId);
      }
    } catch {
      this.creditNotRecorded();
      return;
    }
    await this.exchange.post(encodeFrame(Command.ack));
    this.creditAcked = true;
  }

  private report(code: number, detail: number | null): void {
    this.lastStatusCode = code;
    const hex = `0x${code.toString(16)}`;
    const state = stateOf(code) ?? this.state;
    this.reportState(state, detail === null ? hex : `${hex}:0x${detail.toString(16)}`);
  }

  protected receive(chunk: Buffer): void {
    for (const event of this.framer.push(chunk)) {
      if (event.kind === 'frame') this.offer(event.frame);
      else if (event.kind === 'bad_crc') this.checkFailed('a reply failed its CRC check');
    }
  }

  private request(command: number, accepts?: (frame: Id003Frame) => boolean, data?: Uint8Array) {
    return this.exchange.request(encodeFrame(command, data), accepts);
  }

  private async expectAck(command: number): Promise<void> {
    const reply = await this.request(command);
    if (reply.command === Status.ack) return;
    const code = reply.command === Status.invalidCommand ? 'invalid_command' : 'refused';
    throw refusedCommand(`the acceptor refused command 0x${command.toString(16)}`, code);
  }

  /** Setting commands are acknowledged by echoing them back. */
  private async setting(command: number, data: Uint8Array): Promise<void> {
    const reply = await this.request(command, undefined, data);
    if (reply.command !== command) {
      throw refusedCommand(`setting 0x${command.toString(16)} was refused`);
    }
  }
}

export const id003Driver = billAcceptorFactory(Id003OptionsSchema, 'even', Id003Driver);
