import { z } from 'zod';
import englishList from '../assets/moderation/en.json';
import spanishList from '../assets/moderation/es.json';
import type { FacilityConfig } from './facility';
import { err, ok, type DomainError, type Result } from './result';
import { toMatchable } from './text';
import type { Locale } from './types';

/**
 * docs/rules.md "Mail review": text is flagged by word lists (profanity) and threat patterns, plus
 * each facility's extra words and patterns; every image or video goes to a human.
 *
 * Matching runs on a folded copy of the text (see toMatchable): case, accents, lookalike digits
 * and punctuation do not hide a word. Every letter of a word or pattern may be stretched
 * ("fuuuck", "kiiill"), yet a double letter still needs two ("ass" never matches "as"). Words
 * match whole words only, with an optional plural "s"/"es": "class", "assassin", "Scunthorpe" and
 * "computadora" are not flagged. Both languages' lists always apply: people mix them.
 */

type FlagReason = 'profanity' | 'threat';
type FlagSource = Locale | 'facility';

export interface ModerationFlag {
  reason: FlagReason;
  source: FlagSource;
  /** The list entry or pattern that matched. */
  term: string;
  /** UTF-16 offsets of the match in the original text, end exclusive. */
  start: number;
  end: number;
  /** The original text that matched: text.slice(start, end). */
  matched: string;
}

export interface Moderator {
  /** Flags in the order they appear. */
  flag(text: string): ModerationFlag[];
}

export type ModerationConfigError = DomainError<'invalid_pattern'> & { pattern: string };

const WordListSchema = z.object({
  language: z.enum(['en', 'es']),
  words: z.array(z.string().min(1)).min(1),
  threatPatterns: z.array(z.string().min(1)).min(1),
});
/** The shipped lists, checked once when the module loads (a broken asset fails every test). */
const SHIPPED = [englishList, spanishList].map((list) => WordListSchema.parse(list));

interface Rule {
  reason: FlagReason;
  regex: RegExp;
  /** The list entry behind a match, and where it comes from. */
  origin(match: RegExpExecArray): { term: string; source: FlagSource };
}

/**
 * Lets every literal letter of a regular-expression source repeat ("kill" -> "k+i+l+l+").
 * Escapes, character classes and {n,m} quantifiers are copied as they are.
 */
export function stretchLetters(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i] ?? '';
    if (char === '\\') {
      const escape =
        /^\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[pPk]\{[^}]*\}|k<[^>]*>|.)/s.exec(
          source.slice(i),
        );
      const text = escape?.[0] ?? char;
      out += text;
      i += text.length - 1;
    } else if (char === '[' || char === '{' || /^\(\?<[^=!]/.test(source.slice(i, i + 4))) {
      const close = char === '[' ? ']' : char === '{' ? '}' : '>';
      const end = findClose(source, i, close);
      out += source.slice(i, end + 1);
      i = end;
    } else {
      out += char;
      if (/[a-zA-Z]/.test(char) && !/[*+?{]/.test(source[i + 1] ?? '')) out += '+';
    }
  }
  return out;
}

