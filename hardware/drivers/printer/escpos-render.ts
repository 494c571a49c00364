import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import {
  QrBlockSchema,
  ReceiptDocumentError,
  type Alignment,
  type ReceiptBlock,
  type ReceiptDocument,
} from '../../hal';
import { fitCode128, fitQr } from './code-fit';
import { layoutColumns, wrapWords } from './columns';
import {
  PRINTER_PROFILES,
  fitToCodeTable,
  type PaperWidth,
  type PrinterProfileId,
} from './profiles';

/** Which printer a document is rendered for: the model's profile and the roll it holds. */
export interface PrinterLayout {
  profile: PrinterProfileId;
  paper: PaperWidth;
}

type Block<T extends ReceiptBlock['type']> = Extract<ReceiptBlock, { type: T }>;

/**
 * Renders a receipt document as ESC/POS for one model and roll: initialize, the model's code
 * table (text it lacks is transliterated, never `?`), text wrapped to the roll's columns, columns
 * laid out for them, bar codes and QR codes at the widest module that fits the printable dots,
 * images checked against them. Throws ReceiptDocumentError for what cannot fit this roll.
 */
export function renderEscPos(document: ReceiptDocument, layout: PrinterLayout): Uint8Array {
  const profile = PRINTER_PROFILES[layout.profile];
  const { columns, dots } = profile.paper[layout.paper];
  const encoder = new ReceiptPrinterEncoder({
    language: profile.language,
    columns: encoderColumns(columns),
    codepageMapping: profile.codepageMapping,
    imageMode: 'raster',
  });
  encoder.initialize().codepage(profile.codeTable);
  const fit = (text: string) => fitToCodeTable(text, profile.codeTable);

  const render: { [T in ReceiptBlock['type']]: (block: Block<T>) => void } = {
    text(block) {
      // aligned here, to the roll's own columns: the encoder would pad to its own width
      encoder.bold(block.bold).underline(block.underline).size(block.size, block.size);
      const width = Math.floor(columns / block.size);
      for (const paragraph of block.text.split('\n')) {
        for (const line of wrapWords(fit(paragraph), width)) {
          encoder.line(alignLine(line, width, block.align));
        }
      }
      encoder.size(1, 1).underline(false).bold(false);
    },
    columns(block) {
      const cells = block.cells.map((cell) => ({ ...cell, text: fit(cell.text) }));
      encoder.bold(block.bold);
      for (const line of layoutColumns(cells, columns)) encoder.line(line);
      encoder.bold(false);
    },
    rule() {
      encoder.line('-'.repeat(columns));
    },
    feed(block) {
      encoder.newline(block.lines);
    },
    barcode(block) {
      const plan = fitCode128(block.data, dots);
      if (!plan) {
        // the same data as a QR code with the model's defaults
        if (block.fallback === 'qr')
          return render.qr(QrBlockSchema.parse({ type: 'qr', data: block.data }));
        throw new ReceiptDocumentError([
          `a CODE128 of "${block.data}" does not fit ${dots} dots (${layout.paper} on ${profile.id})`,
        ]);
      }
      encoder.align('center');
      // the encoder's width option is GS w minus one (1..3 -> 2..4 dots per module)
      encoder.barcode(plan.payload, 'code128', {
        height: block.heightDots,
        width: plan.moduleDots - 1,
        text: block.humanReadable === 'below' ? 'below' : 'none',
      });
      encoder.align('left');
    },
    qr(block) {
      const size = fitQr(block.data, block.errorCorrection, block.maxModuleDots, dots);
      encoder.align('center');
      const errorlevel = block.errorCorrection.toLowerCase() as 'l' | 'm' | 'q' | 'h';
      encoder.qrcode(block.data, { model: 2, size, errorlevel });
      encoder.align('left');
    },
    image(block) {
      if (block.widthDots > dots) {
        throw new ReceiptDocumentError([
          `an image ${block.widthDots} dots wide does not fit ${dots} dots (${layout.paper} on ${profile.id})`,
        ]);
      }
      encoder.align(block.align);
      encoder.image(toRgba(block), block.widthDots, block.heightDots, 'threshold', 128);
      encoder.align('left');
    },
    cut(block) {
      if (block.feedLines > 0) encoder.newline(block.feedLines);
      encoder.cut(block.mode);
    },
    drawer(block) {
      // ESC p m t1 t2: m 0 = pin 2, 1 = pin 5; the off time at least the on time, as the
      // manuals ask, so the solenoid is never driven back to back
      encoder.pulse(block.pin === 2 ? 0 : 1, block.pulseMs, Math.max(block.pulseMs, 200));
    },
  };
  for (const block of document.blocks) (render[block.type] as (block: ReceiptBlock) => void)(block);
  return encoder.encode();
}

/**
 * The encoder only knows some roll widths (32, 35, 42, 44, 48 columns): it gets the nearest one
 * not narrower than the roll, and every line is wrapped here to the roll's own columns first, so
 * its wrapping never applies (a TM-T88 on 58 mm has 30).
 */
const ENCODER_COLUMNS = [32, 35, 42, 44, 48] as const;
function encoderColumns(columns: number): number {
  return ENCODER_COLUMNS.find((supported) => supported >= columns) ?? columns;
}

function alignLine(line: string, width: number, align: Alignment): string {
  const free = Math.max(0, width - line.length);
  if (align === 'left' || free === 0) return line;
  return ' '.repeat(align === 'center' ? Math.floor(free / 2) : free) + line;
}

/** The encoder takes RGBA pixels: a set bit is a black pixel, a clear one white. */
function toRgba(image: Block<'image'>): { data: Uint8ClampedArray; width: number; height: number } {
  const { widthDots: width, heightDots: height, bits } = image;
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const byte = bits[y * (width / 8) + (x >> 3)] as number;
      if ((byte >> (7 - (x & 7))) & 1) data.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3);
    }
  }
  return { data, width, height };
}
