import CodepageEncoder, { type Codepage } from '@point-of-sale/codepage-encoder';
import { z } from 'zod';

/** Roll widths a kiosk printer takes. */
export const PAPER_WIDTHS = ['58mm', '80mm'] as const;
export type PaperWidth = (typeof PAPER_WIDTHS)[number];

/** What one roll width gives on one model: printable dots, and font A (12 dots) columns. */
interface PaperGeometry {
  dots: number;
  columns: number;
}

/**
 * One printer model: its command language, the code table its firmware has for our languages
 * (named as the encoder names it; the encoder maps it to the vendor's table number), and the
 * printable width per roll. The numbers are the vendors' published ones.
 */
export interface PrinterProfile {
  id: string;
  /** Command language the encoder writes for this model. */
  language: 'esc-pos';
  /** The encoder's code-table numbering for this vendor. */
  codepageMapping: 'epson';
  codeTable: Codepage;
  paper: Readonly<Record<PaperWidth, PaperGeometry>>;
}

export const PRINTER_PROFILES = {
  /** Generic ESC/POS thermal printer, 203 dpi: 48 mm (384 dots) on 58 mm, 72 mm (576) on 80 mm. */
  'escpos-generic': {
    id: 'escpos-generic',
    language: 'esc-pos',
    codepageMapping: 'epson',
    codeTable: 'windows1252',
    paper: { '58mm': { dots: 384, columns: 32 }, '80mm': { dots: 576, columns: 48 } },
  },
  /** Epson TM-T20 class, 203 dpi: 576 dots (48 columns) on 80 mm, 420 (35) with the 58 mm guide. */
  'epson-tm-t20': {
    id: 'epson-tm-t20',
    language: 'esc-pos',
    codepageMapping: 'epson',
    codeTable: 'windows1252',
    paper: { '58mm': { dots: 420, columns: 35 }, '80mm': { dots: 576, columns: 48 } },
  },
  /**
   * Epson TM-T88 class, 180 dpi: 512 dots (42 columns) on 80 mm, 360 dots (30 columns) on 58 mm.
   */
  'epson-tm-t88': {
    id: 'epson-tm-t88',
    language: 'esc-pos',
    codepageMapping: 'epson',
    codeTable: 'windows1252',
    paper: { '58mm': { dots: 360, columns: 30 }, '80mm': { dots: 512, columns: 42 } },
  },
  /** Older ESC/POS firmware with only PC437 and PC858 (Euro): Spanish letters are in PC858. */
  'escpos-pc858': {
    id: 'escpos-pc858',
    language: 'esc-pos',
    codepageMapping: 'epson',
    codeTable: 'cp858',
    paper: { '58mm': { dots: 384, columns: 32 }, '80mm': { dots: 576, columns: 48 } },
  },
} as const satisfies Record<string, PrinterProfile>;

export type PrinterProfileId = keyof typeof PRINTER_PROFILES;
export const PrinterProfileIdSchema = z.enum(
  Object.keys(PRINTER_PROFILES) as [PrinterProfileId, ...PrinterProfileId[]],
);

/** Letters without a decomposition that still read right in ASCII. */
const ASCII_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  Æ: 'AE',
  æ: 'ae',
  Œ: 'OE',
  œ: 'oe',
  Ø: 'O',
  ø: 'o',
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ð: 'D',
  ð: 'd',
  Þ: 'Th',
  þ: 'th',
  ı: 'i',
  ĸ: 'k',
  '‘': "'",
  '’': "'",
  '‚': ',',
  '“': '"',
  '”': '"',
  '„': '"',
  '–': '-',
  '—': '-',
  '…': '...',
  '•': '*',
  '€': 'EUR',
  '\u202f': ' ',
};

const tables = new Map<Codepage, ReadonlySet<number>>();
/** Bytes a printer takes as commands, not characters (C0 controls and DEL). */
const isControlByte = (byte: number) => byte < 0x20 || byte === 0x7f;

/**
 * The characters a table prints as a character byte. Old DOS tables (PC437, PC858) give the
 * control positions glyphs (0x0E = ♫, 0x15 = §), and the encoder would send those control bytes
 * (0x0E is "double width on" to a printer): such characters are left out, even where the table
 * has them at a printable byte too, since the encoder may pick the control one.
 */
function codePointsOf(table: Codepage): ReadonlySet<number> {
  let points = tables.get(table);
  if (!points) {
    const byByte = CodepageEncoder.getCodepoints(table, true);
    const atControls = new Set(byByte.filter((_, byte) => isControlByte(byte)));
    points = new Set(
      byByte.filter((point, byte) => !isControlByte(byte) && !atControls.has(point)),
    );
    tables.set(table, points);
  }
  return points;
}

/**
 * Text the code table can print: characters it has stay; others are transliterated to ASCII
 * (accents dropped by Unicode decomposition, a few letters spelled out), so a name outside the
 * table prints as readable Latin letters, never as `?`. Only what has no Latin reading at all
 * (e.g. CJK) becomes `?`.
 */
export function fitToCodeTable(text: string, table: Codepage): string {
  const points = codePointsOf(table);
  let out = '';
  for (const char of text) {
    if (points.has(char.codePointAt(0) ?? 0)) out += char;
    else out += transliterate(char, points);
  }
  return out;
}

function transliterate(char: string, points: ReadonlySet<number>): string {
  const spelled = ASCII_LETTERS[char];
  if (spelled !== undefined) return spelled;
  const base = char.normalize('NFD').replace(/\p{M}/gu, '');
  if (base.length > 0 && [...base].every((c) => points.has(c.codePointAt(0) ?? 0))) return base;
  return '?';
}
