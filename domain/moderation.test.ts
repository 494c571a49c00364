import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import english from '../assets/moderation/en.json';
import spanish from '../assets/moderation/es.json';
import sample from '../assets/facility.sample.json';
import { FacilityConfigSchema } from './facility';
import {
  attachmentNeedsHumanReview,
  createModerator,
  reviewRequirement,
  stretchLetters,
  type Moderator,
} from './moderation';

const facility = FacilityConfigSchema.parse(sample);

function moderator(moderation = facility.moderation): Moderator {
  const created = createModerator(moderation);
  if (!created.ok) throw new Error(created.error.message);
  return created.value;
}

const shipped = moderator({ extraWords: [], extraPatterns: [] });

function matches(text: string, m: Moderator = shipped) {
  return m.flag(text).map((flag) => [flag.reason, flag.matched]);
}

describe('word lists (docs/rules.md Mail review: flag curse words)', () => {
  it('flags English and Spanish profanity with offsets into the original text', () => {
    const text = 'You are a bitch, cabrón.';
    const flags = shipped.flag(text);
    expect(flags).toEqual([
      { reason: 'profanity', source: 'en', term: 'bitch', start: 10, end: 15, matched: 'bitch' },
      { reason: 'profanity', source: 'es', term: 'cabron', start: 17, end: 23, matched: 'cabrón' },
    ]);
    for (const flag of flags) expect(text.slice(flag.start, flag.end)).toBe(flag.matched);
  });

  it('is case- and accent-insensitive', () => {
    expect(matches('SHIT and MaRiCóN')).toEqual([
      ['profanity', 'SHIT'],
      ['profanity', 'MaRiCóN'],
    ]);
  });

  it('sees through repeated letters and digit-for-letter swaps', () => {
    expect(matches('fuuuuuck, sh1t, b!tch? no: b1tch, @sshole, pendej0')).toEqual([
      ['profanity', 'fuuuuuck'],
      ['profanity', 'sh1t'],
      ['profanity', 'b1tch'],
      ['profanity', '@sshole'],
      ['profanity', 'pendej0'],
    ]);
  });

  it('matches whole words only, plurals included: no Scunthorpe false positives', () => {
    for (const clean of [
      'The class met the assassin in Scunthorpe, as planned.',
      'I passed the assessment; Dickens and Hancock; cocktail analysis.',
      'La computadora, la disputa y la reputación del cabronazo no.',
      'I have 100 dollars and 4 kids. Hello, shell, Sussex.',
    ]) {
      expect(matches(clean)).toEqual([]);
    }
    expect(matches('asses and bitches, putas')).toEqual([
      ['profanity', 'asses'],
      ['profanity', 'bitches'],
      ['profanity', 'putas'],
    ]);
  });

  it('never flags a listed word inside a longer word (property)', () => {
    // Single words only: in "xhijo de puta" the last word is still rightly flagged.
    const everyWord = [...english.words, ...spanish.words].filter((word) => !word.includes(' '));
    // q and x start and end no listed word, so the longer word can never be a listed one.
    const affix = fc.stringMatching(/^[qx]{1,3}$/);
    fc.assert(
      fc.property(fc.constantFrom(...everyWord), affix, affix, (word, before, after) => {
        expect(shipped.flag(`hello ${before}${word} ${word}${after} there`)).toEqual([]);
      }),
    );
  });

  it('a double letter still needs two letters ("as" is not "ass")', () => {
    expect(matches('as soon as')).toEqual([]);
    expect(matches('assss')).toEqual([['profanity', 'assss']]);
  });

  it('flags multi-word entries across any spacing or punctuation', () => {
    expect(matches('hijo   de...puta')).toEqual([['profanity', 'hijo   de...puta']]);
  });
});

describe('threat patterns (docs/rules.md Mail review: flag threats)', () => {
  it.each([
    ['I will kill you', 'I will kill you'],
    ["I'll stab him.", "I'll stab him"],
    ['ur dead when I see u', 'ur dead'],
    ['i will kiiiiill youuu', 'i will kiiiiill youuu'],
    ['Better watch your back', 'Better watch your back'],
    ['I know where you live', 'I know where you live'],
    ['Te voy a MATAR', 'Te voy a MATAR'],
    ['voy a matarte cuando salga', 'voy a matarte'],
    ['Sé dónde vives', 'Sé dónde vives'],
    ['me las vas a pagar', 'me las vas a pagar'],
  ])('flags "%s"', (text, matched) => {
    expect(shipped.flag(text)).toContainEqual(
      expect.objectContaining({ reason: 'threat', matched }),
    );
  });

  it('reports one flag for a threat, not its overlapping parts', () => {
    expect(matches("I'll kill you")).toEqual([['threat', "I'll kill you"]]);
  });

  it('leaves everyday words alone', () => {
    for (const clean of [
      'I will call you tomorrow, kill time with a book.',
      'Te voy a llamar mañana, te quiero mucho.',
      'The skill you showed was great. Matar el tiempo leyendo.',
    ]) {
      expect(matches(clean)).toEqual([]);
    }
  });
});

