/**
 * The machine-readable form of a receipt's reference, sized to the paper. A CODE128 of a UUID
 * (36 characters) is about 430 modules, over 860 dots at the narrowest readable module: wider
 * than any roll (384 to 576 dots), and printers skip it. So: numeric references of even length
 * as CODE128 subset C (two digits per symbol) when they fit; anything else as a QR code, which
 * holds the full id in a small square. The reference is always printed as text too.
 */
export type ReferenceCode =
  | { kind: 'code128c'; reference: string; moduleDots: number }
  | { kind: 'qr'; reference: string; moduleDots: number };

/** Quiet zone each side of a CODE128 symbol, in modules (ISO/IEC 15417). */
const CODE128_QUIET_MODULES = 10;
/** Module widths the ESC/POS `GS w` command takes through the encoder (2 to 4 dots). */
const CODE128_MODULE_DOTS = [4, 3, 2] as const;
/** QR quiet zone each side, in modules (ISO/IEC 18004). */
const QR_QUIET_MODULES = 4;
/** Byte-mode capacity of QR versions 1-10 at error correction level M (ISO/IEC 18004). */
const QR_BYTE_CAPACITY_M = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213] as const;
const QR_MAX_MODULE_DOTS = 6;
const QR_MIN_MODULE_DOTS = 3;

/** CODE128 subset C width in modules: start, one symbol per two digits, check, stop (13). */
function code128cModules(digits: number): number {
  return 11 * (1 + digits / 2 + 1) + 13 + 2 * CODE128_QUIET_MODULES;
}

/** Side of a QR code (level M, byte mode) holding `bytes` bytes, quiet zone included. */
function qrModules(bytes: number): number {
  const version = QR_BYTE_CAPACITY_M.findIndex((capacity) => capacity >= bytes) + 1;
  if (version === 0) throw new RangeError(`a reference of ${bytes} bytes is too long for a QR`);
  return 17 + 4 * version + 2 * QR_QUIET_MODULES;
}

export function referenceCode(reference: string, paperDots: number): ReferenceCode {
  if (/^(\d\d)+$/.test(reference)) {
    const modules = code128cModules(reference.length);
    const moduleDots = CODE128_MODULE_DOTS.find((dots) => modules * dots <= paperDots);
    if (moduleDots !== undefined) return { kind: 'code128c', reference, moduleDots };
  }
  const modules = qrModules(Buffer.byteLength(reference, 'latin1'));
  const moduleDots = Math.min(QR_MAX_MODULE_DOTS, Math.floor(paperDots / modules));
  if (moduleDots < QR_MIN_MODULE_DOTS) {
    throw new RangeError(`a QR of ${reference.length} characters does not fit ${paperDots} dots`);
  }
  return { kind: 'qr', reference, moduleDots };
}

/** The CODE128 data for the encoder: `{C` selects subset C, then one byte per digit pair. */
export function code128cData(digits: string): string {
  let data = '{C';
  for (let i = 0; i < digits.length; i += 2)
    data += String.fromCharCode(Number(digits.slice(i, i + 2)));
  return data;
}
