import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import knowledgeBase from '../assets/troubleshooting/knowledge-base.json';
import {
  CATEGORY_BOOST,
  KnowledgeBaseSchema,
  createTroubleshooter,
  searchTerms,
  stemWord,
  suggestTroubleshooting,
  troubleshooter,
} from './troubleshooting';
import { TICKET_CATEGORIES } from './types';

function topIds(description: string, options = {}) {
  const result = suggestTroubleshooting(description, options);
  if (!result.ok) throw new Error(result.error.message);
  return result.value.map((suggestion) => suggestion.entry.id);
}

describe('knowledge base (docs/rules.md Tablets: troubleshooting steps before a ticket)', () => {
  it('has at least 25 valid entries with unique ids, in English and Spanish', () => {
    const parsed = KnowledgeBaseSchema.parse(knowledgeBase);
    expect(parsed.entries.length).toBeGreaterThanOrEqual(25);
    for (const entry of parsed.entries) {
      expect(entry.steps.en.length).toBe(entry.steps.es.length);
      expect(entry.keywords.en.length).toBeGreaterThan(0);
      expect(entry.keywords.es.length).toBeGreaterThan(0);
    }
  });

  it('covers charging, sync, screen, audio, login, stamps, mail and media', () => {
    const categories = new Set(troubleshooter.entries.map((entry) => entry.category));
    for (const category of TICKET_CATEGORIES.filter((c) => c !== 'other')) {
      expect(categories).toContain(category);
    }
  });

  it('refuses a malformed knowledge base', () => {
    const [first] = knowledgeBase.entries;
    expect(KnowledgeBaseSchema.safeParse({ entries: [first, first] }).success).toBe(false);
    expect(
      KnowledgeBaseSchema.safeParse({ entries: [{ ...first, category: 'plumbing' }] }).success,
    ).toBe(false);
  });
});

describe('searchTerms', () => {
  it('folds case and accents, drops common words and stems plurals and verb endings', () => {
    expect([...searchTerms('My tablet is NOT charging')]).toEqual(['charg']);
    expect([...searchTerms('La tableta no está cargando')]).toEqual(['carg']);
    expect(stemWord('batteries')).toBe(stemWord('battery'));
    expect(stemWord('pantallas')).toBe(stemWord('pantalla'));
    expect(stemWord('cargadores')).toBe(stemWord('cargador'));
    expect(stemWord('rota')).toBe(stemWord('roto'));
    expect(stemWord('liberacion')).toBe(stemWord('liberado'));
  });
});

describe('suggestTroubleshooting (docs/rules.md Tablets: propose steps matching the description)', () => {
  it.each([
    ['My tablet is not charging', 'charging-no-charge'],
    ['la tableta no carga', 'charging-no-charge'],
    ['The screen is cracked', 'screen-cracked'],
    ['la pantalla está rota', 'screen-cracked'],
    ['I forgot my PIN', 'login-forgot-pin'],
    ['Mi cuenta está bloqueada', 'login-locked'],
    ['My mom sent me an email but it never arrived', 'mail-not-arriving'],
    ['No me llegan los correos de mi familia', 'mail-not-arriving'],
    ['Photos won’t load', 'media-photos-not-loading'],
    ['las fotos no cargan', 'media-photos-not-loading'],
    ['The stamps I bought are missing', 'stamps-not-added'],
    ['Sync is stuck at 50 percent', 'sync-stuck-progress'],
    ['No escucho nada, no hay sonido', 'audio-no-sound'],
    ['Me van a liberar, ¿qué hago con la tableta?', 'other-release-unlock'],
  ])('ranks the right entry first for "%s"', (description, expected) => {
    expect(topIds(description)[0]).toBe(expected);
  });

  it('returns scores, best first, at most `limit`', () => {
    const result = suggestTroubleshooting('screen cracked and no sound', { limit: 2 });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toHaveLength(2);
    expect(result.value[0]!.score).toBeGreaterThanOrEqual(result.value[1]!.score);
    expect(result.value[0]!.entry.id).toBe('screen-cracked');
  });

  it('boosts entries of the ticket’s category', () => {
    const plain = topIds('no sound in my headphones');
    const boosted = topIds('no sound in my headphones', { category: 'audio' });
    expect(boosted.every((id) => id.startsWith('audio-'))).toBe(true);
    expect(plain).toContain('audio-headphones');
    const score = (category?: 'media') => {
      const result = suggestTroubleshooting('the video has no sound', { category, limit: 20 });
      if (!result.ok) throw new Error(result.error.message);
      return result.value.find((s) => s.entry.id === 'media-videogram-wont-play')?.score ?? 0;
    };
    expect(score('media')).toBe(score() + CATEGORY_BOOST);
  });

  it('returns nothing for an empty, generic or nonsense description', () => {
    for (const description of ['', '   ', 'the tablet', 'asdf qwerty zxcv', '!!!', 'la tableta']) {
      expect(topIds(description)).toEqual([]);
    }
    expect(topIds('asdf', { category: 'audio' })).toEqual([]);
  });

  it('refuses bad options with a typed error', () => {
    for (const options of [{ limit: 0 }, { limit: 2.5 }, { category: 'plumbing' }]) {
      expect(suggestTroubleshooting('no sound', options as never)).toMatchObject({
        ok: false,
        error: { code: 'invalid_options' },
      });
    }
  });

  it('never fails and only returns positive scores for any text (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.option(fc.constantFrom(...TICKET_CATEGORIES), { nil: undefined }),
        (description, category) => {
          const result = suggestTroubleshooting(description, { category });
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          expect(result.value.length).toBeLessThanOrEqual(3);
          for (const suggestion of result.value) expect(suggestion.score).toBeGreaterThan(0);
        },
      ),
    );
  });

  it('ranks over any knowledge base given to createTroubleshooter', () => {
    const [entry] = KnowledgeBaseSchema.parse(knowledgeBase).entries;
    const custom = createTroubleshooter([entry!]);
    const result = custom.suggest(entry!.keywords.es.join(' '));
    expect(result.ok && result.value.map((s) => s.entry.id)).toEqual([entry!.id]);
  });
});
