import i18next from 'i18next';
import { z } from 'zod';
import { ReceiptDocumentBuilder, type ReceiptDocument } from '../../../hardware/hal';
import { receiptText, type ReceiptTextKey } from './receipt-text';

/** Text that goes to the printer: no control bytes, so no data can smuggle in printer commands. */
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

const DepositReceiptInputSchema = z.object({
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

const StampPurchaseReceiptInputSchema = z.object({
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
const ReleaseFormInputSchema = z.object({
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

const TestPageInputSchema = z.object({ kind: z.literal('test_page'), ...header });

const ReceiptInputSchema = z.discriminatedUnion('kind', [
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

/**
 * Turns a receipt into a printer-independent document: the heading, label/value rows, the whole
 * reference as text and as a code (CODE128 for a numeric reference, falling back to a QR code
 * where the roll is too narrow; a QR code for ids), the closing words and a cut. The printer's
 * driver lays it out for its model and roll. Throws ReceiptInputError on bad input.
 */
export function buildReceiptDocument(input: ReceiptInput): ReceiptDocument {
  const parsed = ReceiptInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new ReceiptInputError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const receipt = parsed.data;
  const out = new ReceiptComposer(translator(receipt.locale), receipt);
  switch (receipt.kind) {
    case 'deposit':
      out.residentHeader('deposit', receipt.residentName, receipt.docNumber);
      if (receipt.depositorName) out.pair('depositor', receipt.depositorName);
      out.amount('amount', receipt.amountCents);
      out.amount('fee', receipt.feeCents);
      out.amount('total', receipt.totalCents, true);
      out.pair('paidWith', out.payment(receipt.payment));
      out.cash(receipt.cash);
      out.footer(receipt.depositId, 'keep');
      break;
    case 'stamp_purchase':
      out.residentHeader('stampPurchase', receipt.residentName, receipt.docNumber);
      out.pair('stamps', String(receipt.stamps));
      out.amount('price', receipt.priceCents, true);
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
      out.line(out.t('testLine'));
      out.footer('0123456789', 'keep');
      break;
  }
  return out.cut();
}

/** The parts every receipt is made of, in the receipt's language. */
class ReceiptComposer {
  private readonly document = new ReceiptDocumentBuilder();

  constructor(
    readonly t: Translate,
    private readonly receipt: Receipt,
  ) {}

  line(text: string): void {
    this.document.printNormal(text);
  }

  title(key: ReceiptTextKey): void {
    if (this.receipt.facilityName) {
      this.document.printNormal(this.receipt.facilityName, { align: 'center', bold: true });
    }
    this.document.printNormal(this.t(key), { align: 'center', bold: true, size: 2 });
    this.rule();
  }

  /** Title, then who the money or stamps are for. */
  residentHeader(key: ReceiptTextKey, residentName: string, docNumber: string): void {
    this.title(key);
    this.pair('resident', residentName);
    this.pair('docNumber', docNumber);
    this.rule();
  }

  /**
   * Label and value: on one line when they fit, else the label in two fifths of the line and
   * the value, wrapped, in the rest (a long name or a reference is printed whole).
   */
  pair(key: ReceiptTextKey, value: string, bold = false): void {
    this.document.printColumns(
      [
        { text: this.t(key), weight: 2 },
        { text: value, weight: 3 },
      ],
      { bold },
    );
  }

  /** A label and an amount, the amount at the right edge however the label wraps. */
  amount(key: ReceiptTextKey, cents: number, bold = false): void {
    const money = new Intl.NumberFormat(this.receipt.locale === 'es' ? 'es-US' : 'en-US', {
      style: 'currency',
      currency: 'USD',
    }).format(cents / 100);
    this.document.printColumns(
      [
        { text: this.t(key), weight: 3 },
        { text: money, weight: 2, align: 'right' },
      ],
      { bold },
    );
  }

  /** A label, then its value indented below (addresses span several lines). */
  block(key: ReceiptTextKey, value: string): void {
    this.document.printNormal(this.t(key), { underline: true });
    for (const line of value.split('\n')) this.document.printNormal(`  ${line}`);
  }

  rule(): void {
    this.document.printRule();
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
    this.amount('cashInserted', cash.insertedCents);
    if (cash.creditedCents > 0) this.amount('creditedExtra', cash.creditedCents);
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
    if (/^(\d\d)+$/.test(reference)) this.document.printBarCode(reference, { fallback: 'qr' });
    else this.document.printQrCode(reference);
    this.document.printNormal(this.t(closing), { align: 'center' });
    if (this.receipt.supportPhone) {
      this.document.printNormal(this.t('support', { phone: this.receipt.supportPhone }), {
        align: 'center',
      });
    }
  }

  cut(): ReceiptDocument {
    return this.document.cutPaper({ mode: 'partial', feedLines: 3 }).build();
  }
}