/** Index of the first unescaped `close` after `from` (the end of the source when missing). */
function findClose(source: string, from: number, close: string): number {
  for (let i = from + 1; i < source.length; i += 1) {
    if (source[i] === '\\') i += 1;
    else if (source[i] === close) return i;
  }
  return source.length - 1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * All words in one regular expression, one capture group per word, so a message is scanned once
 * whatever the number of words; the group that matched names the word.
 */
function wordsRule(words: readonly (readonly [string, FlagSource])[]): Rule | null {
  const entries = words
    .map(([term, source]) => ({ term, source, folded: toMatchable(term).text.trim() }))
    .filter((entry) => entry.folded !== '');
  if (entries.length === 0) return null;
  const bodies = entries.map((entry) => `(${stretchLetters(escapeRegExp(entry.folded))})`);
  return {
    reason: 'profanity',
    regex: new RegExp(`(?<![\\p{L}\\p{N}])(?:${bodies.join('|')})(?:e?s)?(?![\\p{L}\\p{N}])`, 'gu'),
    // the regex has one group per entry and a match means one of them took part
    origin: (match) => entries[match.findIndex((group, i) => i > 0 && group !== undefined) - 1]!,
  };
}

function patternRule(pattern: string, source: FlagSource): Result<Rule, ModerationConfigError> {
  try {
    // Folded text has no accents and no capitals; a pattern written with them still matches.
    const unaccented = pattern.normalize('NFKD').replace(/\p{M}/gu, '');
    // Folded text is lower case, so a pattern without capitals needs no case-insensitive
    // matching, which costs V8 about five times as much with the u flag.
    const flags = unaccented === unaccented.toLowerCase() ? 'gu' : 'giu';
    const regex = new RegExp(stretchLetters(unaccented), flags);
    return ok({ reason: 'threat', regex, origin: () => ({ term: pattern, source }) });
  } catch (error) {
    return err({
      code: 'invalid_pattern',
      message: `not a valid regular expression: ${pattern} (${String(error)})`,
      pattern,
    });
  }
}

/**
 * Builds the moderator for a facility: shipped lists plus its extra words (flagged as profanity)
 * and extra patterns (flagged as threats). Patterns match folded text: case and accents do not
 * matter, punctuation reads as a single space (write "i ?ll" for "I'll"). Build once per facility config and reuse.
 */
export function createModerator(
  moderation: FacilityConfig['moderation'],
): Result<Moderator, ModerationConfigError> {
  const rules: Rule[] = [];
  const words = wordsRule([
    ...SHIPPED.flatMap((list) => list.words.map((word) => [word, list.language] as const)),
    ...moderation.extraWords.map((word) => [word, 'facility'] as const),
  ]);
  if (words) rules.push(words);
  const patternSources = [
    ...SHIPPED.flatMap((list) => list.threatPatterns.map((p) => [p, list.language] as const)),
    ...moderation.extraPatterns.map((pattern) => [pattern, 'facility'] as const),
  ];
  for (const [pattern, source] of patternSources) {
    const rule = patternRule(pattern, source);
    if (!rule.ok) return rule;
    rules.push(rule.value);
  }
  const gate = gateOf(rules);
  return ok({ flag: (text) => flagText(rules, gate, text) });
}

/**
 * One regular expression that matches wherever any of the threat patterns it joins would: most
 * letters match none, and one scan says so in about a third of the time of a scan per pattern.
 * Only the patterns that still mean the same inside an alternation join: matched without the i
 * flag, with no back-references and no named groups (their numbers and names would collide).
 */
function gateOf(rules: readonly Rule[]): Gate | null {
  const joined = rules.filter(
    (rule) =>
      rule.reason === 'threat' &&
      rule.regex.flags === 'gu' &&
      !/\\(?:[1-9]|k<)|\(\?<(?![=!])/.test(rule.regex.source),
  );
  if (joined.length === 0) return null;
  return {
    regex: new RegExp(joined.map((rule) => `(?:${rule.regex.source})`).join('|'), 'u'),
    rules: new Set(joined),
  };
}

interface Gate {
  regex: RegExp;
  /** The rules the gate joins: scanned one by one only when it matches. */
  rules: ReadonlySet<Rule>;
}

function flagText(rules: readonly Rule[], gate: Gate | null, original: string): ModerationFlag[] {
  const matchable = toMatchable(original);
  const flags = new Map<string, ModerationFlag>();
  const gateShut = gate !== null && !gate.regex.test(matchable.text);
  for (const rule of rules) {
    if (gateShut && gate.rules.has(rule)) continue;
    for (const match of matchable.text.matchAll(rule.regex)) {
      const matched = match[0].trim();
      if (matched === '') continue;
      const first = match.index + match[0].indexOf(matched);
      const start = matchable.starts[first] ?? 0;
      const end = matchable.ends[first + matched.length - 1] ?? original.length;
      const key = `${rule.reason}:${start}:${end}`;
      if (!flags.has(key)) {
        const { term, source } = rule.origin(match);
        flags.set(key, {
          reason: rule.reason,
          source,
          term,
          start,
          end,
          matched: original.slice(start, end),
        });
      }
    }
  }
  // A match inside a longer one for the same reason ("kill you" in "I'll kill you") adds nothing.
  const reachedEnd: Partial<Record<FlagReason, number>> = {};
  return [...flags.values()]
    .sort((a, b) => a.start - b.start || b.end - a.end)
    .filter((flag) => {
      const nested = (reachedEnd[flag.reason] ?? -1) >= flag.end;
      if (!nested) reachedEnd[flag.reason] = flag.end;
      return !nested;
    });
}

/**
 * Whether an attachment needs a person to look at it: every image and video does (there is no
 * automatic image classifier), and so does any type we cannot read as plain text.
 */
export function attachmentNeedsHumanReview(mimeType: string): boolean {
  return !/^text\/plain(;|$)/i.test(mimeType.trim());
}

type ReviewCause = 'text_flagged' | 'attachment';

export interface ReviewRequirement {
  humanReview: boolean;
  causes: ReviewCause[];
}

/** A message goes to a person when its text is flagged or it carries a non-text attachment. */
export function reviewRequirement(
  flags: readonly ModerationFlag[],
  attachmentMimeTypes: readonly string[],
): ReviewRequirement {
  const causes: ReviewCause[] = [];
  if (flags.length > 0) causes.push('text_flagged');
  if (attachmentMimeTypes.some(attachmentNeedsHumanReview)) causes.push('attachment');
  return { humanReview: causes.length > 0, causes };
}
