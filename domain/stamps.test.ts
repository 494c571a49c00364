import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import sample from '../assets/facility.sample.json';
import { FacilityConfigSchema } from './facility';
import {
  availableBalance,
  confirmReservation,
  releaseReservation,
  reserveBalance,
  spendBalance,
  splitStampPayment,
  stampCost,
  type Balance,
} from './stamps';

const facility = FacilityConfigSchema.parse(sample);

describe('stampCost (docs/rules.md Stamps: each feature costs stamps set per facility)', () => {
  it('itemizes an email with photos and a VideoGram and totals it', () => {
    const result = stampCost(facility, { email: 1, photo: 3, videogram: 1 });
    expect(result).toEqual({
      ok: true,
      value: {
        lines: [
          { feature: 'email', quantity: 1, unitStamps: 1, stamps: 1 },
          { feature: 'photo', quantity: 3, unitStamps: 1, stamps: 3 },
          { feature: 'videogram', quantity: 1, unitStamps: 4, stamps: 4 },
        ],
        totalStamps: 8,
      },
    });
  });

  it('uses the facility’s own prices', () => {
    const pricier = { ...facility, stampCosts: { ...facility.stampCosts, ecard: 5 } };
    const result = stampCost(pricier, { ecard: 2 });
    expect(result.ok && result.value.totalStamps).toBe(10);
  });

  it('refuses a feature the facility does not offer (docs/rules.md: services vary by location)', () => {
    const noVideo = { ...facility, services: facility.services.filter((s) => s !== 'videogram') };
    const result = stampCost(noVideo, { email: 1, videogram: 1 });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toMatchObject({ code: 'feature_not_offered', feature: 'videogram' });
  });

  it('refuses an empty message, negative, fractional and unknown items with a typed error', () => {
    for (const items of [{}, { photo: -1 }, { photo: 1.5 }, { email: 0 }, { fax: 1 }] as never[]) {
      const result = stampCost(facility, items);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('invalid_items');
    }
  });
});

describe('splitStampPayment (docs/rules.md: prepaid reply stamps only reply to that customer)', () => {
  it('pays a reply to the customer who attached them with prepaid stamps first', () => {
    expect(splitStampPayment(facility, { alice: 2, bob: 9 }, 'alice', 5)).toEqual({
      ok: true,
      value: { prepaidUsed: 2, regularNeeded: 3 },
    });
  });

  it('never uses another customer’s prepaid stamps', () => {
    expect(splitStampPayment(facility, { bob: 9 }, 'alice', 3)).toEqual({
      ok: true,
      value: { prepaidUsed: 0, regularNeeded: 3 },
    });
  });

  it('ignores prepaid stamps where the facility does not allow them', () => {
    const off = { prepaidReplyStamps: false };
    expect(splitStampPayment(off, { alice: 9 }, 'alice', 3)).toEqual({
      ok: true,
      value: { prepaidUsed: 0, regularNeeded: 3 },
    });
  });

  it('does not read inherited properties as holdings', () => {
    const result = splitStampPayment(facility, {}, 'constructor', 2);
    expect(result).toEqual({ ok: true, value: { prepaidUsed: 0, regularNeeded: 2 } });
  });

  it('refuses a bad cost or holding with a typed error', () => {
    expect(splitStampPayment(facility, {}, 'alice', -1)).toMatchObject({
      ok: false,
      error: { code: 'invalid_amount' },
    });
    expect(splitStampPayment(facility, { alice: 0.5 }, 'alice', 1)).toMatchObject({
      ok: false,
      error: { code: 'invalid_amount' },
    });
  });

  it('never goes negative and always sums to the cost (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.nat(50)),
        fc.constantFrom('a', 'b', 'c'),
        fc.nat(100),
        fc.boolean(),
        (holdings, recipient, cost, allowed) => {
          const result = splitStampPayment(
            { prepaidReplyStamps: allowed },
            holdings,
            recipient,
            cost,
          );
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          const { prepaidUsed, regularNeeded } = result.value;
          expect(prepaidUsed).toBeGreaterThanOrEqual(0);
          expect(regularNeeded).toBeGreaterThanOrEqual(0);
          expect(prepaidUsed + regularNeeded).toBe(cost);
          expect(prepaidUsed).toBeLessThanOrEqual(holdings[recipient] ?? 0);
        },
      ),
    );
  });
});

