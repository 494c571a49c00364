/** What a line of printed output looked like. */
export interface PrintedRun {
  text: string;
  bold: boolean;
  underline: boolean;
  invert: boolean;
  /** Character magnification (1 = normal). */
  width: number;
  height: number;
}

export interface PrintedLine {
  align: 'left' | 'center' | 'right';
  runs: PrintedRun[];
}

/** Things a printer answers at once, ahead of anything buffered. */
type RealTimeCommand = { kind: 'status'; n: number } | { kind: 'recover'; n: number };

export interface InterpreterHooks {
  realTime(command: RealTimeCommand): void;
  /** The cutter ran: one receipt is finished. */
  cut(lines: PrintedLine[]): void;
  /** Whether the mechanism prints now (false when paper is out or the cover is open). */
  canPrint(): boolean;
  /** `ESC p m t1 t2`: a pulse on the drawer kick-out connector (pin 2 or 5), times in ms. */
  drawerKick?(pin: 2 | 5, onMs: number, offMs: number): void;
}

const CP437_BOX: Record<number, string> = { 0xc4: '─', 0xcd: '═', 0xb3: '│', 0xba: '║' };
const windows1252 = new TextDecoder('windows-1252');

const ALIGNS = ['left', 'center', 'right'] as const;

/**
 * A streaming ESC/POS interpreter: bytes may arrive in any fragmentation. It keeps styles,
 * decodes text through the selected code page (0 = PC437, 16 = WPC1252), renders barcodes and
 * QR codes as bracketed text, and hands each receipt over at the cut. Unknown commands are
 * skipped by their usual length so the stream stays in sync.
 */
export class EscPosInterpreter {
  private pending = Buffer.alloc(0);
  private lines: PrintedLine[] = [];
  private runs: PrintedRun[] = [];
  private style = { bold: false, underline: false, invert: false, width: 1, height: 1 };
  private align: PrintedLine['align'] = 'left';
  private codePage = 0;

  constructor(private readonly hooks: InterpreterHooks) {}

  feed(bytes: Uint8Array): void {
    this.pending = Buffer.concat([this.pending, bytes]);
    let offset = 0;
    while (offset < this.pending.length) {
      const used = this.step(this.pending, offset);
      if (used === 0) break;
      offset += used;
    }
    this.pending = this.pending.subarray(offset);
  }

  /**
   * Interprets one command at `at`; returns the bytes used, or 0 when it is still incomplete.
   * Every read comes after the length check for it; `readUInt8` keeps that invariant checked.
   */
  private step(buf: Buffer, at: number): number {
    const left = buf.length - at;
    const byte = buf.readUInt8(at);
    const arg = (i: number) => buf.readUInt8(at + i);
    const need = (n: number) => left >= n;
    switch (byte) {
      case 0x10: // DLE EOT n / DLE ENQ n: real-time, even when the printer is stopped
        if (!need(3)) return 0;
        if (arg(1) === 0x04) this.hooks.realTime({ kind: 'status', n: arg(2) });
        else if (arg(1) === 0x05) this.hooks.realTime({ kind: 'recover', n: arg(2) });
        return 3;
      case 0x1b:
        return need(2) ? this.esc(buf, at, left) : 0;
      case 0x1c: // FS: Kanji on/off and friends, all two bytes here
        return need(2) ? 2 : 0;
      case 0x1d:
        return need(2) ? this.gs(buf, at, left) : 0;
      case 0x0a:
        this.newline();
        return 1;
      case 0x09:
        this.text('    ');
        return 1;
      default:
        if (byte >= 0x20) this.text(this.decode(byte));
        return 1;
    }
  }

  private esc(buf: Buffer, at: number, left: number): number {
    const command = buf.readUInt8(at + 1);
    if (command === 0x40) {
      this.style = { bold: false, underline: false, invert: false, width: 1, height: 1 };
      this.align = 'left';
      this.codePage = 0;
      return 2;
    }
    if (command === 0x32 || command === 0x3c) return 2; // default line spacing, return home
    if (command === 0x70) {
      // ESC p m t1 t2: drawer pulse, m 0/48 = pin 2, 1/49 = pin 5, times in 2 ms units
      if (left < 5) return 0;
      const pin = buf.readUInt8(at + 2) % 48 === 0 ? 2 : 5;
      if (this.hooks.canPrint())
        this.hooks.drawerKick?.(pin, buf.readUInt8(at + 3) * 2, buf.readUInt8(at + 4) * 2);
      return 5;
    }
    if (left < 3) return 0;
    const n = buf.readUInt8(at + 2);
    switch (command) {
      case 0x45: // ESC E n bold
      case 0x47: // ESC G n double strike
        this.style = { ...this.style, bold: (n & 1) === 1 };
        break;
      case 0x2d:
        this.style = { ...this.style, underline: n % 48 > 0 };
        break;
      case 0x61:
        this.lineBreakIfNeeded();
        this.align = ALIGNS[n % 48] ?? 'left';
        break;
      case 0x74:
        this.codePage = n;
        break;
      case 0x64: // ESC d n: feed n lines
        for (let i = 0; i < n; i += 1) this.newline();
        break;
      case 0x21: // ESC ! n: print mode
        this.style = {
          ...this.style,
          bold: (n & 0x08) !== 0,
          underline: (n & 0x80) !== 0,
          width: n & 0x20 ? 2 : 1,
          height: n & 0x10 ? 2 : 1,
        };
        break;
      default: // ESC M, ESC 3, ESC 4, ESC J, ESC R, ESC V, ESC {: one parameter, no visible effect here
        break;
    }
    return 3;
  }

