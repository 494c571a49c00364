/**
 * Test card numbers and what the simulator does with each, in the style of real processors'
 * sandboxes: the number picks the outcome, so a test chooses a decline or an error by the card it
 * tokenizes. Any other Luhn-valid number is approved.
 */
export type CardBehavior =
  | { kind: 'approve' }
  | { kind: 'decline'; code: 'card_declined' | 'insufficient_funds' | 'expired_card' }
  | { kind: 'processing_error' };

export const TEST_CARDS = {
  visaApproved: '4242424242424242',
  mastercardApproved: '5555555555554444',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  expired: '4000000000000069',
  processingError: '4000000000000119',
  visaDebit: '4000056655665556',
  mastercardPrepaid: '5105105105105100',
} as const;

export function fundingOf(number: string): 'debit' | 'credit' | 'prepaid' {
  if (number === TEST_CARDS.visaDebit) return 'debit';
  if (number === TEST_CARDS.mastercardPrepaid) return 'prepaid';
  return 'credit';
}

const BEHAVIOR: Record<string, CardBehavior> = {
  [TEST_CARDS.declined]: { kind: 'decline', code: 'card_declined' },
  [TEST_CARDS.insufficientFunds]: { kind: 'decline', code: 'insufficient_funds' },
  [TEST_CARDS.expired]: { kind: 'decline', code: 'expired_card' },
  [TEST_CARDS.processingError]: { kind: 'processing_error' },
};

export function behaviorOf(number: string): CardBehavior {
  return BEHAVIOR[number] ?? { kind: 'approve' };
}

export function luhnValid(number: string): boolean {
  if (!/^\d{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i += 1) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function brandOf(number: string): 'visa' | 'mastercard' | 'amex' | 'discover' | 'other' {
  if (number.startsWith('4')) return 'visa';
  if (/^(5[1-5]|2[2-7])/.test(number)) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  if (/^6(011|5)/.test(number)) return 'discover';
  return 'other';
}
