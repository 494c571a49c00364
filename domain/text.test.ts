import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldText, toMatchable } from './text';

describe('toMatchable (moderation: case-, accent-insensitive, simple obfuscation)', () => {
  it('folds case, accents and fullwidth letters', () => {
    expect(toMatchable('CABRÓN ｆｕｃｋ Ñandú').text).toBe('cabron fuck nandu');
    expect(foldText('Pantalla Rota')).toBe('pantalla rota');
  });

  it('undoes digit-for-letter swaps inside words, not in numbers', () => {
    expect(toMatchable('sh1t @ss k1ll 100 4 kids').text).toBe('shit ass kill 100 4 kids');
  });

  it('turns punctuation into single spaces and shortens runs to three', () => {
    expect(toMatchable("I'll...   kiiiiiill!!").text).toBe('i ll kiiill ');
  });

  it('maps every normalized character back into the original (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (original) => {
        const { text, starts, ends } = toMatchable(original);
        expect(starts).toHaveLength(text.length);
        expect(ends).toHaveLength(text.length);
        for (let i = 0; i < text.length; i += 1) {
          expect(starts[i]).toBeGreaterThanOrEqual(i === 0 ? 0 : starts[i - 1]!);
          expect(ends[i]).toBeGreaterThan(starts[i]!);
          expect(ends[i]).toBeLessThanOrEqual(original.length);
        }
      }),
    );
  });
});
