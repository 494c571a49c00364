/**
 * A strict ESC/POS decoder for tests, written from the command reference and sharing nothing
 * with the driver, its encoder library or the simulator: it refuses any byte sequence it does not
 * know, and measures every printed line, bar code, QR code and raster image in dots, so a test
 * can check that a job fits the roll.
 */
export interface DecodedJob {
  lines: { text: string; dots: number }[];
  codes: { kind: 'code128' | 'qr'; dots: number; quietDots: number; data: string }[];
  images: { widthDots: number; heightDots: number; bits: Uint8Array }[];
  /** `ESC p m t1 t2`: the connector pin (2 or 5) and the on/off times in ms. */
  drawerKicks: { pin: 2 | 5; onMs: number; offMs: number }[];
  cuts: number;
}

/** QR byte-mode capacity of versions 1-10 per error correction level (ISO/IEC 18004 table 7). */
const QR_CAPACITY: Record<number, number[]> = {
  48: [17, 32, 53, 78, 106, 134, 154, 192, 230, 271], // L
  49: [14, 26, 42, 62, 84, 106, 122, 152, 180, 213], // M
  50: [11, 20, 32, 46, 60, 74, 86, 108, 130, 151], // Q
  51: [7, 14, 24, 34, 44, 58, 64, 84, 98, 119], // H
};

