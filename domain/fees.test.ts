import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import sample from '../assets/facility.sample.json';
import { FacilityConfigSchema } from './facility';
import {
  assessCard,
  depositChannelsFor,
  depositFee,
  depositLimits,
  shortCashDeposit,
} from './fees';
import { basisPointsOf } from './money';
import { CARD_FUNDING } from './types';

const facility = FacilityConfigSchema.parse(sample);

describe('basisPointsOf (rounding: half up to a whole cent, integer arithmetic)', () => {
  it('rounds half up', () => {
    expect(basisPointsOf(1100, 150)).toBe(17); // 16.5 -> 17
    expect(basisPointsOf(1033, 150)).toBe(15); // 15.495 -> 15
    expect(basisPointsOf(1034, 150)).toBe(16); // 15.51 -> 16
    expect(basisPointsOf(12345, 0)).toBe(0);
    expect(basisPointsOf(12345, 10_000)).toBe(12345);
  });

  it('is within half a cent of the exact value (property)', () => {
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.nat(10_000), (cents, bp) => {
        const exact = (cents * bp) / 10_000;
        const rounded = basisPointsOf(cents, bp);
        expect(Number.isInteger(rounded)).toBe(true);
        expect(rounded - exact).toBeLessThanOrEqual(0.5);
        expect(exact - rounded).toBeLessThan(0.5);
      }),
    );
  });
});

describe('depositFee (docs/rules.md Money: fees depend on facility, channel and amount)', () => {
  it('charges the flat fee of the band holding the amount, bounds inclusive', () => {
    for (const [amount, fee] of [
      [100, 295],
      [2000, 295],
      [2001, 495],
      [10000, 495],
    ] as const) {
      expect(depositFee(facility, 'bank_card', amount)).toMatchObject({
        ok: true,
        value: { feeCents: fee, totalCents: amount + fee },
      });
    }
  });

  it('adds the percent part, rounded half up', () => {
    // 695 flat + 1.5% of 10100 (151.5 -> 152)
    expect(depositFee(facility, 'bank_card', 10100)).toMatchObject({
      ok: true,
      value: { feeCents: 847, totalCents: 10947 },
    });
  });

  it('differs per channel', () => {
    const fee = (channel: 'money_order' | 'moneygram' | 'kiosk_cash') => {
      const result = depositFee(facility, channel, 5000);
      return result.ok ? result.value.feeCents : null;
    };
    expect([fee('money_order'), fee('moneygram'), fee('kiosk_cash')]).toEqual([0, 395, 195]);
  });

  it('enforces the min/max deposit limits of the channel', () => {
    expect(depositLimits(facility, 'bank_card')).toEqual({ minCents: 100, maxCents: 30000 });
    expect(depositFee(facility, 'bank_card', 99)).toMatchObject({
      ok: false,
      error: { code: 'below_minimum', minCents: 100 },
    });
    expect(depositFee(facility, 'bank_card', 30001)).toMatchObject({
      ok: false,
      error: { code: 'above_maximum', maxCents: 30000 },
    });
  });

  it('no band = channel not available for that amount', () => {
    const gappy = {
      ...facility,
      feeSchedule: facility.feeSchedule
        .filter((band) => band.channel !== 'moneygram' || band.minCents !== 100)
        .concat([
          {
            channel: 'moneygram',
            minCents: 100,
            maxCents: 1000,
            flatCents: 100,
            percentBasisPoints: 0,
          },
          {
            channel: 'moneygram',
            minCents: 5000,
            maxCents: 9000,
            flatCents: 100,
            percentBasisPoints: 0,
          },
        ]),
    };
    expect(depositFee(gappy, 'moneygram', 2000)).toMatchObject({
      ok: false,
      error: { code: 'channel_unavailable', channel: 'moneygram' },
    });
    const noKiosk = {
      ...facility,
      feeSchedule: facility.feeSchedule.filter((b) => b.channel !== 'kiosk_cash'),
    };
    expect(depositFee(noKiosk, 'kiosk_cash', 2000)).toMatchObject({
      ok: false,
      error: { code: 'channel_unavailable' },
    });
    expect(depositChannelsFor(noKiosk, 2000)).not.toContain('kiosk_cash');
    expect(depositChannelsFor(facility, 50000)).toEqual(['money_order']);
  });

  it('refuses bad amounts and facilities without money service', () => {
    for (const amount of [0, -100, 10.5, Number.NaN]) {
      expect(depositFee(facility, 'bank_card', amount)).toMatchObject({
        ok: false,
        error: { code: 'invalid_amount' },
      });
    }
    const noMoney = { ...facility, services: facility.services.filter((s) => s !== 'money') };
    expect(depositFee(noMoney, 'bank_card', 1000)).toMatchObject({
      ok: false,
      error: { code: 'money_not_offered' },
    });
  });

  it('total is always amount + fee, fee never negative (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200_000 }), (amount) => {
        const result = depositFee(facility, 'kiosk_card', amount);
        if (!result.ok) return;
        expect(result.value.feeCents).toBeGreaterThanOrEqual(0);
        expect(result.value.totalCents).toBe(amount + result.value.feeCents);
      }),
    );
  });
});

