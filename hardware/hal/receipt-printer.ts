import { PosDevice, asDeviceError, type DeviceOptions } from './device';
import { DeviceError } from './errors';
import type { DeviceDriver } from './driver';
import {
  ReceiptDocumentBuilder,
  ReceiptDocumentError,
  parseReceiptDocument,
  type ReceiptDocument,
} from './receipt-document';

export type PrinterCondition =
  'ok' | 'paper_near_end' | 'paper_out' | 'cover_open' | 'offline' | 'error';

/** Dynamic printer status, decoded from the model's real-time status replies. */
export interface PrinterStatus {
  condition: PrinterCondition;
  paperNearEnd: boolean;
  paperOut: boolean;
  coverOpen: boolean;
  offline: boolean;
  error: boolean;
  /** What the error is, by the vendor's error classes (null while there is none). */
  errorCause: PrinterErrorCause | null;
  /** A recover command clears the error (autocutter and mechanical errors, once freed). */
  recoverable: boolean;
  /**
   * The cash drawer on the printer's kick-out connector is open, read from its pin 3 level and
   * the configured level that means open; null when the printer has no drawer configured.
   */
  drawerOpen: boolean | null;
}

/**
 * The error classes of ESC/POS printers' manuals: `cutter` and `mechanical` are cleared by a
 * recover command; `overheat` (head or motor temperature, voltage) clears by itself once the
 * cause is gone; `unrecoverable` needs a power cycle.
 */
export type PrinterErrorCause = 'cutter' | 'mechanical' | 'overheat' | 'unrecoverable';

export interface ReceiptPrinterCapabilities {
  /** The printer model's profile (code table, printable width per roll), by the driver's name. */
  profile: string;
  paper: '58mm' | '80mm';
  /** Printable width of the roll in dots, and font A characters per line. */
  paperDots: number;
  columns: number;
  codePages: readonly string[];
  barcodes: readonly string[];
  qrCode: boolean;
  cutter: boolean;
  realTimeStatus: boolean;
  /** A cash drawer is wired to the printer's kick-out connector. */
  drawer: boolean;
  /** How the printer is reached: a serial port, a USB printer-class device, or TCP 9100. */
  transport: 'serial' | 'usb-printer' | 'tcp' | 'simulated';
}

export interface ReceiptPrinterDriver extends DeviceDriver<
  never,
  PrinterStatus,
  ReceiptPrinterCapabilities
> {
  /**
   * Renders one document for the printer's model and roll, sends it, and resolves once a status
   * read after it says it printed; `sent` is called when the last byte went down the wire.
   * Rejects with ReceiptDocumentError when the document cannot fit this printer.
   */
  print(document: ReceiptDocument, progress?: { sent(): void }): Promise<void>;
  readStatus(): Promise<PrinterStatus>;
  /** A short test receipt (interactive health check). */
  testPage(): ReceiptDocument;
}

export class ReceiptPrinter extends PosDevice<never, PrinterStatus, ReceiptPrinterCapabilities> {
  readonly deviceClass = 'ReceiptPrinter';
  private lastJob: ReceiptDocument | null = null;

  constructor(
    name: string,
    protected override readonly driver: ReceiptPrinterDriver,
    options: Partial<DeviceOptions> = {},
  ) {
    super(name, driver, { autoDisable: false, ...options });
  }

  /**
   * Prints one job, one job at a time: queued (waiting for the printer), sent (on the wire),
   * printed (confirmed by a status read after the cut) or rejected as failed with the reason. A
   * failure is also raised as an error event whose `retry` answer prints the same job again.
   */
  async print(document: ReceiptDocument, onSent?: () => void): Promise<void> {
    this.requireEnabled();
    const job = parseReceiptDocument(document);
    this.lastJob = job;
    try {
      await this.runExclusive(() => this.driver.print(job, { sent: () => onSent?.() }));
      this.lastJob = null;
    } catch (error) {
      // a document this printer cannot print is the caller's problem, not the device's
      if (error instanceof ReceiptDocumentError) {
        this.lastJob = null;
        throw error;
      }
      const failure = asDeviceError(error, 'output');
      this.raise(failure);
      throw failure;
    }
  }

  /** CashDrawer.openDrawer: a kick pulse on the drawer connector, nothing printed or cut. */
  openDrawer(options: { pin?: 2 | 5; pulseMs?: number } = {}): Promise<void> {
    if (!this.capabilities.drawer) {
      return Promise.reject(
        new DeviceError('illegal', 'no cash drawer is configured on this printer', null, 'output'),
      );
    }
    return this.print(new ReceiptDocumentBuilder().openDrawer(options).build());
  }

  readStatus(): Promise<PrinterStatus> {
    return this.runExclusive(() => this.driver.readStatus());
  }

  protected override async retryLastOutput(): Promise<void> {
    if (this.lastJob) await this.print(this.lastJob);
  }

  protected override async interactiveCheck(): Promise<string> {
    await this.driver.print(this.driver.testPage());
    return 'test page printed';
  }
}
