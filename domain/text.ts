import { z } from 'zod';

/**
 * Text folding shared by moderation and troubleshooting: lower case, no accents, compatibility
 * forms (fullwidth and styled letters) turned into plain ones.
 */

/** Folds one code point: "É" -> "e", "ｆ" -> "f", "ﬁ" -> "fi". May return several characters. */
function foldCodePoint(codePoint: string): string {
  const code = codePoint.charCodeAt(0);
  // ASCII is most of every message; normalize() is slow, so it only sees the rest, once each.
  if (code < 0x80) return code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 32) : codePoint;
  let folded = FOLDED.get(codePoint);
  if (folded === undefined) {
    folded = codePoint.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');
    if (FOLDED.size >= FOLDED_LIMIT) FOLDED.clear();
    FOLDED.set(codePoint, folded);
  }
  return folded;
}

/**
 * Folded forms of the non-ASCII code points met so far. A language uses a few dozen (á, ñ, ¿...);
 * the limit keeps a text of every code point from growing it without end.
 */
const FOLDED = new Map<string, string>();
const FOLDED_LIMIT = 4096;

/** Folds a whole string (no offsets kept). */
export function foldText(text: string): string {
  let folded = '';
  for (const codePoint of text) folded += foldCodePoint(codePoint);
  return folded;
}

/**
 * Common digit- and symbol-for-letter swaps ("sh1t", "@ss", "k1ll"): the letter each ASCII code
 * reads as (itself when it is no swap). A table: it is looked up for every letter of every message.
 */
const LOOKALIKES = Uint8Array.from({ length: 0x80 }, (_, code) => code);
for (const swap of ['0o', '1i', '3e', '4a', '5s', '7t', '@a', '$s']) {
  LOOKALIKES[swap.charCodeAt(0)] = swap.charCodeAt(1);
}

const SPACE = 0x20;

function isAsciiLetter(code: number): boolean {
  return code >= 0x61 && code <= 0x7a;
}

function isLetter(code: number): boolean {
  return isAsciiLetter(code) || (code > 0x7f && /\p{L}/u.test(String.fromCharCode(code)));
}

/** Characters a word may hold before swaps are undone: letters, digits, "@" and "$". */
function isWordish(code: number): boolean {
  if (code < 0x80)
    return isAsciiLetter(code) || (code >= 0x30 && code <= 0x39) || code === 0x40 || code === 0x24;
  return /[\p{L}\p{N}]/u.test(String.fromCharCode(code));
}

/**
 * Text prepared for matching, with the way back to the original: normalized character i came
 * from original UTF-16 offsets [starts[i], ends[i]).
 */
export interface MatchableText {
  text: string;
  starts: Int32Array;
  ends: Int32Array;
}

/**
 * Longest run of one character kept: "fuuuuuuck" reads "fuuuck". Stretched words still match,
 * and a flood of one letter cannot make matching slow.
 */
const MAX_RUN = 3;

/**
 * Folds case, accents and compatibility forms; undoes lookalike swaps inside words that hold at
 * least one letter (so "100" stays a number but "k1ll" reads "kill"); turns every other
 * character into a space; shortens runs of spaces to one and of any other character to three.
 * Keeps offsets into the original. Works on character codes in typed arrays: it runs on every
 * message, and growing three arrays of numbers a character was most of its time.
 */
export function toMatchable(original: string): MatchableText {
  const folded = foldWithOffsets(original);
  undoSwapsInWords(folded);
  return collapseRuns(folded);
}

/** Character codes with the original offsets each came from; `length` of them are in use. */
class FoldedCodes {
  codes: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  length = 0;

  // Folding lengthens a text only for rare characters ("ﬁ" -> "fi"); the arrays grow if it does.
  constructor(expected: number) {
    this.codes = new Uint16Array(expected + 16);
    this.starts = new Int32Array(this.codes.length);
    this.ends = new Int32Array(this.codes.length);
  }

  push(code: number, start: number, end: number): void {
    if (this.length === this.codes.length) this.grow();
    this.codes[this.length] = code;
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.length += 1;
  }

  private grow(): void {
    const codes = new Uint16Array(this.codes.length * 2);
    const starts = new Int32Array(codes.length);
    const ends = new Int32Array(codes.length);
    codes.set(this.codes);
    starts.set(this.starts);
    ends.set(this.ends);
    [this.codes, this.starts, this.ends] = [codes, starts, ends];
  }
}

function foldWithOffsets(original: string): FoldedCodes {
  const folded = new FoldedCodes(original.length);
  for (let offset = 0; offset < original.length;) {
    const unit = original.charCodeAt(offset);
    if (unit < 0x80) {
      // ASCII, most of every message: folded inline.
      folded.push(unit >= 0x41 && unit <= 0x5a ? unit + 32 : unit, offset, offset + 1);
      offset += 1;
      continue;
    }
    // offset < original.length (the loop condition), so there is a code point here
    const codePoint = String.fromCodePoint(original.codePointAt(offset)!);
    const folds = foldCodePoint(codePoint);
    for (let k = 0; k < folds.length; k += 1) {
      const code = folds.charCodeAt(k);
      // A surrogate pair (outside the BMP) would break the one-unit-per-character offset map.
      const isSurrogate = code >= 0xd800 && code <= 0xdfff;
      if (isSurrogate) k += 1;
      folded.push(isSurrogate ? SPACE : code, offset, offset + codePoint.length);
    }
    offset += codePoint.length;
  }
  return folded;
}

