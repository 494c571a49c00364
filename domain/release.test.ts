import { describe, expect, it } from 'vitest';
import { ReleaseFormSchema, transitionRelease } from './release';

const form = {
  agencyAddress:
    'Florida Department of Corrections, 501 South Calhoun Street, Tallahassee, FL 32399',
  firstName: 'Ana',
  lastName: 'García',
  state: 'fl',
  docNumber: 's123456',
  tabletSerial: 'TAB-0042',
  phone: '+1 (850) 555-0142',
  returnAddress: '12 Palm Ave, Miami, FL 33101',
};

describe('release and unlock (docs/rules.md Tablets: requested, received, unlocked, shipped back)', () => {
  it('moves one step at a time', () => {
    expect(transitionRelease('requested', 'received')).toEqual({ ok: true, value: 'received' });
    expect(transitionRelease('received', 'unlocked').ok).toBe(true);
    expect(transitionRelease('unlocked', 'shipped_back').ok).toBe(true);
  });

  it('refuses skipped or backward steps with a typed error', () => {
    expect(transitionRelease('requested', 'unlocked')).toMatchObject({
      ok: false,
      error: { code: 'illegal_transition', from: 'requested', to: 'unlocked' },
    });
    expect(transitionRelease('shipped_back', 'requested').ok).toBe(false);
  });

  it('the form carries every field docs/rules.md lists, normalized', () => {
    expect(ReleaseFormSchema.parse(form)).toEqual({ ...form, state: 'FL', docNumber: 'S123456' });
  });

  it('refuses a missing field or a bad telephone with a clear error', () => {
    const missing = ReleaseFormSchema.safeParse({ ...form, returnAddress: ' ' });
    expect(missing.error?.issues[0]?.path).toEqual(['returnAddress']);
    for (const phone of ['call me', '12345', '+1 850 555 0142 0000 1111']) {
      expect(ReleaseFormSchema.safeParse({ ...form, phone }).success).toBe(false);
    }
  });
});