  private gs(buf: Buffer, at: number, left: number): number {
    const command = buf.readUInt8(at + 1);
    if (command === 0x56) {
      // GS V m [n]: cut
      if (left < 3) return 0;
      const length = buf.readUInt8(at + 2) >= 65 ? 4 : 3;
      if (left < length) return 0;
      this.cut();
      return length;
    }
    if (command === 0x6b) return this.barcode(buf, at, left);
    if (command === 0x28) {
      // GS ( fn pL pH ...: length-prefixed functions (QR code is GS ( k)
      if (left < 5) return 0;
      const length = 5 + buf.readUInt8(at + 3) + buf.readUInt8(at + 4) * 256;
      if (left < length) return 0;
      if (buf.readUInt8(at + 2) === 0x6b) this.qrFunction(buf.subarray(at + 5, at + length));
      return length;
    }
    if (command === 0x76) {
      // GS v 0 m xL xH yL yH data: raster image
      if (left < 8) return 0;
      const length =
        8 +
        (buf.readUInt8(at + 4) + buf.readUInt8(at + 5) * 256) *
          (buf.readUInt8(at + 6) + buf.readUInt8(at + 7) * 256);
      if (left < length) return 0;
      this.text('[IMAGE]');
      return length;
    }
    if (command === 0x4c || command === 0x57) return left >= 4 ? 4 : 0;
    if (left < 3) return 0;
    const n = buf.readUInt8(at + 2);
    if (command === 0x21)
      this.style = { ...this.style, width: (n >> 4) + 1, height: (n & 0x0f) + 1 };
    if (command === 0x42) this.style = { ...this.style, invert: (n & 1) === 1 };
    return 3; // GS h, GS w, GS H, GS f, GS a...: one parameter
  }

  private barcode(buf: Buffer, at: number, left: number): number {
    if (left < 3) return 0;
    const m = buf.readUInt8(at + 2);
    if (m <= 6) {
      const end = buf.indexOf(0, at + 3);
      if (end < 0) return 0;
      this.text(`[BARCODE ${buf.subarray(at + 3, end).toString('latin1')}]`);
      return end - at + 1;
    }
    if (left < 4) return 0;
    const length = 4 + buf.readUInt8(at + 3);
    if (left < length) return 0;
    const data = buf.subarray(at + 4, length + at).toString('latin1');
    // CODE128 data starts with its code set selector, e.g. {B
    this.text(`[CODE128 ${m === 73 ? data.replace(/^\{[ABC]/, '') : data}]`);
    return length;
  }

  private qrStore = '';
  private qrFunction(body: Buffer): void {
    // body: cn fn ...; cn 0x31 = QR. fn 0x50 store (data after m), 0x51 print
    if (body[0] !== 0x31) return;
    if (body[1] === 0x50) this.qrStore = body.subarray(3).toString('latin1');
    if (body[1] === 0x51) this.text(`[QR ${this.qrStore}]`);
  }

  private decode(byte: number): string {
    if (byte < 0x80) return String.fromCharCode(byte);
    if (this.codePage === 16) return windows1252.decode(Uint8Array.of(byte));
    return CP437_BOX[byte] ?? '?';
  }

  private text(value: string): void {
    if (!this.hooks.canPrint()) return;
    const last = this.runs.at(-1);
    if (
      last &&
      last.bold === this.style.bold &&
      last.underline === this.style.underline &&
      last.invert === this.style.invert &&
      last.width === this.style.width &&
      last.height === this.style.height
    ) {
      last.text += value;
    } else {
      this.runs.push({ text: value, ...this.style });
    }
  }

  private lineBreakIfNeeded(): void {
    if (this.runs.length > 0) this.newline();
  }

  private newline(): void {
    if (!this.hooks.canPrint()) return;
    this.lines.push({ align: this.align, runs: this.runs });
    this.runs = [];
  }

  private cut(): void {
    if (!this.hooks.canPrint()) return;
    if (this.runs.length > 0) this.newline();
    const lines = this.lines;
    this.lines = [];
    this.hooks.cut(trimTrailingBlank(lines));
  }
}

function trimTrailingBlank(lines: PrintedLine[]): PrintedLine[] {
  const out = [...lines];
  while (out.length > 0 && out.at(-1)?.runs.every((run) => run.text.trim() === '')) out.pop();
  return out;
}

function lineText(line: PrintedLine): string {
  return line.runs
    .map((run) => run.text)
    .join('')
    .trimEnd();
}

export function receiptText(lines: PrintedLine[]): string {
  return lines.map(lineText).join('\n');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function receiptHtml(lines: PrintedLine[]): string {
  const body = lines
    .map((line) => {
      const runs = line.runs
        .map((run) => {
          const styles = [
            run.bold ? 'font-weight:bold' : '',
            run.underline ? 'text-decoration:underline' : '',
            run.invert ? 'background:#000;color:#fff' : '',
            run.width > 1 || run.height > 1 ? `font-size:${Math.max(run.width, run.height)}em` : '',
          ].filter(Boolean);
          const text = escapeHtml(run.text);
          return styles.length ? `<span style="${styles.join(';')}">${text}</span>` : text;
        })
        .join('');
      return `<div style="text-align:${line.align};white-space:pre">${runs || '&nbsp;'}</div>`;
    })
    .join('\n');
  return `<div class="receipt" style="font-family:monospace">\n${body}\n</div>`;
}
