import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import i18next from 'i18next';
import { z } from 'zod';
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
  deviceId: printable(64).min(1),
  at: z.iso.datetime({ offset: true }),
  timeZone: z.string().min(1).default('UTC'),
  locale: z.enum(['en', 'es']).default('en'),
};

const paidCard = z.object({
  brand: z.enum(['visa', 'mastercard']),
  last4: z.string().regex(/^\d{4}$/),
});

export const DepositReceiptInputSchema = z.object({
  kind: z.literal('deposit'),
  ...header,
  depositId: id,
  residentName: printable(80).min(1),
  docNumber: printable(20).min(1),
  amountCents: cents,
  feeCents: cents,
  totalCents: cents,
  payment: z.discriminatedUnion('method', [
    z.object({ method: z.literal('cash') }),
    z.object({ method: z.literal('card'), card: paidCard }),
  ]),
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
    z.object({ method: z.literal('cash') }),
    z.object({ method: z.literal('card'), card: paidCard }),
    z.object({ method: z.literal('balance') }),
  ]),
});

/** The six items of the release form (DOMAIN.md) and where to mail the tablet. */
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

export interface ReceiptLayout {
  columns: number;
}

/**
 * Turns a receipt into ESC/POS bytes: initialize first, code page WPC1252 (16) so Spanish
 * accents print, then the content, a feed and a cut. Throws ReceiptInputError on bad input.
 */
export function encodeReceipt(
  input: ReceiptInput,
  layout: ReceiptLayout = { columns: 42 },
): Uint8Array {
  const parsed = ReceiptInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new ReceiptInputError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const receipt = parsed.data;
  const t = translator(receipt.locale);
  const encoder = new ReceiptPrinterEncoder({
    language: 'esc-pos',
    columns: layout.columns,
    codepageMapping: 'epson',
  });
  encoder.initialize().codepage('windows1252');
  const out = new ReceiptWriter(encoder, t, layout.columns, receipt);
  switch (receipt.kind) {
    case 'deposit':
      out.residentHeader('deposit', receipt.residentName, receipt.docNumber);
      out.pair('amount', out.money(receipt.amountCents));
      out.pair('fee', out.money(receipt.feeCents));
      out.pair('total', out.money(receipt.totalCents), true);
      out.pair('paidWith', out.payment(receipt.payment));
      out.footer(receipt.depositId);
      break;
    case 'stamp_purchase':
      out.residentHeader('stampPurchase', receipt.residentName, receipt.docNumber);
      out.pair('stamps', String(receipt.stamps));
      out.pair('price', out.money(receipt.priceCents), true);
      out.pair('paidWith', out.payment(receipt.payment));
      out.footer(receipt.purchaseId);
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
      encoder.align('center').qrcode(receipt.requestId, { model: 2, size: 6, errorlevel: 'm' });
      encoder.align('left');
      out.footer(receipt.requestId, false);
      break;
    case 'test_page':
      out.title('testPage');
      encoder.line(t('testLine'));
      out.footer('TEST-0123456789', false);
      break;
  }
  encoder.newline(3).cut('partial');
  return encoder.encode();
}

/** Layout helpers shared by every receipt. */
class ReceiptWriter {
  constructor(
    private readonly encoder: ReceiptPrinterEncoder,
    private readonly t: Translate,
    private readonly columns: number,
    private readonly receipt: Receipt,
  ) {}

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
    if (this.receipt.facilityName) this.encoder.line(this.receipt.facilityName);
    this.encoder.size(2, 2).line(text).size(1, 1).bold(false).align('left');
    this.rule();
  }

  pair(key: ReceiptTextKey, value: string, bold = false): void {
    const label = this.t(key);
    const gap = Math.max(1, this.columns - label.length - value.length);
    this.encoder
      .bold(bold)
      .line(`${label}${' '.repeat(gap)}${value}`)
      .bold(false);
  }

  /** A label, then its value indented below (addresses span several lines). */
  block(key: ReceiptTextKey, value: string): void {
    this.encoder.underline(true).line(this.t(key)).underline(false);
    for (const line of value.split('\n')) this.encoder.line(`  ${line}`);
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

  footer(reference: string, barcode = true): void {
    const when = new Intl.DateTimeFormat(this.receipt.locale === 'es' ? 'es-US' : 'en-US', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: this.receipt.timeZone,
    }).format(new Date(this.receipt.at));
    this.rule();
    this.pair('date', when);
    this.pair('device', this.receipt.deviceId);
    if (reference)
      this.pair('reference', reference.length > 24 ? reference.slice(0, 24) : reference);
    if (barcode) {
      this.encoder.align('center').barcode(reference, 'code128', 60).align('left');
    }
    this.encoder.align('center').line(this.t('keep')).align('left');
  }
}
