import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import i18next from 'i18next';
import { z } from 'zod';
import {
  PRINTER_PROFILES,
  PrinterProfileIdSchema,
  fitToCodeTable,
  type PaperWidth,
  type PrinterProfile,
  type PrinterProfileId,
} from './profiles';
import { code128cData, referenceCode } from './reference-code';
import { receiptText, type ReceiptTextKey } from './receipt-text';

/** Text that goes to the printer: no control bytes, so no data can smuggle in ESC/POS commands. */
const printable = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'no control characters');
/** Multi-line text (addresses): lines separated by newlines, otherwise printable. */
const multiline = z
  .string()
  .min(1)
  .max(500)
  .regex(/^[^\p{Cc}]*(\n[^\p{Cc}]*)*$/u, 'no control characters except newlines');
const cents = z.number().int().min(0).max(10_000_000);
const id = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'an id of letters, digits and dashes');

const header = {
  facilityName: printable(80).min(1).optional(),
  /** The facility's help line, printed at the bottom of every receipt when set. */
  supportPhone: printable(20).min(1).optional(),
  deviceId: printable(64).min(1),
  at: z.iso.datetime({ offset: true }),
  timeZone: z.string().min(1).default('UTC'),
  locale: z.enum(['en', 'es']).default('en'),
};

/**
 * How bills paid: what went in, what above the total was credited to the resident's spendable
 * account (the kiosk gives no change), and whether the person finished, cancelled, walked away
 * or the screen closed, in which case the receipt says what the bills were booked as.
 */
const cashPaid = z.object({
  insertedCents: cents,
  creditedCents: cents,
  ended: z.enum(['finished', 'cancelled', 'timed_out', 'closed']),
});

const paidCard = z.object({
  brand: z.enum(['visa', 'mastercard']),
  last4: z.string().regex(/^\d{4}$/),
});

const paidInCash = z.object({ method: z.literal('cash') });
const paidByCard = z.object({ method: z.literal('card'), card: paidCard });

export const DepositReceiptInputSchema = z.object({
  kind: z.literal('deposit'),
  ...header,
  depositId: id,
  residentName: printable(80).min(1),
  /** Who paid (a lobby visitor); absent when the resident paid. */
  depositorName: printable(80).min(1).optional(),
  docNumber: printable(20).min(1),
  amountCents: cents,
  feeCents: cents,
  totalCents: cents,
  payment: z.discriminatedUnion('method', [paidInCash, paidByCard]),
  cash: cashPaid.optional(),
});

export const StampPurchaseReceiptInputSchema = z.object({
  kind: z.literal('stamp_purchase'),
  ...header,
  purchaseId: id,
  residentName: printable(80).min(1),
  docNumber: printable(20).min(1),
  stamps: z.number().int().min(1).max(100_000),
  priceCents: cents,
  payment: z.discriminatedUnion('method', [
    paidInCash,
    paidByCard,
    z.object({ method: z.literal('balance') }),
  ]),
  cash: cashPaid.optional(),
});

/** The six items of the release form (tablet, agency address, name, DOC number, phone, return
 * address) and where to mail the tablet. */
export const ReleaseFormInputSchema = z.object({
  kind: z.literal('release_form'),
  ...header,
  requestId: id,
  tabletSerial: printable(32).min(1),
  agencyAddress: multiline,
  firstName: printable(80).min(1),
  lastName: printable(80).min(1),
  docNumber: printable(20).min(1),
  phone: printable(20).min(1),
  returnAddress: multiline,
  mailTo: multiline,
});

export const TestPageInputSchema = z.object({ kind: z.literal('test_page'), ...header });

export const ReceiptInputSchema = z.discriminatedUnion('kind', [
  DepositReceiptInputSchema,
  StampPurchaseReceiptInputSchema,
  ReleaseFormInputSchema,
  TestPageInputSchema,
]);
export type ReceiptInput = z.input<typeof ReceiptInputSchema>;
type Receipt = z.output<typeof ReceiptInputSchema>;

export class ReceiptInputError extends Error {
  override readonly name = 'ReceiptInputError';
  constructor(readonly issues: string[]) {
    super(`invalid receipt: ${issues.join('; ')}`);
  }
}