export function decodeStrict(bytes: Uint8Array): DecodedJob {
  const out: DecodedJob = { lines: [], codes: [], images: [], drawerKicks: [], cuts: 0 };
  let i = 0;
  let font = 12; // font A is 12 dots wide, font B 9
  let widthMag = 1;
  let moduleDots = 3; // GS w default
  let qr = { size: 3, ecc: 48, data: '' };
  let line = { text: '', dots: 0 };
  const byte = (at: number) => {
    if (at >= bytes.length) throw new Error(`truncated command at ${i}`);
    return bytes[at] as number;
  };
  const endLine = () => {
    out.lines.push(line);
    line = { text: '', dots: 0 };
  };
  while (i < bytes.length) {
    const b = byte(i);
    if (b === 0x0a) {
      endLine();
      i += 1;
    } else if (b === 0x0d) {
      i += 1; // carriage return after the line feed: no paper movement
    } else if (b >= 0x20) {
      line.text += String.fromCharCode(b);
      line.dots += font * widthMag;
      i += 1;
    } else if (b === 0x1b) {
      const c = byte(i + 1);
      if (c === 0x40) {
        font = 12;
        widthMag = 1;
        i += 2;
      } else if (c === 0x4d) {
        font = byte(i + 2) % 48 === 1 ? 9 : 12;
        i += 3;
      } else if ([0x45, 0x47, 0x2d, 0x61, 0x74, 0x64].includes(c)) {
        byte(i + 2);
        i += 3; // bold, double strike, underline, justification, code table, feed n lines
      } else if (c === 0x70) {
        const m = byte(i + 2);
        if (![0, 1, 48, 49].includes(m)) throw new Error(`ESC p with connector ${m}`);
        const on = byte(i + 3);
        const off = byte(i + 4);
        if (off < on) throw new Error('ESC p off time shorter than on time');
        out.drawerKicks.push({ pin: m % 48 === 0 ? 2 : 5, onMs: on * 2, offMs: off * 2 });
        i += 5;
      } else throw new Error(`unknown ESC 0x${c.toString(16)} at ${i}`);
    } else if (b === 0x1c) {
      if (byte(i + 1) !== 0x2e) throw new Error(`unknown FS command at ${i}`);
      i += 2; // FS . cancels Kanji mode
    } else if (b === 0x1d) {
      const c = byte(i + 1);
      if (c === 0x21) {
        widthMag = (byte(i + 2) >> 4) + 1;
        i += 3;
      } else if (c === 0x77) {
        moduleDots = byte(i + 2);
        if (moduleDots < 2 || moduleDots > 6) throw new Error(`GS w ${moduleDots} out of range`);
        i += 3;
      } else if (c === 0x68 || c === 0x48 || c === 0x66) {
        byte(i + 2);
        i += 3; // bar code height, HRI position, HRI font
      } else if (c === 0x56) {
        const m = byte(i + 2);
        out.cuts += 1;
        i += m >= 65 ? 4 : 3;
      } else if (c === 0x76) {
        // GS v 0 m xL xH yL yH: raster image, xL + 256 xH bytes per row
        if (byte(i + 2) !== 0x30) throw new Error(`unknown GS v at ${i}`);
        const rowBytes = byte(i + 4) + 256 * byte(i + 5);
        const rows = byte(i + 6) + 256 * byte(i + 7);
        const bits = bytes.subarray(i + 8, i + 8 + rowBytes * rows);
        if (bits.length !== rowBytes * rows) throw new Error('truncated raster image');
        out.images.push({ widthDots: rowBytes * 8, heightDots: rows, bits });
        i += 8 + rowBytes * rows;
      } else if (c === 0x6b) {
        const m = byte(i + 2);
        if (m !== 73) throw new Error(`only CODE128 (GS k 73) is expected, got ${m}`);
        const n = byte(i + 3);
        const data = bytes.subarray(i + 4, i + 4 + n);
        if (data.length !== n) throw new Error('truncated bar code');
        out.codes.push({
          kind: 'code128',
          dots: code128Modules(data) * moduleDots,
          quietDots: 2 * 10 * moduleDots,
          data: code128Text(data),
        });
        i += 4 + n;
      } else if (c === 0x28) {
        const fn = byte(i + 2);
        const length = byte(i + 3) + 256 * byte(i + 4);
        const body = bytes.subarray(i + 5, i + 5 + length);
        if (fn !== 0x6b || body.length !== length || body[0] !== 49) {
          throw new Error(`unknown GS ( command at ${i}`);
        }
        const f = body[1];
        if (f === 67) qr = { ...qr, size: body[2] as number };
        else if (f === 69) qr = { ...qr, ecc: body[2] as number };
        else if (f === 80) qr = { ...qr, data: Buffer.from(body.subarray(3)).toString('latin1') };
        else if (f === 81) {
          const capacity = QR_CAPACITY[qr.ecc];
          if (!capacity) throw new Error(`bad QR error correction ${qr.ecc}`);
          const version = capacity.findIndex((bytesHeld) => bytesHeld >= qr.data.length) + 1;
          if (version === 0) throw new Error('QR data beyond version 10');
          out.codes.push({
            kind: 'qr',
            dots: (17 + 4 * version) * qr.size,
            quietDots: 2 * 4 * qr.size,
            data: qr.data,
          });
        } else if (f !== 65) throw new Error(`unknown QR function ${f}`);
        i += 5 + length;
      } else throw new Error(`unknown GS 0x${c.toString(16)} at ${i}`);
    } else throw new Error(`unexpected control byte 0x${b.toString(16)} at ${i}`);
  }
  if (line.text) endLine();
  return out;
}

/** Modules of a CODE128 data string: each `{X` code set selection is one symbol. */
function code128Modules(data: Uint8Array): number {
  let symbols = 0;
  let set = '';
  for (let at = 0; at < data.length; at += 1) {
    if (data[at] === 0x7b) {
      set = String.fromCharCode(data[at + 1] as number);
      at += 1;
    }
    symbols += 1;
  }
  if (!'ABC'.includes(set) || set === '') throw new Error('CODE128 data without a code set');
  // start (counted above as the first {X) + data + check (11) + stop (13)
  return 11 * symbols + 11 + 13;
}

function code128Text(data: Uint8Array): string {
  if (data[1] === 0x43) {
    return [...data.subarray(2)].map((pair) => String(pair).padStart(2, '0')).join('');
  }
  return Buffer.from(data.subarray(2)).toString('latin1');
}
