import { describe, expect, it } from 'vitest';
import { FACILITY_SERVICES, STAMP_FEATURES } from './types';

describe('facility services', () => {
  it('include every stamp-priced feature plus money and video visits (docs/rules.md: Facility)', () => {
    for (const feature of STAMP_FEATURES) expect(FACILITY_SERVICES).toContain(feature);
    expect(FACILITY_SERVICES).toContain('money');
    expect(FACILITY_SERVICES).toContain('video_visit');
  });
});
