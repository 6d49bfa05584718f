import { describe, expect, it } from 'vitest';
import { splitWords, toEspeakInput } from './espeak-input.js';

describe(splitWords.name, () => {
  it('splits on any whitespace and counts positions in code points', () => {
    expect(splitWords(' 😀 오늘,\u3000날씨가\n\tend. ')).toEqual([
      { text: '😀', start: 1, end: 2 },
      { text: '오늘,', start: 3, end: 6 },
      { text: '날씨가', start: 7, end: 10 },
      { text: 'end.', start: 12, end: 16 },
    ]);
  });
});

describe(toEspeakInput.name, () => {
  it('escapes SSML and breaks [[ so eSpeak reads them as text, mapping every code point back', () => {
    const { markup, sourceIndex } = toEspeakInput('a<b> & [[c]] 😀');

    expect(markup).toBe('a&lt;b&gt; &amp; [\u200b[c]] 😀');
    expect(sourceIndex).toHaveLength([...markup].length);
    expect(sourceIndex.slice(0, 6)).toEqual([0, 1, 1, 1, 1, 2]);
    expect(sourceIndex.at(-1)).toBe([...'a<b> & [[c]] 😀'].length - 1);
  });
});
