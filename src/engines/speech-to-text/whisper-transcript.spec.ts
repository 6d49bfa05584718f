import { describe, expect, it } from 'vitest';
import { joinTranscripts, languageCode, normaliseWhisperTranscript } from './whisper-transcript.js';

const ENGINE = { name: 'test', model: 'whisper-1' };

// The shape of python whisper's `model.transcribe(path, word_timestamps=True)` (openai-whisper 20240930).
const PYTHON_WHISPER = {
  text: ' Hello world. How are you?',
  segments: [
    {
      id: 0, seek: 0, start: 0.0, end: 1.52, text: ' Hello world.', tokens: [50364, 2425, 1002, 13], temperature: 0.0,
      avg_logprob: -0.2315, compression_ratio: 0.79, no_speech_prob: 0.011,
      words: [
        { word: ' Hello', start: 0.0, end: 0.62, probability: 0.91 },
        { word: ' world.', start: 0.62, end: 1.56, probability: 0.98 },
      ],
    },
    {
      id: 1, seek: 0, start: 1.9, end: 3.1, text: ' How are you?', tokens: [50439, 1012, 366, 291, 30], temperature: 0.0,
      avg_logprob: -0.18, compression_ratio: 0.79, no_speech_prob: 0.011,
      words: [
        { word: ' How', start: 1.9, end: 2.2, probability: 0.97 },
        { word: ' are', start: 2.2, end: 2.5, probability: 0.99 },
        { word: ' you?', start: 2.5, end: 3.1, probability: 0.99 },
      ],
    },
  ],
  language: 'en',
};

// The shape of OpenAI's POST /v1/audio/transcriptions, response_format=verbose_json,
// timestamp_granularities[]=word and segment (API reference, "The transcription object (Verbose JSON)").
const OPENAI_VERBOSE_JSON = {
  task: 'transcribe',
  language: 'korean',
  duration: 3.4,
  text: '안녕하세요. 반갑습니다.',
  words: [
    { word: '안녕하세요.', start: 0.0, end: 1.2 },
    { word: '반갑습니다.', start: 1.5, end: 3.45 },
  ],
  segments: [
    { id: 0, seek: 0, start: 0.0, end: 1.3, text: '안녕하세요.', tokens: [50364, 13], temperature: 0.0, avg_logprob: -0.3, compression_ratio: 0.6, no_speech_prob: 0.02 },
    { id: 1, seek: 0, start: 1.4, end: 3.4, text: ' 반갑습니다.', tokens: [50434, 13], temperature: 0.0, avg_logprob: -0.25, compression_ratio: 0.6, no_speech_prob: 0.02 },
  ],
};

describe(normaliseWhisperTranscript.name, () => {
  it("reads python whisper's transcribe() output: per-segment words with probabilities, language code", () => {
    const sut = normaliseWhisperTranscript(PYTHON_WHISPER, ENGINE);
    expect(sut).toMatchObject({ text: 'Hello world. How are you?', language: 'en', duration: 3.1, engine: ENGINE });
    expect(sut.segments).toHaveLength(2);
    expect(sut.segments[0]).toEqual({
      id: 0, start: 0, end: 1.52, text: 'Hello world.', avg_logprob: -0.2315, no_speech_prob: 0.011,
      words: [
        { word: 'Hello', start: 0, end: 0.62, probability: 0.91 },
        // whisper's word ended after its segment: kept inside it
        { word: 'world.', start: 0.62, end: 1.52, probability: 0.98 },
      ],
    });
    expect(sut.segments[1]!.words.map((word) => word.word)).toEqual(['How', 'are', 'you?']);
  });

  it("reads OpenAI's verbose_json: top-level words given to their segments, language name to ISO 639-1", () => {
    const sut = normaliseWhisperTranscript(OPENAI_VERBOSE_JSON, ENGINE);
    expect(sut).toMatchObject({ text: '안녕하세요. 반갑습니다.', language: 'ko', duration: 3.4 });
    expect(sut.segments.map((segment) => segment.words.map((word) => word.word))).toEqual([['안녕하세요.'], ['반갑습니다.']]);
    expect(sut.segments[1]!.words[0]).toEqual({ word: '반갑습니다.', start: 1.5, end: 3.4, probability: null });
    expect(sut.segments[1]!.text).toBe('반갑습니다.');
  });

  it('every word lies inside its segment, in both shapes', () => {
    for (const raw of [PYTHON_WHISPER, OPENAI_VERBOSE_JSON]) {
      for (const segment of normaliseWhisperTranscript(raw, ENGINE).segments) {
        for (const word of segment.words) {
          expect(word.start).toBeGreaterThanOrEqual(segment.start);
          expect(word.end).toBeLessThanOrEqual(segment.end);
        }
      }
    }
  });

  it('refuses malformed results with ENGINE_BAD_RESULT', () => {
    const malformed: unknown[] = [
      null,
      'hello',
      [],
      { segments: [] },
      { text: 'x', segments: [], language: 'klingon' },
      { text: 'x', segments: 'no', language: 'en' },
      { text: 'x', language: 'en', segments: [{ start: 2, end: 1, text: 'x' }] },
      { text: 'x', language: 'en', segments: [{ start: 0, end: 1, text: 5 }] },
      { text: 'x', language: 'en', segments: [{ start: 0, end: 1, text: 'x', words: [{ word: 'x', start: 'a', end: 1 }] }] },
      { text: 'x', language: 'en', words: [{ word: 'x', start: 0, end: 1, probability: 7 }] },
      { text: 'x', segments: [] },
    ];
    for (const raw of malformed) {
      expect(() => normaliseWhisperTranscript(raw, ENGINE), JSON.stringify(raw)).toThrow(expect.objectContaining({ code: 'ENGINE_BAD_RESULT' }));
    }
  });

  it('keeps silence as an empty transcript', () => {
    expect(normaliseWhisperTranscript({ text: '', segments: [], language: 'en' }, ENGINE, { duration: 4 })).toEqual({
      text: '', language: 'en', duration: 4, segments: [], engine: ENGINE,
    });
  });
});

describe(languageCode.name, () => {
  it('maps names and codes to ISO 639-1', () => {
    expect(['english', 'Korean', 'ko', 'en-US', 'jw', 'haitian creole'].map(languageCode)).toEqual(['en', 'ko', 'ko', 'en', 'jv', 'ht']);
  });
});

describe(joinTranscripts.name, () => {
  it('moves each piece by its offset and numbers the segments again', () => {
    const first = normaliseWhisperTranscript(PYTHON_WHISPER, ENGINE);
    const second = normaliseWhisperTranscript(PYTHON_WHISPER, ENGINE);
    const sut = joinTranscripts([{ offset: 0, transcript: first }, { offset: 10, transcript: second }], 13.5);
    expect(sut.segments.map((segment) => [segment.id, segment.start])).toEqual([[0, 0], [1, 1.9], [2, 10], [3, 11.9]]);
    expect(sut.segments[3]!.words.at(-1)).toMatchObject({ word: 'you?', start: 12.5, end: 13.1 });
    expect(sut.text).toBe('Hello world. How are you? Hello world. How are you?');
    expect(sut.duration).toBe(13.5);
  });
});
