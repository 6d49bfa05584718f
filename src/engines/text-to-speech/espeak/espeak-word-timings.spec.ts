import type { EspeakNGEvent } from '@echogarden/espeak-ng-emscripten';
import { describe, expect, it } from 'vitest';
import { splitWords } from './espeak-input.js';
import { timeWords } from './espeak-word-timings.js';

const word = (textPosition: number, ms: number): EspeakNGEvent => ({
  type: 'word',
  text_position: textPosition,
  word_length: 0,
  audio_position: ms,
  id: 0,
});
const phonemes = (...ms: number[]): EspeakNGEvent[] =>
  ms.map((audio_position) => ({ type: 'phoneme', text_position: 0, word_length: 0, audio_position, id: 'a' }));
const end = (ms: number): EspeakNGEvent => ({ type: 'end', text_position: 0, word_length: 0, audio_position: ms, id: 0 });

const time = (text: string, events: EspeakNGEvent[], duration: number, phonemeCount = (w: string) => w.length) =>
  timeWords({
    words: splitWords(text),
    events,
    sourceIndex: [...text].map((_, index) => index),
    duration,
    phonemeCount,
  }).map(({ text: t, start, end: e }) => [t, start, e]);

describe(timeWords.name, () => {
  it('starts each word at its word event and ends it where the next starts, the last at the end event', () => {
    expect(time('ab cd', [word(1, 0), ...phonemes(10, 20), word(4, 300), ...phonemes(310), end(600)], 0.7)).toEqual([
      ['ab', 0, 0.3],
      ['cd', 0.3, 0.6],
    ]);
  });

  it('splits a span covering words without their own event at the phoneme where each next word begins', () => {
    const events = [word(1, 0), ...phonemes(0, 100, 200, 300, 400, 500), word(9, 600), ...phonemes(650), end(800)];

    expect(time('ab cde f gh', events, 0.8)).toEqual([
      ['ab', 0, 0.2],
      ['cde', 0.2, 0.5],
      ['f', 0.5, 0.6],
      ['gh', 0.6, 0.8],
    ]);
  });

  it('times words before the first word event from the first phoneme', () => {
    expect(time('ab cd', [...phonemes(50, 100, 200), word(4, 300), end(400)], 0.5)).toEqual([
      ['ab', 0.05, 0.3],
      ['cd', 0.3, 0.4],
    ]);
  });

  it('ignores further events inside a word already started, and events outside any word', () => {
    const events = [word(1, 0), word(2, 100), word(1, 150), word(5, 200), word(40, 250), end(300)];

    expect(time('123 x', events, 0.3)).toEqual([
      ['123', 0, 0.2],
      ['x', 0.2, 0.3],
    ]);
  });

  it('gives zero length at the end of the span to a word eSpeak gave no phonemes', () => {
    const events = [word(1, 0), ...phonemes(0, 100), word(6, 400), end(500)];

    expect(time('ab — cd', events, 0.5, (w) => (w === '—' ? 0 : w.length))).toEqual([
      ['ab', 0, 0.4],
      ['—', 0.4, 0.4],
      ['cd', 0.4, 0.5],
    ]);
  });

  it('keeps every time inside the audio', () => {
    expect(time('ab', [word(1, 0), end(900)], 0.5)).toEqual([['ab', 0, 0.5]]);
  });
});
