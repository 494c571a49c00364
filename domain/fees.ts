import type { FacilityConfig, FeeBand } from './facility';
import { basisPointsOf } from './money';
import { err, isCount, ok, type DomainError, type Result } from './result';
import {
  CARD_BRANDS,
  DEPOSIT_CHANNELS,
  type CardBrand,
  type CardFunding,
  type DepositChannel,
} from './types';

/**
 * docs/rules.md "Money": the deposit fee per facility, channel and amount (shown before the customer
 * confirms), the deposit limits, and the card checks (Visa and Mastercard only; warn on credit
 * and prepaid cards). Card numbers never reach the domain: callers pass brand and funding.
 */

type FeeFacility = Pick<FacilityConfig, 'services' | 'feeSchedule'>;

export interface DepositQuote {
  channel: DepositChannel;
  amountCents: number;
  /** flatCents + percent of the amount, the percent part rounded half up (see basisPointsOf). */
  feeCents: number;
  /** What the customer pays: amount + fee. The resident receives the amount. */
  totalCents: number;
  band: FeeBand;
}

export interface DepositLimits {
  minCents: number;
  maxCents: number;
}

export type DepositFeeError =
  | DomainError<'invalid_amount'>
  | DomainError<'money_not_offered'>
  | (DomainError<'channel_unavailable'> & { channel: DepositChannel })
  | (DomainError<'below_minimum'> & DepositLimits)
  | (DomainError<'above_maximum'> & DepositLimits);

/** The smallest and largest deposit on a channel, from its fee bands; null when it has none. */
export function depositLimits(
  facility: FeeFacility,
  channel: DepositChannel,
): DepositLimits | null {
  const bands = facility.feeSchedule.filter((band) => band.channel === channel);
  if (bands.length === 0) return null;
  return {
    minCents: Math.min(...bands.map((band) => band.minCents)),
    maxCents: Math.max(...bands.map((band) => band.maxCents)),
  };
}

/**
 * Quotes a deposit. The first band (in schedule order) whose [minCents, maxCents] holds the
 * amount applies; an amount inside the limits but between bands means the channel is not
 * available for that amount.
 */
export function depositFee(
  facility: FeeFacility,
  channel: DepositChannel,
  amountCents: number,
): Result<DepositQuote, DepositFeeError> {
  if (!isCount(amountCents) || amountCents === 0) {
    return err({ code: 'invalid_amount', message: 'amount must be a whole number of cents > 0' });
  }
  if (!facility.services.includes('money')) {
    return err({ code: 'money_not_offered', message: 'this facility does not offer deposits' });
  }
  const limits = depositLimits(facility, channel);
  if (limits && amountCents < limits.minCents) {
    return err({
      code: 'below_minimum',
      message: `minimum is ${limits.minCents} cents`,
      ...limits,
    });
  }
  if (limits && amountCents > limits.maxCents) {
    return err({
      code: 'above_maximum',
      message: `maximum is ${limits.maxCents} cents`,
      ...limits,
    });
  }
  const band = facility.feeSchedule.find(
    (candidate) =>
      candidate.channel === channel &&
      candidate.minCents <= amountCents &&
      amountCents <= candidate.maxCents,
  );
  if (!band) {
    return err({
      code: 'channel_unavailable',
      message: `${channel} is not available for ${amountCents} cents here`,
      channel,
    });
  }
  const feeCents = band.flatCents + basisPointsOf(amountCents, band.percentBasisPoints);
  return ok({ channel, amountCents, feeCents, totalCents: amountCents + feeCents, band });
}

/**
 * The deposit that kiosk bills make when they fell short of the total the person chose (a cancel
 * or a walk-away after inserting bills). Inserted money is never lost: the largest amount whose
 * fee the bills still cover sets the fee, and everything else the bills hold is credited (no
 * change is given). Bills that cover no allowed amount plus its fee are credited whole, without
 * a fee. Per band the total grows with the amount, so each band is searched by bisection.
 */
export function shortCashDeposit(
  facility: FeeFacility,
  insertedCents: number,
): { amountCents: number; feeCents: number } {
  let feeCents: number | null = null;
  let best = 0;
  for (const band of facility.feeSchedule.filter((b) => b.channel === 'kiosk_cash')) {
    const totalFor = (amount: number) => {
      const fee = depositFee(facility, 'kiosk_cash', amount);
      return fee.ok && fee.value.band === band ? fee.value : null;
    };
    let low = band.minCents;
    let high = Math.min(band.maxCents, insertedCents);
    if (low > high || !totalFor(low) || totalFor(low)!.totalCents > insertedCents) continue;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      const quote = totalFor(middle);
      if (quote && quote.totalCents <= insertedCents) low = middle;
      else high = middle - 1;
    }
    if (low > best) {
      best = low;
      feeCents = totalFor(low)!.feeCents;
    }
  }
  return feeCents === null
    ? { amountCents: insertedCents, feeCents: 0 }
    : { amountCents: insertedCents - feeCents, feeCents };
}

/** Channels with a fee band for this amount at this facility (before any chargeback block). */
export function depositChannelsFor(facility: FeeFacility, amountCents: number): DepositChannel[] {
  return DEPOSIT_CHANNELS.filter((channel) => depositFee(facility, channel, amountCents).ok);
}

type CardWarning = 'credit_cash_advance_fee' | 'prepaid_may_decline';

export interface CardAssessment {
  brand: CardBrand;
  /** Shown before confirming; null for debit and for cards whose funding the issuer did not say. */
  warning: CardWarning | null;
  /** Whether the screen should suggest paying with a debit card instead. */
  suggestDebit: boolean;
}

export type CardError = DomainError<'card_brand_not_accepted'> & { brand: string };

/** Accepts Visa and Mastercard only, and warns on credit (cash-advance fee) and prepaid cards. */
export function assessCard(card: {
  brand: string;
  funding: CardFunding;
}): Result<CardAssessment, CardError> {
  const brand = CARD_BRANDS.find((accepted) => accepted === card.brand.toLowerCase());
  if (!brand) {
    return err({
      code: 'card_brand_not_accepted',
      message: `only Visa and Mastercard are accepted, not ${card.brand}`,
      brand: card.brand,
    });
  }
  const warning: CardWarning | null =
    card.funding === 'credit'
      ? 'credit_cash_advance_fee'
      : card.funding === 'prepaid'
        ? 'prepaid_may_decline'
        : null;
  return ok({ brand, warning, suggestDebit: warning !== null });
}
