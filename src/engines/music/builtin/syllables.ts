/** One sung syllable of a lyrics line. */
export interface Syllable {
  /** Index of its word among the line's whitespace-separated words (as eSpeak's word timings count them). */
  word: number;
  text: string;
}

const HANGUL_SYLLABLE = /[\uac00-\ud7a3]/u;
// Kana and CJK ideographs are sung one character a note, as Hangul syllables are.
const ONE_CHARACTER_SYLLABLE = /[\uac00-\ud7a3\u3040-\u30ff\u4e00-\u9fff]/u;

export function isKorean(text: string): boolean {
  return HANGUL_SYLLABLE.test(text);
}

/**
 * The syllables of a line: each Hangul (or kana, CJK) character is one; a Latin word has one per vowel group
 * (a final silent e does not count), a number one per digit group; punctuation has none.
 */
export function splitSyllables(line: string): Syllable[] {
  const syllables: Syllable[] = [];
  line
    .split(/\s+/)
    .filter(Boolean)
    .forEach((word, index) => {
      for (const text of wordSyllables(word)) syllables.push({ word: index, text });
    });
  return syllables;
}

function wordSyllables(word: string): string[] {
  const parts: string[] = [];
  let latin = '';
  const flush = () => {
    parts.push(...latinSyllables(latin));
    latin = '';
  };
  for (const char of word) {
    if (ONE_CHARACTER_SYLLABLE.test(char)) {
      flush();
      parts.push(char);
    } else if (/[\p{L}\p{N}']/u.test(char)) {
      latin += char;
    } else {
      flush();
    }
  }
  flush();
  return parts;
}

function latinSyllables(word: string): string[] {
  if (word === '') return [];
  if (/^\d+$/.test(word)) return [word];
  const lower = word.toLowerCase();
  const groups = [...lower.matchAll(/[aeiouyàáâäèéêëìíîïòóôöùúûü]+/g)];
  let count = groups.length;
  if (count > 1 && /[^aeiouy]e$/.test(lower) && !/[^aeiouy]le$/.test(lower)) count--;
  if (count <= 1) return [word];
  // Cut before the consonant that precedes each vowel group after the first.
  const cuts = groups.slice(1, count).map((group) => Math.max(group.index - (group.index > 0 && !/[aeiouy]/.test(lower[group.index - 1]!) ? 1 : 0), 1));
  const parts: string[] = [];
  let start = 0;
  for (const cut of cuts) {
    if (cut > start) {
      parts.push(word.slice(start, cut));
      start = cut;
    }
  }
  parts.push(word.slice(start));
  while (parts.length < count) parts.push(parts.at(-1)!);
  return parts;
}
