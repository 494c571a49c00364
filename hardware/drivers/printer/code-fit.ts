import { ReceiptDocumentError } from '../../hal';

/**
 * Bar codes sized to the paper. A CODE128 of a UUID (36 characters, subset B) is 431 modules
 * with its quiet zones, 862 dots at the narrowest module the printers take: wider than any roll
 * (360 to 576 dots), and printers skip what does not fit. So: CODE128 in subset C (two digits per
 * symbol) for an even run of digits, at the widest module of 4, 3 or 2 dots that fits with its
 * quiet zones; a QR code (which holds a long id in a small square) when no CODE128 fits.
 */
export interface Code128Plan {
  /** The encoder's data: `{C` then one byte per digit pair, or `{B` then the characters. */
  payload: string;
  subset: 'B' | 'C';
  moduleDots: number;
}

/** Quiet zone each side of a CODE128 symbol, in modules (ISO/IEC 15417). */
const CODE128_QUIET_MODULES = 10;
/** Module widths `GS w` takes through the encoder (2 to 4 dots), widest first. */
const CODE128_MODULE_DOTS = [4, 3, 2] as const;

/** Width in modules: start, data symbols, check (11 each), stop (13), quiet zones. */
function code128Modules(symbols: number): number {
  return 11 * (1 + symbols + 1) + 13 + 2 * CODE128_QUIET_MODULES;
}

/** The CODE128 that fits `paperDots`, or null when none does at the narrowest module. */
export function fitCode128(data: string, paperDots: number): Code128Plan | null {
  const subsetC = /^(\d\d)+$/.test(data);
  const symbols = subsetC ? data.length / 2 : data.length;
  const modules = code128Modules(symbols);
  const moduleDots = CODE128_MODULE_DOTS.find((dots) => modules * dots <= paperDots);
  if (moduleDots === undefined) return null;
  if (!subsetC) return { payload: `{B${data}`, subset: 'B', moduleDots };
  let payload = '{C';
  for (let i = 0; i < data.length; i += 2)
    payload += String.fromCharCode(Number(data.slice(i, i + 2)));
  return { payload, subset: 'C', moduleDots };
}

/** QR quiet zone each side, in modules (ISO/IEC 18004). */
const QR_QUIET_MODULES = 4;
/** Byte-mode capacity of QR versions 1-10 per error correction level (ISO/IEC 18004). */
const QR_BYTE_CAPACITY = {
  L: [17, 32, 53, 78, 106, 134, 154, 192, 230, 271],
  M: [14, 26, 42, 62, 84, 106, 122, 152, 180, 213],
  Q: [11, 20, 32, 46, 60, 74, 86, 108, 130, 151],
  H: [7, 14, 24, 34, 44, 58, 64, 84, 98, 119],
} as const;
/** Below 3 dots a module is too small for kiosk scanners to read off thermal paper. */
const QR_MIN_MODULE_DOTS = 3;

export type QrErrorCorrection = keyof typeof QR_BYTE_CAPACITY;

/** The largest QR module size (up to `maxModuleDots`) that fits the roll with its quiet zone. */
export function fitQr(
  data: string,
  level: QrErrorCorrection,
  maxModuleDots: number,
  paperDots: number,
): number {
  const version = QR_BYTE_CAPACITY[level].findIndex((capacity) => capacity >= data.length) + 1;
  if (version === 0) {
    throw new ReceiptDocumentError([`a QR code of ${data.length} characters is too long`]);
  }
  const modules = 17 + 4 * version + 2 * QR_QUIET_MODULES;
  const moduleDots = Math.min(maxModuleDots, Math.floor(paperDots / modules));
  if (moduleDots < QR_MIN_MODULE_DOTS) {
    throw new ReceiptDocumentError([
      `a QR code of ${data.length} characters does not fit ${paperDots} dots`,
    ]);
  }
  return moduleDots;
}
