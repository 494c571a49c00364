import { z } from 'zod';
import type { FacilityConfig } from './facility';
import { err, isCount, ok, type DomainError, type Result } from './result';
import { STAMP_FEATURES, type StampFeature } from './types';

/**
 * docs/rules.md "Stamps": what a message costs, how prepaid reply stamps pay for a reply, and the
 * balance arithmetic behind offline reservations.
 */

/** How many of each stamp-priced feature a message carries, e.g. { email: 1, photo: 3 }. */
const MessageItemsSchema = z
  .partialRecord(z.enum(STAMP_FEATURES), z.number().int().min(0).max(1000))
  .refine((items) => Object.values(items).some((count) => (count ?? 0) > 0), {
    message: 'a message must contain at least one stamp-priced item',
  });
export type MessageItems = Partial<Record<StampFeature, number>>;

interface StampLine {
  feature: StampFeature;
  quantity: number;
  unitStamps: number;
  stamps: number;
}

export interface StampCost {
  /** One line per feature present, in STAMP_FEATURES order. */
  lines: StampLine[];
  totalStamps: number;
}

export type StampCostError =
  | (DomainError<'invalid_items'> & { issues: string[] })
  | (DomainError<'feature_not_offered'> & { feature: StampFeature });

/** Itemized stamp cost of a message at a facility; refuses features the facility does not offer. */
export function stampCost(
  facility: Pick<FacilityConfig, 'services' | 'stampCosts'>,
  items: MessageItems,
): Result<StampCost, StampCostError> {
  const parsed = MessageItemsSchema.safeParse(items);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => issue.message);
    return err({ code: 'invalid_items', message: issues.join('; '), issues });
  }
  const lines: StampLine[] = [];
  for (const feature of STAMP_FEATURES) {
    const quantity = parsed.data[feature] ?? 0;
    if (quantity === 0) continue;
    if (!facility.services.includes(feature)) {
      return err({
        code: 'feature_not_offered',
        message: `this facility does not offer ${feature}`,
        feature,
      });
    }
    const unitStamps = facility.stampCosts[feature];
    lines.push({ feature, quantity, unitStamps, stamps: unitStamps * quantity });
  }
  return ok({ lines, totalStamps: lines.reduce((sum, line) => sum + line.stamps, 0) });
}

/** Prepaid reply stamps a resident holds, per customer id who attached them. */
export type PrepaidHoldings = Readonly<Record<string, number>>;

export interface StampSplit {
  /** Prepaid reply stamps taken from the recipient customer's holding. */
  prepaidUsed: number;
  /** Stamps still to pay from the resident's regular balance. */
  regularNeeded: number;
}

export type StampSplitError = DomainError<'invalid_amount'>;

/**
 * Splits a reply's cost between prepaid reply stamps and regular stamps. Prepaid stamps from
 * customer X pay only for a message to X, and only where the facility allows prepaid reply
 * stamps; they are used first, because they can pay for nothing else.
 */
export function splitStampPayment(
  facility: Pick<FacilityConfig, 'prepaidReplyStamps'>,
  holdings: PrepaidHoldings,
  recipientCustomerId: string,
  costStamps: number,
): Result<StampSplit, StampSplitError> {
  if (!isCount(costStamps)) {
    return err({ code: 'invalid_amount', message: `cost must be a whole number >= 0` });
  }
  const held = Object.hasOwn(holdings, recipientCustomerId) ? holdings[recipientCustomerId] : 0;
  if (!isCount(held)) {
    return err({ code: 'invalid_amount', message: `prepaid holding must be a whole number >= 0` });
  }
  const prepaidUsed = facility.prepaidReplyStamps ? Math.min(held, costStamps) : 0;
  return ok({ prepaidUsed, regularNeeded: costStamps - prepaidUsed });
}

/**
 * A balance as a device sees it: `confirmed` is the authoritative server balance, `reserved`
 * the local spends not yet confirmed. Works for stamps and for cents alike.
 */
export interface Balance {
  confirmed: number;
  reserved: number;
}

export type BalanceError =
  | DomainError<'invalid_amount'>
  | DomainError<'invalid_balance'>
  | (DomainError<'insufficient_balance'> & { available: number; requested: number })
  | (DomainError<'reservation_exceeded'> & { reserved: number; requested: number });

/** available = confirmed - reserved, never below zero. */
export function availableBalance(balance: Balance): number {
  return Math.max(0, balance.confirmed - balance.reserved);
}

function checkInputs(balance: Balance, amount: number): BalanceError | null {
  if (!isCount(balance.confirmed) || !isCount(balance.reserved)) {
    return { code: 'invalid_balance', message: 'balance parts must be whole numbers >= 0' };
  }
  if (!isCount(amount) || amount === 0) {
    return { code: 'invalid_amount', message: 'amount must be a whole number > 0' };
  }
  return null;
}

function availabilityCheck(balance: Balance, amount: number): BalanceError | null {
  const available = availableBalance(balance);
  return amount > available
    ? {
        code: 'insufficient_balance',
        message: `requested ${amount}, only ${available} available`,
        available,
        requested: amount,
      }
    : null;
}

/** Reserves `amount` for an offline send; refused when more than is available. */
export function reserveBalance(balance: Balance, amount: number): Result<Balance, BalanceError> {
  const refused = checkInputs(balance, amount) ?? availabilityCheck(balance, amount);
  if (refused) return err(refused);
  return ok({ confirmed: balance.confirmed, reserved: balance.reserved + amount });
}

/** The server confirmed a reserved spend: it leaves both the reservation and the balance. */
export function confirmReservation(
  balance: Balance,
  amount: number,
): Result<Balance, BalanceError> {
  const invalid = checkInputs(balance, amount) ?? reservationCheck(balance, amount);
  if (invalid) return err(invalid);
  if (amount > balance.confirmed) {
    return err({
      code: 'insufficient_balance',
      message: `confirming ${amount} would take the balance below zero`,
      available: balance.confirmed,
      requested: amount,
    });
  }
  return ok({ confirmed: balance.confirmed - amount, reserved: balance.reserved - amount });
}

/** The server refused a reserved spend: the reservation returns to the available balance. */
export function releaseReservation(
  balance: Balance,
  amount: number,
): Result<Balance, BalanceError> {
  const invalid = checkInputs(balance, amount) ?? reservationCheck(balance, amount);
  if (invalid) return err(invalid);
  return ok({ confirmed: balance.confirmed, reserved: balance.reserved - amount });
}

function reservationCheck(balance: Balance, amount: number): BalanceError | null {
  return amount > balance.reserved
    ? {
        code: 'reservation_exceeded',
        message: `only ${balance.reserved} is reserved, cannot settle ${amount}`,
        reserved: balance.reserved,
        requested: amount,
      }
    : null;
}

/** An immediate spend (online, authoritative side): refused when more than is available. */
export function spendBalance(balance: Balance, amount: number): Result<Balance, BalanceError> {
  const refused = checkInputs(balance, amount) ?? availabilityCheck(balance, amount);
  if (refused) return err(refused);
  return ok({ confirmed: balance.confirmed - amount, reserved: balance.reserved });
}
