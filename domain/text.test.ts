import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldText, toMatchable, visibleLine, visibleText } from './text';

describe('toMatchable (moderation: case-, accent-insensitive, simple obfuscation)', () => {
  it('folds case, accents and fullwidth letters', () => {
    expect(toMatchable('CABRÓN ｆｕｃｋ Ñandú').text).toBe('cabron fuck nandu');
    expect(foldText('Pantalla Rota')).toBe('pantalla rota');
  });

  it('maps back a text that folds longer than it is', () => {
    const original = `${'ﬁ'.repeat(40)} K1LL`; // each ligature folds to two letters
    const { text, starts, ends } = toMatchable(original);
    expect(text).toBe(`${'fi'.repeat(40)} kill`);
    expect([starts[79], ends[79], starts[81], ends[84]]).toEqual([39, 40, 41, 45]);
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

describe('visibleLine and visibleText (names, subjects and bodies show what they say)', () => {
  const BIDI = [
    '\u202a',
    '\u202b',
    '\u202c',
    '\u202d',
    '\u202e',
    '\u2066',
    '\u2067',
    '\u2068',
    '\u2069',
  ];
  const OTHER_INVISIBLE = [
    '\u200b',
    '\u200e',
    '\u200f',
    '\u061c',
    '\ufeff',
    '\u00ad',
    '\u2060',
    '\u{e0041}',
    '\u3164',
    '\u0007',
  ];

  it('removes every bidi control, so a right-to-left override cannot reverse what follows', () => {
    expect(visibleLine('Invoice \u202Efdp.exe')).toBe('Invoice fdp.exe');
    for (const mark of BIDI) expect(visibleLine(`a${mark}b`)).toBe('ab');
    expect(visibleText('I will \u202Ekill\u202C you')).toBe('I will kill you');
  });

  it('removes zero-width, directional marks, BOM, soft hyphens, tags, fillers and controls', () => {
    for (const mark of OTHER_INVISIBLE) expect(visibleLine(`Ana${mark}Lopez`)).toBe('AnaLopez');
  });

  it('keeps joiners (emoji sequences), accents and scripts; a line becomes one line', () => {
    const family = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}';
    expect(visibleLine(`Familia ${family}`)).toBe(`Familia ${family}`);
    expect(visibleLine('  José\u2028Ñúñez \n\t  ')).toBe('José Ñúñez');
    expect(visibleText('Hola\r\n\tmamá\u2029adiós')).toBe('Hola\n\tmamá\nadiós');
  });

  it('leaves no invisible format or control character in any string, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const line = visibleLine(text);
        const invisible = (kept: string) =>
          [...text].filter((c) => /[\p{Cf}\p{Cc}]/u.test(c) && !kept.includes(c));
        expect(invisible('\u200c\u200d').filter((c) => line.includes(c))).toEqual([]);
        expect(visibleLine(line)).toBe(line);
        const body = visibleText(text);
        expect(invisible('\u200c\u200d\t\n').filter((c) => body.includes(c))).toEqual([]);
        expect(visibleText(body)).toBe(body);
      }),
    );
  });
});
