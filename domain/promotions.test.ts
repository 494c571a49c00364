import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import sample from '../assets/facility.sample.json';
import { FacilityConfigSchema, type Promotion } from './facility';
import { activePromotions, bundlePrice, bundlePrices } from './promotions';

const facility = FacilityConfigSchema.parse(sample);
const holiday = '2026-12-01T12:00:00Z';

function discount(id: string, bp: number, bundleIds?: string[]): Promotion {
  return {
    id,
    kind: 'discount',
    title: { en: id, es: id },
    description: { en: id, es: id },
    startsAt: '2026-12-01T00:00:00Z',
    endsAt: '2026-12-02T00:00:00Z',
    discountBasisPoints: bp,
    ...(bundleIds ? { bundleIds } : {}),
  };
}

describe('activePromotions (docs/rules.md Promotions: per facility, time-bounded)', () => {
  it('includes the start instant and excludes the end instant', () => {
    const ids = (now: string) => {
      const result = activePromotions(facility, now);
      return result.ok ? result.value.map((p) => p.id) : null;
    };
    expect(ids('2026-11-20T05:00:00Z')).toEqual(['holiday-2026', 'sweepstakes-2026-2027']);
    expect(ids('2026-11-20T04:59:59.999Z')).toEqual(['sweepstakes-2026-2027']);
    expect(ids('2027-01-16T05:00:00Z')).toEqual(['sweepstakes-2026-2027']);
    expect(ids('2027-06-01T04:00:00Z')).toEqual([]);
  });

  it('refuses a bad instant with a typed error', () => {
    expect(activePromotions(facility, 'now')).toMatchObject({
      ok: false,
      error: { code: 'invalid_instant' },
    });
  });
});

describe('bundlePrice (docs/rules.md Promotions: discounts apply automatically at purchase)', () => {
  it('applies a running discount to the bundles it names, rounded half up', () => {
    // 15% of 700 = 105; 15% of 1800 = 270
    expect(bundlePrice(facility, 'bundle-20', holiday)).toMatchObject({
      ok: true,
      value: { listPriceCents: 700, discountCents: 105, priceCents: 595 },
    });
    expect(bundlePrice(facility, 'bundle-60', holiday)).toMatchObject({
      ok: true,
      value: { discountCents: 270, priceCents: 1530 },
    });
  });

  it('leaves bundles outside the filter, and every bundle outside the dates, at list price', () => {
    expect(bundlePrice(facility, 'bundle-5', holiday)).toMatchObject({
      ok: true,
      value: { discountCents: 0, priceCents: 200, promotion: null },
    });
    expect(bundlePrice(facility, 'bundle-20', '2027-02-01T00:00:00Z')).toMatchObject({
      ok: true,
      value: { priceCents: 700, promotion: null },
    });
  });

  it('never discounts through a sweepstakes', () => {
    const onlySweepstakes = {
      ...facility,
      promotions: facility.promotions.filter((p) => p.kind === 'sweepstakes'),
    };
    expect(bundlePrice(onlySweepstakes, 'bundle-60', holiday)).toMatchObject({
      ok: true,
      value: { discountCents: 0 },
    });
  });

  it('picks the best of several applicable discounts', () => {
    const stacked = {
      ...facility,
      promotions: [
        discount('small', 1000),
        discount('big', 2500, ['bundle-5']),
        discount('mid', 2000),
      ],
    };
    const prices = bundlePrices(stacked, holiday);
    expect(
      prices.ok && prices.value.map((q) => [q.bundle.id, q.promotion?.id, q.priceCents]),
    ).toEqual([
      ['bundle-5', 'big', 150],
      ['bundle-20', 'mid', 560],
      ['bundle-60', 'mid', 1440],
    ]);
  });

  it('rounds half a cent up', () => {
    const odd = {
      ...facility,
      stampBundles: [{ id: 'odd', stamps: 3, priceCents: 111 }],
      promotions: [discount('half', 5000)],
    };
    // 50% of 111 = 55.5 -> 56 off
    expect(bundlePrice(odd, 'odd', holiday)).toMatchObject({
      ok: true,
      value: { discountCents: 56, priceCents: 55 },
    });
  });

  it('refuses an unknown bundle with a typed error', () => {
    expect(bundlePrice(facility, 'bundle-999', holiday)).toMatchObject({
      ok: false,
      error: { code: 'unknown_bundle', bundleId: 'bundle-999' },
    });
  });

  it('price + discount = list price and the price is never negative (property)', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.integer({ min: 1, max: 10_000 }), (priceCents, bp) => {
        const config = {
          stampBundles: [{ id: 'b', stamps: 1, priceCents }],
          promotions: [discount('p', bp)],
        };
        const result = bundlePrice(config, 'b', holiday);
        if (!result.ok) throw new Error(result.error.message);
        expect(result.value.priceCents).toBeGreaterThanOrEqual(0);
        expect(result.value.priceCents + result.value.discountCents).toBe(priceCents);
      }),
    );
  });
});
