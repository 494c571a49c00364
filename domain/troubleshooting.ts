import { z } from 'zod';
import knowledgeBase from '../assets/troubleshooting/knowledge-base.json';
import { err, ok, type DomainError, type Result } from './result';
import { foldText } from './text';
import { TICKET_CATEGORIES, type TicketCategory } from './types';

/**
 * docs/rules.md "Tablets": before a resident files a support ticket at the kiosk, the system proposes
 * troubleshooting steps that match the description. Matching works in English and Spanish alike:
 * text is folded (case, accents), split into words, common words dropped, and each word reduced
 * by a light stem (plural, common verb endings, final vowel) so "charging", "charger" and
 * "cargando" meet their keywords. Score: 2 per query word among an entry's keywords, 1 per query
 * word in its title, +2 when the ticket's category is the entry's (only if something matched).
 */

const localized = z.object({ en: z.string().min(1), es: z.string().min(1) });
const localizedList = z.object({
  en: z.array(z.string().min(1)).min(1),
  es: z.array(z.string().min(1)).min(1),
});

const TroubleshootingEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  category: z.enum(TICKET_CATEGORIES),
  title: localized,
  steps: localizedList.refine((steps) => steps.en.length === steps.es.length, {
    message: 'English and Spanish steps must match one to one',
  }),
  keywords: localizedList,
});
export type TroubleshootingEntry = z.infer<typeof TroubleshootingEntrySchema>;

export const KnowledgeBaseSchema = z.object({
  entries: z
    .array(TroubleshootingEntrySchema)
    .refine((entries) => new Set(entries.map((entry) => entry.id)).size === entries.length, {
      message: 'entry ids must be unique',
    }),
});

/** Words that say nothing about the problem, in either language (folded). */
const STOPWORDS = new Set(
  (
    'a an the and or but my me i im it its is are was were be been to of in on at for with this ' +
    'that these those do does did not no can cant cannot dont doesnt wont will would have has ' +
    'had get got so just very there they them you your we our he she his her from up out all ' +
    'any some still again tablet tablets help please problem work works working ' +
    'el la los las un una unos unas y o pero mi mis yo se su sus es son fue era esta estan de ' +
    'del al en con por para que lo le les si ya muy mas como tableta tabletas ayuda favor ' +
    'problema funciona sirve'
  ).split(' '),
);

/** Longest first: gerunds, participles, infinitives, -ción (English -ing/-ed/-er too). */
const SUFFIXES = [
  'iendo',
  'ando',
  'cion',
  'ing',
  'ado',
  'ada',
  'ido',
  'ida',
  'ed',
  'ar',
  'er',
  'ir',
];

/** A light stem shared by English and Spanish words; both sides of a match use it. */
export function stemWord(word: string): string {
  let stem = word;
  if (stem.length > 4 && stem.endsWith('ies')) stem = `${stem.slice(0, -3)}y`;
  const suffix = SUFFIXES.find((s) => stem.endsWith(s) && stem.length - s.length >= 3);
  if (suffix) stem = stem.slice(0, -suffix.length);
  if (stem.length > 3 && stem.endsWith('s')) stem = stem.slice(0, -1);
  if (stem.length > 3 && /[aeo]$/.test(stem)) stem = stem.slice(0, -1);
  return stem;
}

/** The distinct stems of a text's meaningful words. */
export function searchTerms(text: string): Set<string> {
  const words = foldText(text).split(/[^\p{L}\p{N}]+/u);
  return new Set(words.filter((word) => word.length >= 2 && !STOPWORDS.has(word)).map(stemWord));
}

export interface Suggestion {
  entry: TroubleshootingEntry;
  score: number;
}

export interface SuggestOptions {
  /** The category the resident picked, if any: matching entries of it rank higher. */
  category?: TicketCategory;
  /** How many suggestions at most (1-20, default 3). */
  limit?: number;
}

export type SuggestError = DomainError<'invalid_options'>;

const SuggestOptionsSchema = z.object({
  category: z.enum(TICKET_CATEGORIES).optional(),
  limit: z.number().int().min(1).max(20).default(3),
});

const KEYWORD_SCORE = 2;
const TITLE_SCORE = 1;
export const CATEGORY_BOOST = 2;

interface IndexedEntry {
  entry: TroubleshootingEntry;
  keywords: Set<string>;
  title: Set<string>;
}

export interface Troubleshooter {
  entries: readonly TroubleshootingEntry[];
  suggest(description: string, options?: SuggestOptions): Result<Suggestion[], SuggestError>;
}

/** Builds a ranker over a knowledge base (the shipped one is `troubleshooter`). */
export function createTroubleshooter(entries: readonly TroubleshootingEntry[]): Troubleshooter {
  const index: IndexedEntry[] = entries.map((entry) => ({
    entry,
    keywords: searchTerms([...entry.keywords.en, ...entry.keywords.es].join(' ')),
    title: searchTerms(`${entry.title.en} ${entry.title.es}`),
  }));
  return {
    entries,
    suggest(description, options = {}) {
      const parsed = SuggestOptionsSchema.safeParse(options);
      if (!parsed.success) {
        return err({
          code: 'invalid_options',
          message: parsed.error.issues.map((issue) => issue.message).join('; '),
        });
      }
      const { category, limit } = parsed.data;
      const terms = [...searchTerms(description)];
      const scored = index.map(({ entry, keywords, title }) => {
        let score = 0;
        for (const term of terms) {
          if (keywords.has(term)) score += KEYWORD_SCORE;
          if (title.has(term)) score += TITLE_SCORE;
        }
        if (score > 0 && entry.category === category) score += CATEGORY_BOOST;
        return { entry, score };
      });
      return ok(
        scored
          .filter((suggestion) => suggestion.score > 0)
          .sort((a, b) => b.score - a.score)
          .slice(0, limit),
      );
    },
  };
}

/** The shipped knowledge base, checked once when the module loads. */
export const troubleshooter = createTroubleshooter(
  KnowledgeBaseSchema.parse(knowledgeBase).entries,
);

/** Top suggestions from the shipped knowledge base for a ticket description. */
export function suggestTroubleshooting(
  description: string,
  options?: SuggestOptions,
): Result<Suggestion[], SuggestError> {
  return troubleshooter.suggest(description, options);
}
