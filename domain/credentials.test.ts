import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadgeTokenSchema, DocNumberSchema, PinSchema, StateCodeSchema } from './formats';
import { ResidentLoginSchema } from './credentials';

describe('login formats (docs/rules.md People: state + DOC number, PIN, badge)', () => {
  it('state is two capital letters; input is trimmed and upper-cased', () => {
    expect(StateCodeSchema.parse(' fl ')).toBe('FL');
    for (const bad of ['F', 'FLA', 'F1', ''])
      expect(StateCodeSchema.safeParse(bad).success).toBe(false);
  });

  it('DOC number is alphanumeric, 1 to 12 characters', () => {
    expect(DocNumberSchema.parse('s123456')).toBe('S123456');
    expect(DocNumberSchema.safeParse('A'.repeat(12)).success).toBe(true);
    for (const bad of ['', 'A'.repeat(13), 'S-123', 'S 123', 'Ñ123']) {
      expect(DocNumberSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('PIN is 4 to 8 digits', () => {
    for (const good of ['0000', '12345678']) expect(PinSchema.safeParse(good).success).toBe(true);
    for (const bad of ['123', '123456789', '12a4', ' 1234', '١٢٣٤']) {
      expect(PinSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('badge token matches ^[A-Z0-9-]{6,32}$', () => {
    expect(BadgeTokenSchema.safeParse('FL-S123456').success).toBe(true);
    for (const bad of ['ABC12', 'A'.repeat(33), 'fl-s123456', 'FL_S123456']) {
      expect(BadgeTokenSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('a login is DOC number + PIN or badge + PIN', () => {
    expect(
      ResidentLoginSchema.parse({
        method: 'doc',
        resident: { state: 'fl', docNumber: 's123456' },
        pin: '1234',
      }),
    ).toEqual({ method: 'doc', resident: { state: 'FL', docNumber: 'S123456' }, pin: '1234' });
    expect(
      ResidentLoginSchema.safeParse({ method: 'badge', badgeToken: 'X', pin: '1' }).success,
    ).toBe(false);
  });

  it('never accepts a PIN that is not all ASCII digits (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        expect(PinSchema.safeParse(text).success).toBe(/^[0-9]{4,8}$/.test(text));
      }),
    );
  });
});
