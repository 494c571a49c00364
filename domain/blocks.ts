import { z } from 'zod';
import { InstantSchema } from './formats';
import { parseInstant } from './instant';
import { err, isCount, ok, type DomainError, type Result } from './result';
import { DEPOSIT_CHANNELS, type DepositChannel } from './types';

/**
 * docs/rules.md "Blocks from chargebacks".
 * - Bank-card chargeback by C on a deposit to R: C may make no bank-card deposit (to anyone) and
 *   R may receive none (from anyone).
 * - Money-order / personal-check chargeback or stop payment by C to R: R may receive no
 *   bank-card deposit.
 * - A later money order from C to R first settles C's outstanding chargebacks to R.
 * - A block lifts when its chargeback is settled (fully recovered) or resolved.
 * The kiosk card is a bank card. Decision: kiosk cash is not a bank-card transaction, so it stays
 * allowed like money order and MoneyGram.
 */

export const CHARGEBACK_KINDS = [
  'bank_card',
  'money_order',
  'personal_check',
  'stop_payment',
] as const;
export type ChargebackKind = (typeof CHARGEBACK_KINDS)[number];

/** Channels that are bank-card transactions. */
export const BANK_CARD_CHANNELS: readonly DepositChannel[] = ['bank_card', 'kiosk_card'];

export const ChargebackSchema = z
  .object({
    id: z.string().min(1),
    customerId: z.string().min(1),
    residentId: z.string().min(1),
    /** A kiosk-card chargeback is recorded as bank_card. */
    kind: z.enum(CHARGEBACK_KINDS),
    /** What the provider lost and must recover. */
    amountCents: z.number().int().positive(),
    /** Recovered so far, by later money orders. */
    recoveredCents: z.number().int().nonnegative(),
    openedAt: InstantSchema,
    /** Set when resolved otherwise than by recovery (e.g. the dispute was withdrawn). */
    resolvedAt: InstantSchema.nullable(),
  })
  .refine((chargeback) => chargeback.recoveredCents <= chargeback.amountCents, {
    message: 'recoveredCents cannot exceed amountCents',
    path: ['recoveredCents'],
  });
export type Chargeback = z.infer<typeof ChargebackSchema>;

export function isOutstanding(chargeback: Chargeback): boolean {
  return chargeback.resolvedAt === null && chargeback.recoveredCents < chargeback.amountCents;
}

export type BlockReasonCode =
  /** The customer charged back a bank-card deposit: no bank-card deposits from them. */
  | 'customer_card_chargeback'
  /** A bank-card deposit to the resident was charged back: no bank-card deposits to them. */
  | 'resident_card_chargeback'
  /** A money order or check to the resident was charged back or stopped. */
  | 'resident_money_order_chargeback';

export interface BlockReason {
  code: BlockReasonCode;
  chargebackIds: string[];
}

export interface DepositRequest {
  customerId: string;
  residentId: string;
  channel: DepositChannel;
}

export interface DepositDecision {
  /** Whether the requested channel is allowed for this customer and resident. */
  allowed: boolean;
  /** Every block on this customer or resident, for the screen to explain. */
  reasons: BlockReason[];
  /** Channels still possible between them (before fees and facility limits). */
  allowedChannels: DepositChannel[];
  /** Outstanding chargebacks by this customer to this resident that a money order settles first. */
  moneyOrderSettles: string[];
}

function reason(code: BlockReasonCode, chargebacks: Chargeback[]): BlockReason[] {
  return chargebacks.length === 0 ? [] : [{ code, chargebackIds: chargebacks.map((cb) => cb.id) }];
}

/** Decides whether a deposit may go through, why not, and what is still possible. */
export function evaluateDeposit(
  chargebacks: readonly Chargeback[],
  request: DepositRequest,
): DepositDecision {
  const open = chargebacks.filter(isOutstanding);
  const byCustomerCard = open.filter(
    (cb) => cb.kind === 'bank_card' && cb.customerId === request.customerId,
  );
  const toResidentCard = open.filter(
    (cb) => cb.kind === 'bank_card' && cb.residentId === request.residentId,
  );
  const toResidentPaper = open.filter(
    (cb) => cb.kind !== 'bank_card' && cb.residentId === request.residentId,
  );
  const reasons = [
    ...reason('customer_card_chargeback', byCustomerCard),
    ...reason('resident_card_chargeback', toResidentCard),
    ...reason('resident_money_order_chargeback', toResidentPaper),
  ];
  // Every rule blocks bank-card channels only, so any reason closes exactly those.
  const allowedChannels = DEPOSIT_CHANNELS.filter(
    (channel) => reasons.length === 0 || !BANK_CARD_CHANNELS.includes(channel),
  );
  return {
    allowed: allowedChannels.includes(request.channel),
    reasons,
    allowedChannels,
    moneyOrderSettles: pairOutstanding(open, request.customerId, request.residentId).map(
      (cb) => cb.id,
    ),
  };
}

/** The customer's outstanding chargebacks to the resident, oldest first (then by id). */
function pairOutstanding(
  chargebacks: readonly Chargeback[],
  customerId: string,
  residentId: string,
): Chargeback[] {
  return chargebacks
    .filter(
      (cb) => isOutstanding(cb) && cb.customerId === customerId && cb.residentId === residentId,
    )
    .sort((a, b) => Date.parse(a.openedAt) - Date.parse(b.openedAt) || a.id.localeCompare(b.id));
}

export interface MoneyOrder {
  customerId: string;
  residentId: string;
  amountCents: number;
}

export interface MoneyOrderApplication {
  /** Cents applied to each chargeback, oldest first. */
  settlements: { chargebackId: string; appliedCents: number }[];
  /** The remainder, credited to the resident's spendable account. */
  creditedCents: number;
  /** The input chargebacks with recoveredCents updated (same order). */
  chargebacks: Chargeback[];
}

export type MoneyOrderError = DomainError<'invalid_amount'>;

/**
 * Applies a money order from C to R: it first settles C's outstanding chargebacks to R (oldest
 * first, whatever their kind), and the remainder is credited to R. Cents are conserved:
 * sum(applied) + credited = amount.
 */
export function applyMoneyOrder(
  chargebacks: readonly Chargeback[],
  order: MoneyOrder,
): Result<MoneyOrderApplication, MoneyOrderError> {
  if (!isCount(order.amountCents) || order.amountCents === 0) {
    return err({ code: 'invalid_amount', message: 'amount must be a whole number of cents > 0' });
  }
  let left = order.amountCents;
  const applied = new Map<string, number>();
  for (const cb of pairOutstanding(chargebacks, order.customerId, order.residentId)) {
    if (left === 0) break;
    const cents = Math.min(left, cb.amountCents - cb.recoveredCents);
    applied.set(cb.id, cents);
    left -= cents;
  }
  return ok({
    settlements: [...applied].map(([chargebackId, appliedCents]) => ({
      chargebackId,
      appliedCents,
    })),
    creditedCents: left,
    chargebacks: chargebacks.map((cb) => {
      const cents = applied.get(cb.id);
      return cents === undefined ? cb : { ...cb, recoveredCents: cb.recoveredCents + cents };
    }),
  });
}

/** Marks a chargeback resolved otherwise than by recovery; its blocks lift. Idempotent. */
export function resolveChargeback(
  chargeback: Chargeback,
  at: string,
): Result<Chargeback, DomainError<'invalid_instant'>> {
  if (parseInstant(at) === null) {
    return err({ code: 'invalid_instant', message: `not an ISO-8601 instant: ${at}` });
  }
  return ok(chargeback.resolvedAt === null ? { ...chargeback, resolvedAt: at } : chargeback);
}
