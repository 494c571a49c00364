import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  DeviceConfigError,
  DeviceError,
  parseDriverOptions,
  type BillAcceptorCapabilities,
  type BillAcceptorDriver,
  type BillCredit,
  type BillEvent,
  type BillState,
  type BillStatus,
  type Denomination,
  type DriverContext,
  type DriverFactory,
  type DriverSink,
  type DriverSpec,
} from '../../hal';
import { CommandChannel } from '../serial/channel';
import type { Exchange } from '../serial/exchange';
import { linkTarget, type LinkTarget } from '../serial/link';
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
 * JCM ID-003 bill acceptor. Polls status; reports escrow and lets the app stack or return;
 * at vend valid it hands the credit to `recordCredit` and acknowledges the device only after
 * that resolved, so a credit is never acknowledged without being written. A pending credit
 * survives reconnects with the same id, so recording stays idempotent.
 */
export class Id003Driver implements BillAcceptorDriver {
  private channel: CommandChannel<Id003Frame> | undefined;
  private readonly framer = new Id003Framer();
  private sink: BillSink | undefined;
  private state: BillState = 'disabled';
  private lastStatusCode = -1;
  private escrowCents: number | null = null;
  private pendingCredit: BillCredit | null = null;
  /** The device was acknowledged for the pending credit / told to return the escrow. */
  private creditAcked = false;
  private returnRequested = false;
  private sequence = 0;
  private reconciliation = false;
  private denominations: Denomination[] = [];
  private readonly runId = randomUUID();

  constructor(
    private readonly name: string,
    private readonly target: LinkTarget,
    private readonly options: Id003Options,
    private readonly recordCredit: (credit: BillCredit) => Promise<void>,
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
    if (this.state !== 'escrow') {
      throw new DeviceError('illegal', 'no bill is waiting in escrow', null, 'output');
    }
    await this.expectAck(Command.stack1);
  }

  async returnBill(): Promise<void> {
    if (this.state !== 'escrow') {
      throw new DeviceError('illegal', 'no bill is waiting in escrow', null, 'output');
    }
    await this.expectAck(Command.returnBill);
    this.returnRequested = true;
  }

  async setAcceptedDenominations(cents: readonly number[]): Promise<void> {
    const unknown = cents.filter((value) => !this.denominations.some((d) => d.cents === value));
    if (unknown.length > 0) {
      throw new DeviceError(
        'illegal',
        `unknown denominations: ${unknown.join(', ')} cents`,
        null,
        'output',
      );
    }
    const accepted = this.denominations.filter((d) => cents.includes(d.cents)).map((d) => d.code);
    const all = this.denominations.map((d) => d.code);
    await this.setting(Command.setDenominations, denominationMask(accepted, all));
  }

  /**
   * Startup: a device at vend valid keeps its credit flow (reconciliation flagged); otherwise
   * reset, wait for initialization, read the currency assignment, start inhibited.
   */
  private async start(): Promise<void> {
    const first = await this.request(Command.statusRequest);
    if (first.command === Status.powerUpBillInStacker) this.reconciliation = true;
    if (first.command === Status.vendValid) {
      this.reconciliation = true;
    } else {
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
    await this.setting(Command.setInhibit, Uint8Array.of(1));
    this.report(first.command === Status.vendValid ? Status.vendValid : Status.disabled, null);
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
        const denomination = this.denominations.find((d) => d.code === data[0]);
        this.escrowCents = denomination?.cents ?? null;
        if (denomination) {
          sink.data({ kind: 'escrow', cents: denomination.cents, currency: denomination.currency });
        } else {
          sink.error(
            billError('unknown_denomination', 'escrow of an unassigned denomination', false),
          );
        }
        break;
      }
      case Status.vendValid:
        await this.creditAndAck();
        break;
      case Status.stacked:
        this.completeStack(sink);
        break;
      case Status.rejecting:
        if (changed) sink.data({ kind: 'rejected', reason: `0x${(data[0] ?? 0).toString(16)}` });
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

  private completeStack(sink: BillSink): void {
    if (!this.pendingCredit) return;
    sink.data({ kind: 'stacked', credit: this.pendingCredit });
    this.pendingCredit = null;
    this.creditAcked = false;
    this.escrowCents = null;
  }

  private completeReturn(sink: BillSink): void {
    if (!this.returnRequested && this.lastStatusCode === Status.returning) return;
    if (!this.returnRequested && this.escrowCents === null) return;
    sink.data({ kind: 'returned', cents: this.escrowCents });
    this.returnRequested = false;
    this.escrowCents = null;
  }

  /** Vend valid: record first (idempotent id), then ACK; on failure no ACK, the next poll retries. */
  private async creditAndAck(): Promise<void> {
    if (!this.pendingCredit) {
      this.sequence += 1;
      const cents = this.escrowCents ?? 0;
      this.pendingCredit = {
        creditId: `${this.name}:${this.runId}:${this.sequence}`,
        device: this.name,
        sequence: this.sequence,
        cents,
        currency: this.denominations[0]?.currency ?? 'USD',
      };
    }
    try {
      await this.recordCredit(this.pendingCredit);
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

function billError(code: string, message: string, fraud: boolean): DeviceError {
  return new DeviceError('extended', message, code, 'input', fraud ? 'fraud' : 'hardware');
}

export const id003Driver: DriverFactory = {
  deviceClass: 'BillAcceptor',
  create(spec: DriverSpec, context: DriverContext) {
    const options = parseDriverOptions(spec.name, Id003OptionsSchema, spec.options);
    const recordCredit = context.recordCredit;
    if (!recordCredit) {
      throw new DeviceConfigError(`bill acceptor ${spec.name} needs a credit recorder`);
    }
    return new Id003Driver(spec.name, linkTarget(spec, context, 'even'), options, recordCredit);
  },
};