describe('balance arithmetic (docs/rules.md: never negative, never spent twice, never lost)', () => {
  it('available = confirmed - reserved, never negative', () => {
    expect(availableBalance({ confirmed: 10, reserved: 3 })).toBe(7);
    expect(availableBalance({ confirmed: 2, reserved: 5 })).toBe(0);
  });

  it('refuses a reservation larger than available as a typed result', () => {
    expect(reserveBalance({ confirmed: 10, reserved: 8 }, 3)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'insufficient_balance', available: 2, requested: 3 }),
    });
  });

  it('a confirmed reservation leaves the balance; a refused one returns to available', () => {
    const reserved = reserveBalance({ confirmed: 10, reserved: 0 }, 4);
    expect(reserved).toEqual({ ok: true, value: { confirmed: 10, reserved: 4 } });
    if (!reserved.ok) return;
    expect(confirmReservation(reserved.value, 4)).toEqual({
      ok: true,
      value: { confirmed: 6, reserved: 0 },
    });
    expect(releaseReservation(reserved.value, 4)).toEqual({
      ok: true,
      value: { confirmed: 10, reserved: 0 },
    });
  });

  it('cannot settle more than is reserved (a stamp is never spent twice)', () => {
    expect(confirmReservation({ confirmed: 10, reserved: 2 }, 3)).toMatchObject({
      ok: false,
      error: { code: 'reservation_exceeded' },
    });
    expect(releaseReservation({ confirmed: 10, reserved: 2 }, 3)).toMatchObject({
      ok: false,
      error: { code: 'reservation_exceeded' },
    });
  });

  it('cannot confirm below zero when the server balance dropped under the reservation', () => {
    expect(confirmReservation({ confirmed: 1, reserved: 3 }, 3)).toMatchObject({
      ok: false,
      error: { code: 'insufficient_balance' },
    });
  });

  it('refuses bad amounts and balances with typed errors', () => {
    expect(spendBalance({ confirmed: 5, reserved: 0 }, 0)).toMatchObject({
      ok: false,
      error: { code: 'invalid_amount' },
    });
    expect(spendBalance({ confirmed: 5, reserved: 0 }, 1.5)).toMatchObject({
      ok: false,
      error: { code: 'invalid_amount' },
    });
    expect(spendBalance({ confirmed: -5, reserved: 0 }, 1)).toMatchObject({
      ok: false,
      error: { code: 'invalid_balance' },
    });
  });

  it('any sequence of operations keeps every part non-negative and conserves stamps (property)', () => {
    const op = fc.record({
      kind: fc.constantFrom('reserve', 'confirm', 'release', 'spend'),
      amount: fc.integer({ min: -2, max: 30 }),
    });
    fc.assert(
      fc.property(fc.nat(100), fc.array(op, { maxLength: 40 }), (start, ops) => {
        let balance: Balance = { confirmed: start, reserved: 0 };
        let spent = 0;
        for (const { kind, amount } of ops) {
          const apply = {
            reserve: reserveBalance,
            confirm: confirmReservation,
            release: releaseReservation,
            spend: spendBalance,
          }[kind];
          const result = apply(balance, amount);
          if (!result.ok) continue;
          if (kind === 'confirm' || kind === 'spend') spent += amount;
          balance = result.value;
          expect(balance.confirmed).toBeGreaterThanOrEqual(0);
          expect(balance.reserved).toBeGreaterThanOrEqual(0);
          expect(balance.reserved).toBeLessThanOrEqual(balance.confirmed);
        }
        expect(balance.confirmed + spent).toBe(start);
      }),
    );
  });
});
