import type { EspeakNGEvent } from '@echogarden/espeak-ng-emscripten';
import type { SynthesizedWord } from '../text-to-speech.engine.js';
import type { ScriptWord } from './espeak-input.js';

export interface WordTimingInput {
  words: ScriptWord[];
  events: EspeakNGEvent[];
  /** Maps a 0-based code point index of the text eSpeak read to the input word positions. */
  sourceIndex: readonly number[];
  /** Seconds of audio. */
  duration: number;
  /** How many phonemes eSpeak gives this word on its own. */
  phonemeCount: (word: string) => number;
}

/** The words an eSpeak word event starts, and the phoneme events heard until the next one. */
interface WordGroup {
  firstWord: number;
  /** Milliseconds; unknown only for words before eSpeak's first word event. */
  start: number | undefined;
  phonemeStarts: number[];
}

/**
 * Times every input word from eSpeak's own events. A word event is attributed to the input word that contains its
 * text position; further events inside that word (a number read as several words) add nothing. Input words with
 * no event of their own (eSpeak drops the event of Korean words that start with ㄴ or ㅁ, and of some abbreviations)
 * share the span of the preceding word's event: the span is cut at eSpeak's phoneme events, each word taking as many
 * phonemes as eSpeak gives it alone; a word left without phonemes gets zero length at the end of the span.
 * A word ends where the next starts; the last at the final `end` event. No silence is trimmed.
 */
export function timeWords(input: WordTimingInput): SynthesizedWord[] {
  const { words, events, sourceIndex, duration } = input;
  if (words.length === 0) return [];
  const durationMs = duration * 1000;
  const groups: WordGroup[] = [{ firstWord: 0, start: undefined, phonemeStarts: [] }];
  let lastAnchoredWord = -1;
  let lastAnchor = 0;
  let speechEnd: number | undefined;
  for (const event of events) {
    if (event.type === 'word') {
      const word = wordAt(words, sourceIndex[event.text_position - 1]);
      if (word > lastAnchoredWord) {
        lastAnchoredWord = word;
        lastAnchor = Math.max(lastAnchor, event.audio_position);
        groups.push({ firstWord: word, start: lastAnchor, phonemeStarts: [] });
      }
    } else if (event.type === 'phoneme' && event.id) {
      groups.at(-1)!.phonemeStarts.push(event.audio_position);
    } else if (event.type === 'end') {
      speechEnd = Math.max(speechEnd ?? 0, event.audio_position);
    }
  }
  const end = Math.min(durationMs, Math.max(speechEnd ?? durationMs, lastAnchor));

  const starts: number[] = [];
  groups.forEach((group, index) => {
    const next = groups[index + 1];
    const lastWord = (next?.firstWord ?? words.length) - 1;
    if (lastWord < group.firstWord) return;
    const groupEnd = next?.start ?? end;
    let start = Math.min(group.start ?? group.phonemeStarts[0] ?? 0, groupEnd);
    starts[group.firstWord] = start;
    let phonemesBefore = 0;
    for (let word = group.firstWord + 1; word <= lastWord; word++) {
      phonemesBefore += input.phonemeCount(words[word - 1]!.text);
      start = Math.min(Math.max(start, group.phonemeStarts[phonemesBefore] ?? groupEnd), groupEnd);
      starts[word] = start;
    }
  });

  const seconds = (ms: number) => Math.min(duration, Math.max(0, ms / 1000));
  return words.map((word, index) => ({
    text: word.text,
    start: seconds(starts[index]!),
    end: seconds(Math.max(starts[index]!, starts[index + 1] ?? end)),
  }));
}

/** The word containing the code point, or else the next word; -1 past the last word. */
function wordAt(words: ScriptWord[], codePoint: number | undefined): number {
  if (codePoint === undefined) return -1;
  return words.findIndex((word) => word.end > codePoint);
}