/** Lookalikes read as letters inside words that hold a letter; everything else not in a word is a space. */
function undoSwapsInWords({ codes, length }: FoldedCodes): void {
  let wordStart = 0;
  let wordHasLetter = false;
  for (let i = 0; i <= length; i += 1) {
    const code = i < length ? codes[i]! : SPACE; // one past the end closes the last word
    if (isWordish(code)) {
      wordHasLetter ||= isLetter(code);
      continue;
    }
    if (wordHasLetter) {
      for (let j = wordStart; j < i; j += 1) {
        const letter = codes[j]!;
        codes[j] = letter < 0x80 ? LOOKALIKES[letter]! : letter;
      }
    }
    if (i < length) codes[i] = SPACE;
    wordStart = i + 1;
    wordHasLetter = false;
  }
}

/** Shortens runs in place (what is kept never passes what is read) and makes the text. */
function collapseRuns({ codes, starts, ends, length }: FoldedCodes): MatchableText {
  let kept = 0;
  let run = 0;
  for (let i = 0; i < length; i += 1) {
    const code = codes[i]!;
    run = kept > 0 && code === codes[kept - 1] ? run + 1 : 1;
    if (run > (code === SPACE ? 1 : MAX_RUN)) {
      ends[kept - 1] = ends[i]!;
      continue;
    }
    codes[kept] = code;
    starts[kept] = starts[i]!;
    ends[kept] = ends[i]!;
    kept += 1;
  }
  return {
    text: codesToString(codes.subarray(0, kept)),
    starts: starts.subarray(0, kept),
    ends: ends.subarray(0, kept),
  };
}

/**
 * String.fromCharCode in slices, so long texts stay under the argument-count limit. `apply` takes
 * the typed array as it is; spreading it goes through its iterator, ~5x slower.
 */
function codesToString(codes: Uint16Array): string {
  let text = '';
  for (let i = 0; i < codes.length; i += 8192) {
    text += String.fromCharCode.apply(null, codes.subarray(i, i + 8192) as unknown as number[]);
  }
  return text;
}

/**
 * Characters that are never seen but change what is seen: format characters (bidi embeddings,
 * overrides and isolates such as U+202E, marks, zero-width spaces, the BOM, soft hyphens, tag
 * characters), control characters, and the Hangul fillers that render as blank letters. Zero-
 * width joiner and non-joiner stay: they only join or separate glyphs (emoji, Persian script).
 * Bodies also keep tabs and line feeds.
 */
const INVISIBLE = /[\p{Cf}\p{Cc}\u115f\u1160\u3164\uffa0]/gu;
const JOINERS = new Set(['\u200c', '\u200d']);
const BODY_KEEPS = new Set([...JOINERS, '\t', '\n']);
/** Line breaks of every kind, including U+2028 and U+2029. */
const LINE_BREAK = /\r\n?|[\n\u0085\u2028\u2029]/g;

/**
 * A name or subject as it is stored and shown: one line, invisible characters removed, runs of
 * white space made one space, trimmed. "Ana\u202Etxt.exe" is stored and read as typed, never
 * reversed.
 */
export function visibleLine(text: string): string {
  return text
    .replace(LINE_BREAK, ' ')
    .replace(INVISIBLE, (char) => (JOINERS.has(char) ? char : ''))
    .replace(/\s+/g, ' ')
    .trim();
}

/** A message or ticket body: line breaks (as \n) and tabs kept, invisible characters removed. */
export function visibleText(text: string): string {
  return text
    .replace(LINE_BREAK, '\n')
    .replace(INVISIBLE, (char) => (BODY_KEEPS.has(char) ? char : ''));
}

/**
 * A string cleaned before it is bounded: raw input may be up to four times `max` (invisible
 * characters take room), the cleaned text must fit [min, max].
 */
function cleanedString(clean: (text: string) => string, min: number, max: number) {
  return z
    .string()
    .max(max * 4)
    .transform(clean)
    .pipe(z.string().min(min).max(max));
}

/**
 * A name, subject, label or address line as the service stores it: invisible characters (bidi
 * controls such as U+202E, zero-width spaces ...) removed by `visibleLine`, then bounded, so a
 * name made only of invisible characters is refused as empty.
 */
export const visibleLineSchema = (min: number, max: number) => cleanedString(visibleLine, min, max);

/** A message or ticket body: line breaks kept, invisible characters removed (`visibleText`). */
export const visibleTextSchema = (min: number, max: number) => cleanedString(visibleText, min, max);