describe('facility extras (FacilityConfig.moderation)', () => {
  it('adds the facility’s words and patterns, marked as the facility’s', () => {
    const flags = moderator().flag('Meet me by the YARD with the shank');
    expect(flags.map((flag) => [flag.reason, flag.source, flag.matched])).toEqual([
      ['threat', 'facility', 'Meet me by the YARD'],
      ['profanity', 'facility', 'shank'],
    ]);
  });

  it('matches facility patterns written with capitals or accents', () => {
    const custom = moderator({
      extraWords: [],
      extraPatterns: ['\\bNos vemos en el PATIO\\b', 'sé lo que hiciste'],
    });
    expect(matches('nos vemos en el patio', custom)).toEqual([['threat', 'nos vemos en el patio']]);
    expect(matches('Se lo que hiciste', custom)).toEqual([['threat', 'Se lo que hiciste']]);
  });

  it('matches facility patterns with back-references and named groups as written', () => {
    const m = moderator({
      extraWords: [],
      extraPatterns: ['\\b(\\w+) \\1 \\1\\b', '\\b(?<place>patio|yard) at (?<hour>\\d+)\\b'],
    });
    expect(matches('no no no, see you in the yard at 9', m)).toEqual([
      ['threat', 'no no no'],
      ['threat', 'yard at 9'],
    ]);
  });

  it('refuses an invalid pattern with a typed error', () => {
    expect(createModerator({ extraWords: [], extraPatterns: ['(unclosed'] })).toMatchObject({
      ok: false,
      error: { code: 'invalid_pattern', pattern: '(unclosed' },
    });
  });

  it('ignores extra words that fold to nothing', () => {
    expect(moderator({ extraWords: ['!!!'], extraPatterns: [] }).flag('!!! ok')).toEqual([]);
  });
});

describe('stretchLetters', () => {
  it('lets literal letters repeat and copies escapes, classes, quantifiers and group names', () => {
    expect(stretchLetters('\\bi ?ll')).toBe('\\bi+ ?l+l+');
    expect(stretchLetters('(?<who>me)(?<!x)[a-z]{2,3}o?\\u00e9\\p{L}')).toBe(
      '(?<who>m+e+)(?<!x+)[a-z]{2,3}o?\\u00e9\\p{L}',
    );
  });
});

describe('shipped lists', () => {
  it('are reasonable in size in both languages', () => {
    for (const list of [english, spanish]) {
      expect(list.words.length).toBeGreaterThanOrEqual(24);
      expect(list.words.length).toBeLessThanOrEqual(60);
      expect(list.threatPatterns.length).toBeGreaterThanOrEqual(8);
    }
  });

  it('flag every one of their own words', () => {
    for (const word of [...english.words, ...spanish.words]) {
      expect(shipped.flag(`well ${word} then`)).toHaveLength(1);
    }
  });
});

describe('flag (bad input never breaks it)', () => {
  it('returns in-range flags whose offsets slice the original (property)', () => {
    const words = fc.constantFrom('fuck', 'kill you', 'te voy a matar', 'class', 'puta', '!!', 'é');
    fc.assert(
      fc.property(
        fc.array(fc.oneof(words, fc.string({ maxLength: 6 })), { maxLength: 12 }),
        (parts) => {
          const text = parts.join(' ');
          for (const flag of shipped.flag(text)) {
            expect(flag.start).toBeGreaterThanOrEqual(0);
            expect(flag.end).toBeLessThanOrEqual(text.length);
            expect(flag.matched).toBe(text.slice(flag.start, flag.end));
          }
        },
      ),
    );
  });

  it('flags the same whether a pattern is written in capitals or not (property)', () => {
    // Lower-case patterns match without the i flag (folded text has no capitals) and are scanned
    // only when the moderator's gate, all of them in one alternation, matches; the same patterns
    // in capitals take the case-insensitive path, each scanned. Both must flag alike.
    const lower = [...english.threatPatterns, ...spanish.threatPatterns];
    const upper = lower.map((pattern) => pattern.replace(/(?<!\\)[a-z]/g, (c) => c.toUpperCase()));
    const asWritten = moderator({ extraWords: [], extraPatterns: lower });
    const capitals = moderator({ extraWords: [], extraPatterns: upper });
    const words = fc.constantFrom('I', "I'LL", 'Kill', 'YOU', 'te', 'VOY', 'a', 'MATÁR', 'ſ', 'K');
    fc.assert(
      fc.property(
        fc.array(fc.oneof(words, fc.string({ maxLength: 4 })), { maxLength: 10 }),
        (parts) => {
          const text = parts.join(' ');
          expect(asWritten.flag(text).map((flag) => flag.matched)).toEqual(
            capitals.flag(text).map((flag) => flag.matched),
          );
        },
      ),
    );
    expect(asWritten.flag("I'LL KILL YOU").length).toBeGreaterThan(0);
  });

  it('handles a flood of one letter', () => {
    const flags = shipped.flag(`i will ${'k'.repeat(50_000)}ill you`);
    expect(flags.map((flag) => flag.reason)).toEqual(['threat']);
  });
});

describe('human review (docs/rules.md: every image/video attachment goes to a person)', () => {
  it('sends every image and video, and unknown types, to a person', () => {
    for (const type of ['image/jpeg', 'image/png', 'video/mp4', 'application/octet-stream']) {
      expect(attachmentNeedsHumanReview(type)).toBe(true);
    }
    expect(attachmentNeedsHumanReview('text/plain; charset=utf-8')).toBe(false);
  });

  it('names every cause for review', () => {
    const flags = shipped.flag('shit');
    expect(reviewRequirement(flags, ['image/jpeg'])).toEqual({
      humanReview: true,
      causes: ['text_flagged', 'attachment'],
    });
    expect(reviewRequirement([], [])).toEqual({ humanReview: false, causes: [] });
  });
});