describe('assessCard (docs/rules.md Money: Visa or Mastercard only; warn on credit and prepaid)', () => {
  it('accepts Visa and Mastercard only', () => {
    expect(assessCard({ brand: 'visa', funding: 'debit' })).toEqual({
      ok: true,
      value: { brand: 'visa', warning: null, suggestDebit: false },
    });
    expect(assessCard({ brand: 'Mastercard', funding: 'debit' }).ok).toBe(true);
    for (const brand of ['amex', 'discover', 'jcb', '']) {
      expect(assessCard({ brand, funding: 'debit' })).toMatchObject({
        ok: false,
        error: { code: 'card_brand_not_accepted', brand },
      });
    }
  });

  it('warns a credit card may incur a cash-advance fee and suggests debit', () => {
    expect(assessCard({ brand: 'visa', funding: 'credit' })).toMatchObject({
      ok: true,
      value: { warning: 'credit_cash_advance_fee', suggestDebit: true },
    });
  });

  it('warns a prepaid card may be declined and suggests debit', () => {
    expect(assessCard({ brand: 'mastercard', funding: 'prepaid' })).toMatchObject({
      ok: true,
      value: { warning: 'prepaid_may_decline', suggestDebit: true },
    });
  });

  it('suggests debit exactly when funding is credit or prepaid', () => {
    for (const funding of CARD_FUNDING) {
      const result = assessCard({ brand: 'visa', funding });
      expect(result.ok && result.value.suggestDebit).toBe(
        funding === 'credit' || funding === 'prepaid',
      );
    }
  });
});

describe('shortCashDeposit (rules: cash inserted is never lost, no change is given)', () => {
  it('charges the fee of the largest amount the bills cover and credits the rest', () => {
    // $20 inserted toward $40.00: $18.05 + $1.95 fits exactly
    expect(shortCashDeposit(facility, 2000)).toEqual({ amountCents: 1805, feeCents: 195 });
    expect(shortCashDeposit(facility, 500)).toEqual({ amountCents: 305, feeCents: 195 });
  });

  it('credits bills that cover no amount plus its fee whole, without a fee', () => {
    expect(shortCashDeposit(facility, 100)).toEqual({ amountCents: 100, feeCents: 0 });
    expect(shortCashDeposit(facility, 200)).toEqual({ amountCents: 200, feeCents: 0 });
  });

  it('credits every inserted cent with the fee of the largest amount that fits (property)', () => {
    const banded = FacilityConfigSchema.parse({
      ...sample,
      feeSchedule: [
        { channel: 'kiosk_cash', minCents: 100, maxCents: 5000, flatCents: 150 },
        {
          channel: 'kiosk_cash',
          minCents: 5001,
          maxCents: 30000,
          flatCents: 50,
          percentBasisPoints: 250,
        },
      ],
    });
    /** The slow way: every amount from the bills down, the first whose total fits. */
    const bruteForceFee = (inserted: number) => {
      for (let amount = inserted; amount >= 1; amount -= 1) {
        const quote = depositFee(banded, 'kiosk_cash', amount);
        if (quote.ok && quote.value.totalCents <= inserted) return quote.value.feeCents;
      }
      return 0;
    };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12_000 }), (inserted) => {
        const { amountCents, feeCents } = shortCashDeposit(banded, inserted);
        expect(amountCents + feeCents).toBe(inserted);
        expect(feeCents).toBe(bruteForceFee(inserted));
      }),
      { numRuns: 60 },
    );
  });
});
