import { beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../audio/wav.js';
import { SpeechSynthesisError, type Synthesis } from '../text-to-speech.engine.js';
import { EspeakTextToSpeechEngine } from './espeak-text-to-speech.engine.js';

const FRAME_SECONDS = 0.01;

const frameLoudness = (samples: Int16Array, sampleRate: number) => {
  const frame = Math.round(sampleRate * FRAME_SECONDS);
  return Array.from({ length: Math.floor(samples.length / frame) }, (_, index) =>
    rms(samples.subarray(index * frame, (index + 1) * frame)),
  );
};

const rms = (samples: Int16Array) => Math.sqrt(samples.reduce((sum, sample) => sum + sample * sample, 0) / samples.length);

const loudnessBetween = (synthesis: Synthesis, from: number, to: number) => {
  const { samples, sampleRate } = decodeWav(synthesis.audio);
  return rms(samples.subarray(Math.max(0, Math.round(from * sampleRate)), Math.round(to * sampleRate)));
};

/** Fundamental frequency of each loud frame, by autocorrelation over 60-500 Hz, sorted. */
const framePitches = (samples: Int16Array, sampleRate: number) => {
  const window = Math.round(sampleRate * 0.04);
  const pitches: number[] = [];
  for (let start = 0; start + window < samples.length; start += window / 2) {
    const frame = samples.subarray(start, start + window);
    if (rms(frame) < 1000) continue;
    let best = { correlation: 0, lag: 0 };
    for (let lag = Math.floor(sampleRate / 500); lag <= Math.ceil(sampleRate / 60); lag++) {
      let product = 0;
      let head = 0;
      let tail = 0;
      for (let i = 0; i + lag < window; i++) {
        product += frame[i]! * frame[i + lag]!;
        head += frame[i]! ** 2;
        tail += frame[i + lag]! ** 2;
      }
      const correlation = product / Math.sqrt(head * tail);
      if (correlation > best.correlation) best = { correlation, lag };
    }
    if (best.correlation > 0.6) pitches.push(sampleRate / best.lag);
  }
  return pitches.sort((a, b) => a - b);
};

const pitchesOf = (synthesis: Synthesis) => framePitches(decodeWav(synthesis.audio).samples, synthesis.sampleRate);
const pitchOf = (synthesis: Synthesis) => pitchesOf(synthesis)[Math.floor(pitchesOf(synthesis).length / 2)]!;
/** The ratio between the 90th and 10th percentile of the frame pitches: 1 for a monotone. */
const pitchSpreadOf = (synthesis: Synthesis) => {
  const pitches = pitchesOf(synthesis);
  return pitches[Math.floor(pitches.length * 0.9)]! / pitches[Math.floor(pitches.length * 0.1)]!;
};

/** What every synthesis owes its caller: playable audio with speech in it, and every input word timed in order. */
const expectSpokenWords = (synthesis: Synthesis, text: string) => {
  const wav = decodeWav(synthesis.audio);
  expect(synthesis.contentType).toBe('audio/wav');
  expect(wav).toMatchObject({ sampleRate: 22_050, channels: 1 });
  expect(synthesis.sampleRate).toBe(22_050);
  expect(synthesis.duration).toBeCloseTo(wav.samples.length / wav.sampleRate, 6);
  expect(rms(wav.samples)).toBeGreaterThan(500);

  expect(synthesis.words.map((word) => word.text)).toEqual(text.split(/\s+/).filter(Boolean));
  let previousEnd = 0;
  for (const word of synthesis.words) {
    expect(word.start, word.text).toBeGreaterThanOrEqual(previousEnd);
    expect(word.end - word.start, word.text).toBeGreaterThan(0.05);
    previousEnd = word.end;
  }
  expect(previousEnd).toBeLessThanOrEqual(synthesis.duration);

  const loudness = frameLoudness(wav.samples, wav.sampleRate);
  const onset = loudness.findIndex((frame) => frame > Math.max(...loudness) * 0.1) * FRAME_SECONDS;
  expect(Math.abs(synthesis.words[0]!.start - onset)).toBeLessThan(0.1);
};

describe(EspeakTextToSpeechEngine.name, () => {
  const sut = new EspeakTextToSpeechEngine();

  beforeAll(async () => {
    await sut.synthesize('준비', { language: 'ko' });
  });

  it('speaks a Korean sentence with a timing for every word, also for 날씨가 whose word event eSpeak drops', async () => {
    const text = '오늘 날씨가 정말 좋네요';

    const synthesis = await sut.synthesize(text, { language: 'ko' });

    expectSpokenWords(synthesis, text);
    expect(synthesis.engine).toEqual({ name: 'espeak-ng', version: '0.3.5' });
  });

  it('speaks an English sentence with a timing for every word', async () => {
    const text = 'The quick brown fox jumps over the lazy dog';

    expectSpokenWords(await sut.synthesize(text, { language: 'en-US' }), text);
  });

  it.each([
    ['ko', '하나. 둘. 셋. 넷. 마음.'],
    ['en', 'One. Two. Three.'],
  ])('starts each %s word where its speech starts after a pause', async (language, text) => {
    const synthesis = await sut.synthesize(text, { language });

    expectSpokenWords(synthesis, text);
    for (const [index, word] of synthesis.words.entries()) {
      if (index > 0) expect(loudnessBetween(synthesis, word.start - 0.1, word.start), word.text).toBeLessThan(300);
      expect(loudnessBetween(synthesis, word.start, word.start + 0.15), word.text).toBeGreaterThan(1000);
    }
  });

  it('keeps punctuation with its word and reads markup as text, not as SSML', async () => {
    const text = 'Tom & Jerry, "quoted" [[tomato]] 😀 bold <b>bold</b> end.';

    const synthesis = await sut.synthesize(text, { language: 'en' });

    expectSpokenWords(synthesis, text);
    const length = (word: string) => synthesis.words.filter((w) => w.text === word).map((w) => w.end - w.start)[0]!;
    expect(length('<b>bold</b>')).toBeGreaterThan(length('bold') * 1.5);
  });

  it('speaks with a female variant at a higher pitch', async () => {
    const text = 'The quick brown fox jumps over the lazy dog';

    const [plain, female] = await Promise.all([
      sut.synthesize(text, { language: 'en' }),
      sut.synthesize(text, { language: 'en', voice: 'f3' }),
    ]);

    expectSpokenWords(female, text);
    expect(pitchOf(female)).toBeGreaterThan(pitchOf(plain) * 1.5);
  });

  it('speaks faster at a higher rate', async () => {
    const text = 'The quick brown fox jumps over the lazy dog';

    const [slow, fast] = await Promise.all([
      sut.synthesize(text, { language: 'en', rate: 120 }),
      sut.synthesize(text, { language: 'en', rate: 300 }),
    ]);

    expect(fast.duration).toBeLessThan(slow.duration * 0.6);
  });

  it('speaks on one note at intonation 0', async () => {
    const text = 'I never thought I would see you again after all these years';

    const [spoken, monotone] = await Promise.all([
      sut.synthesize(text, { language: 'en' }),
      sut.synthesize(text, { language: 'en', intonation: 0 }),
    ]);

    expectSpokenWords(monotone, text);
    expect(pitchSpreadOf(spoken)).toBeGreaterThan(1.15);
    expect(pitchSpreadOf(monotone)).toBeLessThan(1.05);
  });

  it.each([
    [{ language: 'xx' }, 'UNSUPPORTED_VOICE'],
    [{ language: 'en', voice: 'no-such-variant' }, 'UNSUPPORTED_VOICE'],
    [{ language: 'en', rate: 1000 }, 'INVALID_RATE'],
    [{ language: 'en', intonation: 101 }, 'INVALID_INTONATION'],
  ])('rejects %j with %s', async (options, code) => {
    await expect(sut.synthesize('hello', options)).rejects.toMatchObject({ name: SpeechSynthesisError.name, code });
  });

  it.each(['', '  \n\t'])('rejects empty text %j with EMPTY_TEXT', async (text) => {
    await expect(sut.synthesize(text, { language: 'en' })).rejects.toMatchObject({ code: 'EMPTY_TEXT' });
  });

  it('completes concurrent calls one after the other, each with its own voice and words', async () => {
    const korean = '안녕하세요 반갑습니다';
    const english = 'Nice to meet you';

    const [female, male, failed] = await Promise.allSettled([
      sut.synthesize(korean, { language: 'ko', voice: 'f3' }),
      sut.synthesize(english, { language: 'en' }),
      sut.synthesize(english, { language: 'xx' }),
    ]);

    expect(failed).toMatchObject({ status: 'rejected', reason: { code: 'UNSUPPORTED_VOICE' } });
    if (female.status === 'rejected' || male.status === 'rejected') throw new Error('a concurrent call failed');
    expectSpokenWords(female.value, korean);
    expectSpokenWords(male.value, english);
    expect(pitchOf(female.value)).toBeGreaterThan(pitchOf(male.value) * 1.5);
  });
});
