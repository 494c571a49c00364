import {
  EscPosInterpreter,
  receiptHtml,
  receiptText,
  type PrintedLine,
} from './escpos-interpreter';
import type { DeviceWire } from './wire';

export interface PrinterFaults {
  paperOut: boolean;
  paperNearEnd: boolean;
  coverOpen: boolean;
  /** An autocutter jam: recoverable with DLE ENQ. */
  cutterError: boolean;
  /** The printer ignores everything, status requests included. */
  noAnswer: boolean;
}

/**
 * An ESC/POS receipt printer: it interprets what it receives, answers real-time status from its
 * sensors, stops printing on paper out or cover open, and keeps every cut receipt as text and HTML.
 */
export class PrinterEmulator {
  readonly faults: PrinterFaults = {
    paperOut: false,
    paperNearEnd: false,
    coverOpen: false,
    cutterError: false,
    noAnswer: false,
  };
  private readonly receipts: PrintedLine[][] = [];
  private readonly interpreter: EscPosInterpreter;

  constructor(private readonly wire: DeviceWire) {
    this.interpreter = new EscPosInterpreter({
      canPrint: () => !this.stopped,
      cut: (lines) => this.receipts.push(lines),
      realTime: (command) => {
        if (command.kind === 'status') this.wire.send(Uint8Array.of(this.statusByte(command.n)));
        else if (command.n === 1 || command.n === 2) this.faults.cutterError = false;
      },
    });
    wire.onReceive((bytes) => {
      if (!this.faults.noAnswer) this.interpreter.feed(bytes);
    });
  }

  get stopped(): boolean {
    return this.faults.paperOut || this.faults.coverOpen || this.faults.cutterError;
  }

  /** Receipts cut so far, as plain text. */
  printed(): string[] {
    return this.receipts.map(receiptText);
  }

  printedHtml(): string[] {
    return this.receipts.map(receiptHtml);
  }

  /** Real-time status replies per `DLE EOT n`; fixed bits 0x12 always set. */
  statusByte(n: number): number {
    const f = this.faults;
    switch (n) {
      case 1:
        return 0x12 | (this.stopped ? 0x08 : 0);
      case 2:
        return (
          0x12 | (f.coverOpen ? 0x04 : 0) | (f.paperOut ? 0x20 : 0) | (f.cutterError ? 0x40 : 0)
        );
      case 3:
        return 0x12 | (f.cutterError ? 0x08 | 0x40 : 0);
      case 4:
        return 0x12 | (f.paperNearEnd ? 0x0c : 0) | (f.paperOut ? 0x60 : 0);
      default:
        return 0x12;
    }
  }
}
