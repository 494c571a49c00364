import { z } from 'zod';
import {
  DeviceError,
  ReceiptDocumentBuilder,
  parseDriverOptions,
  type DriverContext,
  type DriverFactory,
  type DriverSink,
  type DriverSpec,
  type PrinterStatus,
  type ReceiptPrinterCapabilities,
  type ReceiptDocument,
  type ReceiptPrinterDriver,
} from '../../hal';
import { CommandChannel } from '../serial/channel';
import type { Exchange } from '../serial/exchange';
import { printerLinkTarget, wireMs, type ByteLinkTarget } from '../transport/byte-link';
import { renderEscPos } from './escpos-render';
import { PAPER_WIDTHS, PRINTER_PROFILES, PrinterProfileIdSchema } from './profiles';
import {
  RECOVER_CLEARING_BUFFERS,
  STATUS_MODELS,
  printerFailureCode,
  blocksPrinting,
  isAsbHeader,
  isStatusReply,
  statusRequest,
  type StatusModel,
  type StatusReplies,
} from './status';

export const EscPosOptionsSchema = z
  .object({
    /** Status decoder to use (STATUS_MODELS); kiosk printers with presenters add their own. */
    model: z.string().default('generic'),
    /** The model (code table, printable width) and the roll it holds. */
    profile: PrinterProfileIdSchema.default('escpos-generic'),
    paper: z.enum(PAPER_WIDTHS).default('80mm'),
    /**
     * A cash drawer on the kick-out connector, and the level of its pin 3 (`DLE EOT 1` bit 2)
     * that means open: the manuals leave it to the drawer's switch, so it is configured.
     */
    drawer: z
      .object({ openLevel: z.enum(['high', 'low']).default('high') })
      .strict()
      .optional(),
    /** Real-time status (DLE EOT) every so often; this many missed replies means offline. */
    heartbeatMs: z.number().int().min(20).max(60_000).default(3000),
    missedHeartbeats: z.number().int().min(1).max(10).default(3),
    replyTimeoutMs: z.number().int().min(20).max(10_000).default(1000),
  })
  .strict();
export type EscPosOptions = z.output<typeof EscPosOptionsSchema>;

type PrinterSink = DriverSink<never, PrinterStatus>;

/**
 * ESC/POS receipt printer with its own real-time status path: printer libraries do not read
 * status, so this driver asks `DLE EOT n` before and after every job and as a heartbeat.
 */
export class EscPosDriver implements ReceiptPrinterDriver {
  readonly capabilities: ReceiptPrinterCapabilities;
  private channel: CommandChannel<number> | undefined;
  private sink: PrinterSink | undefined;
  private last: PrinterStatus | undefined;
  private asbRemaining = 0;
  private readonly model: StatusModel;

  constructor(
    private readonly target: ByteLinkTarget,
    private readonly options: EscPosOptions,
  ) {
    const model = STATUS_MODELS[options.model];
    if (!model) throw new DeviceError('illegal', `unknown printer status model ${options.model}`);
    this.model = model;
    this.capabilities = {
      profile: options.profile,
      paper: options.paper,
      paperDots: PRINTER_PROFILES[options.profile].paper[options.paper].dots,
      columns: PRINTER_PROFILES[options.profile].paper[options.paper].columns,
      codePages: [PRINTER_PROFILES[options.profile].codeTable],
      barcodes: ['code128'],
      qrCode: true,
      cutter: true,
      realTimeStatus: true,
      drawer: options.drawer !== undefined,
      transport: target.kind ?? 'serial',
    };
  }

  async connect(sink: PrinterSink): Promise<void> {
    this.sink = sink;
    this.last = undefined;
    this.asbRemaining = 0;
    const channel = await CommandChannel.open<number>(this.target, this.options.replyTimeoutMs, {
      receive: (chunk) => this.receive(chunk),
      lost: (reason) => sink.lost(reason),
    });
    this.channel = channel;
    const readStatus = async () => void (await this.readStatus());
    await channel.startChecking(readStatus, {
      everyMs: this.options.heartbeatMs,
      missLimit: this.options.missedHeartbeats,
      silence: 'the printer stopped answering status requests',
      run: readStatus,
    });
  }

