import { describe, expect, it } from 'vitest';
import { en } from './en';
import { es } from './es';
import { createI18n } from '.';

/** Every leaf as [dotted key, text]. */
function leaves(tree: object, prefix = ''): Array<[string, string]> {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string'
      ? [[`${prefix}${key}`, value] as [string, string]]
      : leaves(value as object, `${prefix}${key}.`),
  );
}

const placeholders = (text: string) =>
  [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  const english = new Map(leaves(en));
  const spanish = new Map(leaves(es));

  it('have the same keys in English and Spanish', () => {
    expect([...spanish.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('have no empty texts', () => {
    for (const [key, text] of [...english, ...spanish]) {
      expect(text.trim(), key).not.toBe('');
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, text] of english) {
      expect(placeholders(spanish.get(key) ?? ''), key).toEqual(placeholders(text));
    }
  });

  it('switch language at runtime', async () => {
    const i18n = createI18n('en');
    expect(i18n.t('nav.inbox')).toBe('Inbox');
    await i18n.changeLanguage('es');
    expect(i18n.t('nav.inbox')).toBe('Bandeja');
    expect(i18n.t('login.wrongPin', { count: 2 })).toContain('2');
  });
});
