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
  /** Autocutter error (blade jammed): latched until a recover command (`DLE ENQ 1|2`). */
  cutterError: boolean;
  /** Mechanical error (e.g. head carriage): latched until a recover command. */
  mechanicalError: boolean;
  /** Head overheat: an automatically recoverable error, gone when the head cools (fault off). */
  overheat: boolean;
  /** Unrecoverable error (memory, voltage): only a power cycle clears it. */
  unrecoverable: boolean;
  /** The printer ignores everything, status requests included. */
  noAnswer: boolean;
}

/**
 * An ESC/POS receipt printer: it interprets what it receives, answers real-time status from its
 * sensors, stops printing on paper out, cover open or any error, and keeps every cut receipt as
 * text and HTML. Its fault model follows the vendors' manuals, not our driver: each error class
 * sets only its own `DLE EOT 3` bit, and `DLE ENQ` clears only the recoverable class.
 */
export class PrinterEmulator {
  readonly faults: PrinterFaults = {
    paperOut: false,
    paperNearEnd: false,
    coverOpen: false,
    cutterError: false,
    mechanicalError: false,
    overheat: false,
    unrecoverable: false,
    noAnswer: false,
  };
  /**
   * A cash drawer on the kick-out connector: a pulse on pin 2 opens it (pin 5 drives a second
   * drawer, not fitted here); its switch sets pin 3, reported in bit 2 of `DLE EOT 1`. Which
   * level means open is the drawer's (`openLevel`); a person closes it by hand (`closeDrawer`).
   */
  readonly drawer = { fitted: true, open: false, openLevel: 'high' as 'high' | 'low', kicks: 0 };
  /** How many recover commands (`DLE ENQ`) arrived, for tests of who sends them when. */
  recoverCommands = 0;
  private readonly receipts: PrintedLine[][] = [];
  private readonly interpreter: EscPosInterpreter;

  constructor(private readonly wire: DeviceWire) {
    this.interpreter = new EscPosInterpreter({
      canPrint: () => !this.stopped,
      cut: (lines) => this.receipts.push(lines),
      drawerKick: (pin) => {
        if (pin !== 2 || !this.drawer.fitted) return;
        this.drawer.kicks += 1;
        this.drawer.open = true;
      },
      realTime: (command) => {
        if (command.kind === 'status') this.wire.send(Uint8Array.of(this.statusByte(command.n)));
        else this.recover(command.n);
      },
    });
    wire.onReceive((bytes) => {
      if (!this.faults.noAnswer) this.interpreter.feed(bytes);
    });
  }

  /** Any error of the `DLE EOT 3` classes is present. */
  get inError(): boolean {
    const f = this.faults;
    return f.cutterError || f.mechanicalError || f.overheat || f.unrecoverable;
  }

  get stopped(): boolean {
    return this.faults.paperOut || this.faults.coverOpen || this.inError;
  }

  /** Turning the printer off and on: clears every latched error, the unrecoverable one too. */
  powerCycle(): void {
    Object.assign(this.faults, {
      cutterError: false,
      mechanicalError: false,
      unrecoverable: false,
    });
  }

  /** A person pushes the drawer shut. */
  closeDrawer(): void {
    this.drawer.open = false;
  }

  /** Pin 3 of the drawer connector: the switch's level, low with no drawer fitted. */
  private get drawerPinHigh(): boolean {
    if (!this.drawer.fitted) return false;
    return this.drawer.open === (this.drawer.openLevel === 'high');
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
    const recoverable = f.cutterError || f.mechanicalError;
    switch (n) {
      case 1:
        return (
          0x12 |
          (this.drawerPinHigh ? 0x04 : 0) |
          (this.stopped ? 0x08 : 0) |
          (recoverable ? 0x20 : 0)
        );
      case 2:
        return (
          0x12 | (f.coverOpen ? 0x04 : 0) | (f.paperOut ? 0x20 : 0) | (this.inError ? 0x40 : 0)
        );
      case 3:
        return (
          0x12 |
          (f.mechanicalError ? 0x04 : 0) |
          (f.cutterError ? 0x08 : 0) |
          (f.unrecoverable ? 0x20 : 0) |
          (f.overheat ? 0x40 : 0)
        );
      case 4:
        return 0x12 | (f.paperNearEnd ? 0x0c : 0) | (f.paperOut ? 0x60 : 0);
      default:
        return 0x12;
    }
  }

  /** `DLE ENQ 1|2` clears the recoverable class only; other values and classes are ignored. */
  private recover(n: number): void {
    this.recoverCommands += 1;
    if (n !== 1 && n !== 2) return;
    this.faults.cutterError = false;
    this.faults.mechanicalError = false;
  }
}