  async disconnect(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    await channel?.close();
  }

  async setInputEnabled(): Promise<void> {}

  async probe(): Promise<string> {
    return (await this.readStatus()).condition;
  }

  /** Asks every status the model needs; a change of condition or error class is a status event. */
  async readStatus(firstTimeoutMs?: number): Promise<PrinterStatus> {
    const exchange = this.requireExchange();
    const replies: StatusReplies = {};
    for (const [index, n] of this.model.requests.entries()) {
      const timeout = index === 0 ? firstTimeoutMs : undefined;
      replies[n] = await exchange.request(statusRequest(n), isStatusReply, timeout);
    }
    const status = this.model.decode(replies, this.options.drawer?.openLevel ?? null);
    const changed =
      this.last?.condition !== status.condition ||
      this.last.errorCause !== status.errorCause ||
      this.last.drawerOpen !== status.drawerOpen;
    if (changed) this.sink?.status(status);
    this.last = status;
    return status;
  }

  testPage(): ReceiptDocument {
    const { profile, paper } = this.options;
    return new ReceiptDocumentBuilder()
      .printNormal('PRINTER TEST', { align: 'center', bold: true, size: 2 })
      .printRule()
      .printColumns([{ text: 'Model' }, { text: profile }])
      .printColumns([{ text: 'Paper' }, { text: `${paper}, ${this.capabilities.paperDots} dots` }])
      .printBarCode('0123456789')
      .cutPaper()
      .build();
  }

  /**
   * Refuses a job the printer cannot take, sends it, then asks for status again: that reply
   * comes after the whole job went down the wire, so a paper-out during the job is reported.
   */
  async print(document: ReceiptDocument, progress?: { sent(): void }): Promise<void> {
    const job = renderEscPos(document, this.options);
    let before = await this.readStatus();
    // only the manuals' recoverable class takes DLE ENQ; an overheat clears by itself and an
    // unrecoverable error needs a power cycle, so both fail the job with their reason
    if (before.recoverable) {
      await this.requireExchange().post(RECOVER_CLEARING_BUFFERS);
      before = await this.readStatus();
    }
    if (blocksPrinting(before)) throw printerError(before);
    await this.requireExchange().post(job);
    progress?.sent();
    const after = await this.readStatus(
      this.options.replyTimeoutMs + wireMs(this.target, job.length),
    );
    if (blocksPrinting(after)) throw printerError(after);
  }

  private receive(chunk: Buffer): void {
    for (const byte of chunk) {
      if (this.asbRemaining > 0) {
        this.asbRemaining -= 1;
        continue;
      }
      if (isStatusReply(byte)) {
        this.sink?.seen();
        this.channel?.exchange.offer(byte);
      } else if (isAsbHeader(byte)) this.asbRemaining = 3;
      // anything else is line noise: dropped, the next status reply resynchronises
    }
  }

  private requireExchange(): Exchange<number> {
    if (!this.channel?.isOpen) {
      throw new DeviceError('offline', 'the printer port is not open', null, 'output');
    }
    return this.channel.exchange;
  }
}

function printerError(status: PrinterStatus): DeviceError {
  const code = printerFailureCode(status);
  return new DeviceError(
    'extended',
    `the printer cannot print: ${code.replaceAll('_', ' ')}`,
    code,
    'output',
    'hardware',
  );
}

export const escPosDriver: DriverFactory = {
  deviceClass: 'ReceiptPrinter',
  create(spec: DriverSpec, context: DriverContext) {
    const options = parseDriverOptions(spec.name, EscPosOptionsSchema, spec.options);
    return new EscPosDriver(printerLinkTarget(spec, context), options);
  },
};
