import { describe, expect, it } from 'vitest';
import sample from '../assets/facility.sample.json';
import { FacilityConfigSchema } from './facility';
import { FACILITY_SERVICES, DEPOSIT_CHANNELS } from './types';

describe('assets/facility.sample.json', () => {
  const facility = FacilityConfigSchema.parse(sample);

  it('parses with FacilityConfigSchema and offers every service (docs/rules.md: Facility)', () => {
    expect([...facility.services].sort()).toEqual([...FACILITY_SERVICES].sort());
    expect(facility.prepaidReplyStamps).toBe(true);
  });

  it('has three bundles, a fee band for every channel, a discount and a sweepstakes', () => {
    expect(facility.stampBundles).toHaveLength(3);
    for (const channel of DEPOSIT_CHANNELS) {
      expect(facility.feeSchedule.some((band) => band.channel === channel)).toBe(true);
    }
    expect(facility.promotions.map((promotion) => promotion.kind).sort()).toEqual([
      'discount',
      'sweepstakes',
    ]);
  });

  it('is refused with a clear error when a field is wrong', () => {
    const broken = FacilityConfigSchema.safeParse({ ...sample, state: 'Florida' });
    expect(broken.success).toBe(false);
    expect(broken.error?.issues[0]?.path).toEqual(['state']);
  });
});
