/**
 * Text folding shared by moderation and troubleshooting: lower case, no accents, compatibility
 * forms (fullwidth and styled letters) turned into plain ones.
 */

/** Folds one code point: "É" -> "e", "ｆ" -> "f", "ﬁ" -> "fi". May return several characters. */
export function foldCodePoint(codePoint: string): string {
  return codePoint.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');
}

/** Folds a whole string (no offsets kept). */
export function foldText(text: string): string {
  let folded = '';
  for (const codePoint of text) folded += foldCodePoint(codePoint);
  return folded;
}

/** Common digit- and symbol-for-letter swaps ("sh1t", "@ss", "k1ll"). */
const LOOKALIKES: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};

/** Characters a word may hold before swaps are undone. */
const WORDISH = /[\p{L}\p{N}@$]/u;
const LETTER = /\p{L}/u;

/**
 * Text prepared for matching, with the way back to the original: normalized character i came
 * from original UTF-16 offsets [starts[i], ends[i]).
 */
export interface MatchableText {
  text: string;
  starts: number[];
  ends: number[];
}

/**
 * Longest run of one character kept: "fuuuuuuck" reads "fuuuck". Stretched words still match,
 * and a flood of one letter cannot make matching slow.
 */
const MAX_RUN = 3;

/**
 * Folds case, accents and compatibility forms; undoes lookalike swaps inside words that hold at
 * least one letter (so "100" stays a number but "k1ll" reads "kill"); turns every other
 * character into a space; shortens runs of spaces to one and of any other character to three. Keeps offsets into the original.
 */
export function toMatchable(original: string): MatchableText {
  const chars: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let offset = 0;
  for (const codePoint of original) {
    for (const char of foldCodePoint(codePoint)) {
      // Characters outside the BMP would break the one-unit-per-character offset map.
      chars.push(char.length === 1 ? char : ' ');
      starts.push(offset);
      ends.push(offset + codePoint.length);
    }
    offset += codePoint.length;
  }

  let word: number[] = [];
  const closeWord = () => {
    if (word.some((i) => LETTER.test(chars[i]))) {
      for (const i of word) chars[i] = LOOKALIKES[chars[i]] ?? chars[i];
    }
    word = [];
  };
  for (let i = 0; i < chars.length; i += 1) {
    if (WORDISH.test(chars[i])) {
      word.push(i);
    } else {
      closeWord();
      chars[i] = ' ';
    }
  }
  closeWord();

  const result: MatchableText = { text: '', starts: [], ends: [] };
  let run = 0;
  for (let i = 0; i < chars.length; i += 1) {
    const last = result.text.length - 1;
    run = chars[i] === result.text[last] ? run + 1 : 1;
    if (run > (chars[i] === ' ' ? 1 : MAX_RUN)) {
      result.ends[last] = ends[i];
      continue;
    }
    result.text += chars[i];
    result.starts.push(starts[i]);
    result.ends.push(ends[i]);
  }
  return result;
}
