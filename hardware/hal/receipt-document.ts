import { z } from 'zod';

/**
 * A receipt as a typed document, independent of the printer's command language, model and roll:
 * what to print (text, label/value columns, bar codes, images), not how. The driver renders it
 * for its model and paper width (wrapping, code table, bar code module size), so callers never
 * hand raw printer commands to the HAL. The vocabulary follows UnifiedPOS POSPrinter and
 * CashDrawer: printNormal, printBarCode, printBitmap, cutPaper, openDrawer.
 */

/** Text that goes to paper: no control characters, so no data can smuggle in printer commands. */
const printable = z
  .string()
  .max(2000)
  .regex(/^[^\p{Cc}]*$/u, 'no control characters');
/** Multi-line text: lines separated by newlines, otherwise printable. */
const printableLines = z
  .string()
  .max(2000)
  .regex(/^[^\p{Cc}]*(\n[^\p{Cc}]*)*$/u, 'no control characters except newlines');

const ALIGNMENTS = ['left', 'center', 'right'] as const;
export type Alignment = (typeof ALIGNMENTS)[number];
const alignment = z.enum(ALIGNMENTS);

/** printNormal: text wrapped at word boundaries to the roll; `size` 2 doubles width and height. */
const TextBlockSchema = z
  .object({
    type: z.literal('text'),
    text: printableLines,
    align: alignment.default('left'),
    bold: z.boolean().default(false),
    underline: z.boolean().default(false),
    size: z.union([z.literal(1), z.literal(2)]).default(1),
  })
  .strict();

/**
 * One cell of a columns row. `weight` is its share of the line when the cells do not fit side by
 * side at their natural length; `overflow` says whether a cell too long for its share wraps onto
 * more lines (nothing lost) or is cut to it.
 */
const ColumnCellSchema = z
  .object({
    text: printable,
    align: alignment.default('left'),
    weight: z.number().int().min(1).max(100).default(1),
    overflow: z.enum(['wrap', 'truncate']).default('wrap'),
  })
  .strict();

/**
 * A row of 1 to 4 cells: on one line, first cell at the left edge and last at the right, when
 * they fit with a space between; else each cell in its weighted share, wrapped or truncated.
 */
const ColumnsBlockSchema = z
  .object({
    type: z.literal('columns'),
    cells: z.array(ColumnCellSchema).min(1).max(4),
    bold: z.boolean().default(false),
  })
  .strict();

/** A line across the roll. */
const RuleBlockSchema = z.object({ type: z.literal('rule') }).strict();

const FeedBlockSchema = z
  .object({ type: z.literal('feed'), lines: z.number().int().min(1).max(10) })
  .strict();

/**
 * printBarCode for CODE128: the driver picks subset C for an even run of digits (two per symbol)
 * and the widest module that fits the roll with its quiet zones. `fallback: 'qr'` prints a QR
 * code of the same data when no CODE128 fits; without it a bar code that cannot fit is an error.
 */
const BarcodeBlockSchema = z
  .object({
    type: z.literal('barcode'),
    symbology: z.literal('code128'),
    data: z.string().regex(/^[\x20-\x7e]{1,80}$/, 'printable ASCII'),
    heightDots: z.number().int().min(24).max(255).default(60),
    humanReadable: z.enum(['none', 'below']).default('none'),
    fallback: z.enum(['none', 'qr']).default('none'),
  })
  .strict();

/** printBarCode for QR Code (model 2): the largest module, up to `maxModuleDots`, that fits. */
export const QrBlockSchema = z
  .object({
    type: z.literal('qr'),
    data: z.string().regex(/^[\x20-\x7e]{1,150}$/, 'printable ASCII'),
    errorCorrection: z.enum(['L', 'M', 'Q', 'H']).default('M'),
    maxModuleDots: z.number().int().min(3).max(8).default(6),
  })
  .strict();

/**
 * printBitmap of a 1-bit raster: rows of `widthDots / 8` bytes, most significant bit first,
 * 1 = black. An image wider than the roll is refused, never scaled.
 */
