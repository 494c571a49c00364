import type { Locale } from '../domain/types';

const tag = (locale: Locale) => (locale === 'es' ? 'es-US' : 'en-US');

/** Integer cents as dollars in the reader's language, e.g. $12.50. */
export function formatMoney(cents: number, locale: Locale): string {
  return new Intl.NumberFormat(tag(locale), { style: 'currency', currency: 'USD' }).format(
    cents / 100,
  );
}

export function formatDateTime(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(tag(locale), { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

export function formatDate(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(tag(locale), { dateStyle: 'medium' }).format(new Date(iso));
}

/** Dollars typed on a keypad ("12", "12.5", "12.50") to cents; null when not a valid amount. */
export function parseDollars(text: string): number | null {
  const match = /^(\d{1,6})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return cents > 0 ? cents : null;
}
