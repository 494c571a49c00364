import { randomBytes } from 'node:crypto';
import type { CardBrand, CardFunding, CardResult } from '../../hal';
import { swipeError, type SwipeFields } from './tracks';

export interface CardPolicy {
  /** Acquirer's BIN table: IIN prefix -> funding; the longest matching prefix wins. */
  fundingByIin: Readonly<Record<string, CardFunding>>;
  now: () => Date;
}

/**
 * Turns swipe fields into a card result and overwrites the fields, whatever the outcome.
 * Luhn and the brand are computed on the digit bytes: a validation library would need the
 * number as a string, which cannot be overwritten afterwards.
 */
export function toCardResult(fields: SwipeFields, policy: CardPolicy): CardResult {
  try {
    const { pan } = fields;
    if (!luhnValid(pan)) throw swipeError('luhn', 'the card number failed its check digit');
    const brand = brandOf(pan);
    const expiry = expiryOf(fields.expiry, policy.now());
    const service = fields.serviceCode[0];
    return {
      brand,
      last4: pan.subarray(pan.length - 4).toString('latin1'),
      expiry,
      cardholderName: fields.name.slice(0, 26),
      funding: fundingOf(pan, policy.fundingByIin),
      // Until the processor's token replaces it (processor-tokens.ts): a random reference for this
      // read, derived from nothing on the card, so no key exists that could reverse it. base64url:
      // long digit runs in hex would look like card numbers to leak scans.
      token: randomBytes(32).toString('base64url'),
      chipCard: service === 0x32 || service === 0x36,
    };
  } finally {
    fields.wipe();
  }
}

/** Luhn over ASCII digit bytes. */
export function luhnValid(digits: Uint8Array): boolean {
  let sum = 0;
  for (const [index, byte] of digits.entries()) {
    let digit = byte - 0x30;
    // every second digit counting from the right (the check digit is not doubled)
    if ((digits.length - 1 - index) % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** The digit at `index` of a field; a field too short to hold it is a format error. */
function digitAt(digits: Uint8Array, index: number, field: string): number {
  const byte = digits[index];
  if (byte === undefined || byte < 0x30 || byte > 0x39) {
    throw swipeError('format', `the ${field} is too short or not digits`);
  }
  return byte - 0x30;
}

function prefixValue(digits: Uint8Array, count: number, field: string): number {
  let value = 0;
  for (let i = 0; i < count; i += 1) value = value * 10 + digitAt(digits, i, field);
  return value;
}

/** Visa 4 (13, 16, 19 digits); Mastercard 51-55 and 2221-2720 (16). Others are refused. */
export function brandOf(digits: Uint8Array): CardBrand {
  const length = digits.length;
  if (digits[0] === 0x34) {
    if (length === 13 || length === 16 || length === 19) return 'visa';
    throw swipeError('brand_refused', 'a Visa number must have 13, 16 or 19 digits');
  }
  const two = prefixValue(digits, 2, 'card number');
  const four = prefixValue(digits, 4, 'card number');
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) {
    if (length === 16) return 'mastercard';
    throw swipeError('brand_refused', 'a Mastercard number must have 16 digits');
  }
  throw swipeError('brand_refused', 'only Visa and Mastercard are accepted');
}

/** YYMM -> YYYY-MM; a card is valid through the last day of its expiry month. */
export function expiryOf(yymm: Uint8Array, now: Date): string {
  const year = 2000 + prefixValue(yymm, 2, 'expiry');
  const month = digitAt(yymm, 2, 'expiry') * 10 + digitAt(yymm, 3, 'expiry');
  if (month < 1 || month > 12) throw swipeError('format', 'the expiry month is invalid');
  const current = now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
  if (year * 12 + month < current) throw swipeError('expired', 'the card has expired');
  return `${year}-${String(month).padStart(2, '0')}`;
}

function fundingOf(digits: Uint8Array, table: Readonly<Record<string, CardFunding>>): CardFunding {
  let best: { length: number; funding: CardFunding } | undefined;
  for (const [prefix, funding] of Object.entries(table)) {
    if (prefix.length > digits.length || (best && prefix.length <= best.length)) continue;
    let matches = true;
    for (let i = 0; i < prefix.length && matches; i += 1) {
      matches = digits[i] === prefix.charCodeAt(i);
    }
    if (matches) best = { length: prefix.length, funding };
  }
  return best?.funding ?? 'unknown';
}