const i18n = i18next.createInstance();
void i18n.init({
  initAsync: false,
  resources: { en: { receipt: receiptText.en }, es: { receipt: receiptText.es } },
  ns: ['receipt'],
  defaultNS: 'receipt',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
});

/** Translates a receipt key; typed here because the renderer's i18next key typing is global. */
type Translate = (key: ReceiptTextKey, values?: Record<string, string>) => string;

function translator(locale: 'en' | 'es'): Translate {
  const fixed = i18n.getFixedT(locale) as unknown as (
    key: string,
    values?: Record<string, string>,
  ) => string;
  return (key, values) => fixed(key, values);
}

/** Which printer the receipt is for: the model's code table and the roll's width. */
export interface ReceiptLayout {
  profile: PrinterProfileId;
  paper: PaperWidth;
}

const DEFAULT_LAYOUT: ReceiptLayout = { profile: 'escpos-generic', paper: '80mm' };

/** The layout a printer reports in its capabilities (an unknown profile gets the generic one). */
export function layoutOf(capabilities: { profile: string; paper: PaperWidth }): ReceiptLayout {
  const profile = PrinterProfileIdSchema.safeParse(capabilities.profile);
  return {
    profile: profile.success ? profile.data : DEFAULT_LAYOUT.profile,
    paper: capabilities.paper,
  };
}

/**
 * Turns a receipt into printer bytes for one model and roll: initialize first, the model's code
 * table (text it lacks is transliterated, never `?`), the content wrapped to the roll's columns,
 * the reference as text and as a code that fits the printable width, a feed and a cut. Throws
 * ReceiptInputError on bad input.
 */
export function encodeReceipt(
  input: ReceiptInput,
  layout: ReceiptLayout = DEFAULT_LAYOUT,
): Uint8Array {
  const parsed = ReceiptInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new ReceiptInputError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const receipt = parsed.data;
  const t = translator(receipt.locale);
  const profile: PrinterProfile = PRINTER_PROFILES[layout.profile];
  const { columns, dots } = profile.paper[layout.paper];
  const encoder = new ReceiptPrinterEncoder({
    language: profile.language,
    columns,
    codepageMapping: profile.codepageMapping,
  });
  encoder.initialize().codepage(profile.codeTable);
  const out = new ReceiptWriter(encoder, t, { columns, dots, profile }, receipt);
  switch (receipt.kind) {
    case 'deposit':
      out.residentHeader('deposit', receipt.residentName, receipt.docNumber);
      if (receipt.depositorName) out.pair('depositor', receipt.depositorName);
      out.pair('amount', out.money(receipt.amountCents));
      out.pair('fee', out.money(receipt.feeCents));
      out.pair('total', out.money(receipt.totalCents), true);
      out.pair('paidWith', out.payment(receipt.payment));
      out.cash(receipt.cash);
      out.footer(receipt.depositId, 'keep');
      break;
    case 'stamp_purchase':
      out.residentHeader('stampPurchase', receipt.residentName, receipt.docNumber);
      out.pair('stamps', String(receipt.stamps));
      out.pair('price', out.money(receipt.priceCents), true);
      out.pair('paidWith', out.payment(receipt.payment));
      out.cash(receipt.cash);
      out.footer(receipt.purchaseId, 'keep');
      break;
    case 'release_form':
      out.title('releaseForm');
      out.block('tablet', receipt.tabletSerial);
      out.block('agencyAddress', receipt.agencyAddress);
      out.block('name', `${receipt.firstName} ${receipt.lastName}`);
      out.block('docNumber', receipt.docNumber);
      out.block('phone', receipt.phone);
      out.block('returnAddress', receipt.returnAddress);
      out.rule();
      out.block('mailTo', receipt.mailTo);
      out.footer(receipt.requestId, 'mailSlip');
      break;
    case 'test_page':
      out.title('testPage');
      out.line(t('testLine'));
      out.footer('0123456789', 'keep');
      break;
  }
  encoder.newline(3).cut('partial');
  return encoder.encode();
}

interface Geometry {
  columns: number;
  dots: number;
  profile: PrinterProfile;
}

/** Layout helpers shared by every receipt; every text goes through the code table fit. */
class ReceiptWriter {
  private readonly columns: number;

  constructor(
    private readonly encoder: ReceiptPrinterEncoder,
    private readonly t: Translate,
    private readonly geometry: Geometry,
    private readonly receipt: Receipt,
  ) {
    this.columns = geometry.columns;
  }

