import type { BlockReasonCode } from '../domain/blocks';

const KNOWN: readonly BlockReasonCode[] = [
  'customer_card_chargeback',
  'resident_card_chargeback',
  'resident_money_order_chargeback',
];

/** A block reason code as an i18n key; a code this build does not know reads as "other". */
export function blockKey(code: string) {
  const known = KNOWN.find((candidate) => candidate === code);
  return known ? (`account.block_${known}` as const) : ('account.block_other' as const);
}
