import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMoney, parseDollars } from './format';

describe('amounts typed at the lobby kiosk', () => {
  it('round-trips every whole-cent amount written as dollars', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999 }), (cents) => {
        const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
        expect(parseDollars(text)).toBe(cents);
      }),
    );
  });

  it('refuses anything that is not a positive amount with at most two decimals', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const cents = parseDollars(text);
        if (cents === null) return;
        expect(Number.isSafeInteger(cents) && cents > 0).toBe(true);
        expect(text.trim()).toMatch(/^\d+(\.\d{1,2})?$/);
      }),
    );
    for (const bad of ['', '0', '0.00', '-5', '1.234', '1e3', '12,50', '$5', '.5']) {
      expect(parseDollars(bad), bad).toBeNull();
    }
  });

  it('shows cents as dollars in both languages', () => {
    expect(formatMoney(1250, 'en')).toBe('$12.50');
    expect(formatMoney(1250, 'es')).toMatch(/12\.50/);
  });
});