  /** One line of text, wrapped at the roll's columns by the encoder. */
  line(text: string): void {
    this.encoder.line(fitToCodeTable(text, this.geometry.profile.codeTable));
  }

  title(key: ReceiptTextKey): void {
    this.heading(this.t(key));
  }

  /** Title, then who the money or stamps are for. */
  residentHeader(key: ReceiptTextKey, residentName: string, docNumber: string): void {
    this.title(key);
    this.pair('resident', residentName);
    this.pair('docNumber', docNumber);
    this.rule();
  }

  heading(text: string): void {
    this.encoder.align('center').bold(true);
    if (this.receipt.facilityName) this.line(this.receipt.facilityName);
    this.encoder.size(2, 2);
    this.line(text);
    this.encoder.size(1, 1).bold(false).align('left');
    this.rule();
  }

  /** Label and value on one line when they fit; else the value below, indented and wrapped. */
  pair(key: ReceiptTextKey, value: string, bold = false): void {
    const label = this.t(key);
    this.encoder.bold(bold);
    if (label.length + 1 + value.length <= this.columns) {
      this.line(`${label}${' '.repeat(this.columns - label.length - value.length)}${value}`);
    } else {
      this.line(label);
      for (const piece of chunks(value, this.columns - 2)) this.line(`  ${piece}`);
    }
    this.encoder.bold(false);
  }

  /** A label, then its value indented below (addresses span several lines). */
  block(key: ReceiptTextKey, value: string): void {
    this.encoder.underline(true);
    this.line(this.t(key));
    this.encoder.underline(false);
    for (const line of value.split('\n')) this.line(`  ${line}`);
  }

  rule(): void {
    this.encoder.line('-'.repeat(this.columns));
  }

  money(cents: number): string {
    return new Intl.NumberFormat(this.receipt.locale === 'es' ? 'es-US' : 'en-US', {
      style: 'currency',
      currency: 'USD',
    }).format(cents / 100);
  }

  payment(payment: Extract<Receipt, { payment: unknown }>['payment']): string {
    if (payment.method === 'card') {
      const brand = payment.card.brand === 'visa' ? 'Visa' : 'Mastercard';
      return this.t('card', { brand, last4: payment.card.last4 });
    }
    return this.t(payment.method === 'cash' ? 'cash' : 'balance');
  }

  /** Bills: what went in, what was credited above the total, no change, how the payment ended. */
  cash(cash: z.output<typeof cashPaid> | undefined): void {
    if (!cash) return;
    this.pair('cashInserted', this.money(cash.insertedCents));
    if (cash.creditedCents > 0) this.pair('creditedExtra', this.money(cash.creditedCents));
    this.line(this.t('noChange'));
    if (cash.ended !== 'finished') this.line(this.t(`ended_${cash.ended}`));
  }

  /** Date, kiosk, the whole reference as text and as a code that fits, the closing words. */
  footer(reference: string, closing: 'keep' | 'mailSlip'): void {
    const when = new Intl.DateTimeFormat(this.receipt.locale === 'es' ? 'es-US' : 'en-US', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: this.receipt.timeZone,
    }).format(new Date(this.receipt.at));
    this.rule();
    this.pair('date', when);
    this.pair('device', this.receipt.deviceId);
    this.pair('reference', reference);
    this.referenceCode(reference);
    this.encoder.align('center');
    this.line(this.t(closing));
    if (this.receipt.supportPhone)
      this.line(this.t('support', { phone: this.receipt.supportPhone }));
    this.encoder.align('left');
  }

  private referenceCode(reference: string): void {
    const code = referenceCode(reference, this.geometry.dots);
    this.encoder.align('center');
    if (code.kind === 'code128c') {
      // the encoder's width option is GS w minus one (1..3 -> 2..4 dots per module)
      this.encoder.barcode(code128cData(reference), 'code128', {
        height: 60,
        width: code.moduleDots - 1,
      });
    } else {
      this.encoder.qrcode(reference, { model: 2, size: code.moduleDots, errorlevel: 'm' });
    }
    this.encoder.align('left');
  }
}

/** Splits text into pieces of at most `size` characters (references have no spaces to wrap at). */
function chunks(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}