const ImageBlockSchema = z
  .object({
    type: z.literal('image'),
    widthDots: z
      .number()
      .int()
      .min(8)
      .max(2048)
      .refine((width) => width % 8 === 0, 'a multiple of 8'),
    heightDots: z.number().int().min(1).max(2400),
    bits: z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'a Uint8Array'),
    align: alignment.default('center'),
  })
  .strict()
  .refine((image) => image.bits.length === (image.widthDots / 8) * image.heightDots, {
    message: 'bits must hold widthDots / 8 bytes per row for every row',
    path: ['bits'],
  });

/** cutPaper: feed past the cutter, then cut (partial leaves a hinge, as kiosk printers do). */
const CutBlockSchema = z
  .object({
    type: z.literal('cut'),
    mode: z.enum(['partial', 'full']).default('partial'),
    feedLines: z.number().int().min(0).max(10).default(3),
  })
  .strict();

/**
 * openDrawer: a pulse on the printer's drawer kick-out connector, pin 2 (drawer 1) or pin 5
 * (drawer 2), `pulseMs` long (the drawer's solenoid rating, usually 50-100 ms).
 */
const DrawerBlockSchema = z
  .object({
    type: z.literal('drawer'),
    pin: z.union([z.literal(2), z.literal(5)]).default(2),
    pulseMs: z.number().int().min(2).max(510).default(100),
  })
  .strict();

const ReceiptBlockSchema = z.union([
  TextBlockSchema,
  ColumnsBlockSchema,
  RuleBlockSchema,
  FeedBlockSchema,
  BarcodeBlockSchema,
  QrBlockSchema,
  ImageBlockSchema,
  CutBlockSchema,
  DrawerBlockSchema,
]);

const ReceiptDocumentSchema = z
  .object({ blocks: z.array(ReceiptBlockSchema).min(1).max(500) })
  .strict();

export type ReceiptDocument = z.output<typeof ReceiptDocumentSchema>;
export type ReceiptBlock = ReceiptDocument['blocks'][number];
export type ColumnCell = z.output<typeof ColumnCellSchema>;
type BlockInput<T extends ReceiptBlock['type']> = Omit<
  Extract<z.input<typeof ReceiptBlockSchema>, { type: T }>,
  'type'
>;

/** A document that is not valid, or cannot be printed on this printer (e.g. an image too wide). */
export class ReceiptDocumentError extends Error {
  override readonly name = 'ReceiptDocumentError';
  constructor(readonly issues: string[]) {
    super(`invalid receipt document: ${issues.join('; ')}`);
  }
}

/** Validates a document (defaults filled in), or throws ReceiptDocumentError listing each issue. */
export function parseReceiptDocument(raw: unknown): ReceiptDocument {
  const result = ReceiptDocumentSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ReceiptDocumentError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
  );
}

type TextStyle = Omit<BlockInput<'text'>, 'text'>;

/**
 * Builds a document with the UnifiedPOS method names; `build()` validates it. Each method adds
 * one block and returns the builder.
 */
export class ReceiptDocumentBuilder {
  private readonly blocks: unknown[] = [];

  /** printNormal: one paragraph (newlines start new lines). */
  printNormal(text: string, style: TextStyle = {}): this {
    return this.add({ type: 'text', text, ...style });
  }

  /** A row of cells, e.g. a label at the left and its value at the right. */
  printColumns(cells: BlockInput<'columns'>['cells'], options: { bold?: boolean } = {}): this {
    return this.add({ type: 'columns', cells, ...options });
  }

  printRule(): this {
    return this.add({ type: 'rule' });
  }

  feed(lines: number): this {
    return this.add({ type: 'feed', lines });
  }

  printBarCode(
    data: string,
    options: Omit<BlockInput<'barcode'>, 'data' | 'symbology'> = {},
  ): this {
    return this.add({ type: 'barcode', symbology: 'code128', data, ...options });
  }

  printQrCode(data: string, options: Omit<BlockInput<'qr'>, 'data'> = {}): this {
    return this.add({ type: 'qr', data, ...options });
  }

  printBitmap(image: BlockInput<'image'>): this {
    return this.add({ type: 'image', ...image });
  }

  cutPaper(options: BlockInput<'cut'> = {}): this {
    return this.add({ type: 'cut', ...options });
  }

  openDrawer(options: BlockInput<'drawer'> = {}): this {
    return this.add({ type: 'drawer', ...options });
  }

  build(): ReceiptDocument {
    return parseReceiptDocument({ blocks: this.blocks });
  }

  private add(block: unknown): this {
    this.blocks.push(block);
    return this;
  }
}
