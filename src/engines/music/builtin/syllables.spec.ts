import { describe, expect, it } from 'vitest';
import { splitSyllables } from './syllables.js';

describe(splitSyllables.name, () => {
  it('counts each Hangul syllable once and keeps its word', () => {
    expect(splitSyllables('여름이 왔네')).toEqual([
      { word: 0, text: '여' },
      { word: 0, text: '름' },
      { word: 0, text: '이' },
      { word: 1, text: '왔' },
      { word: 1, text: '네' },
    ]);
  });

  it.each([
    ['hello', 2],
    ['make', 1],
    ['little', 2],
    ['beautiful', 3],
    ['the', 1],
    ['rhythm', 1],
    ['2024', 1],
    ['...', 0],
  ])('sings %s on %i notes', (word, count) => {
    expect(splitSyllables(word)).toHaveLength(count);
  });

  it('numbers the words as whitespace splits them, punctuation-only words included', () => {
    expect(splitSyllables('oh - 사랑 yeah!').map((syllable) => syllable.word)).toEqual([0, 2, 2, 3]);
  });
});
