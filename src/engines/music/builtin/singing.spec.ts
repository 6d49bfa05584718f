import { describe, expect, it } from 'vitest';
import { EspeakTextToSpeechEngine } from '../../text-to-speech/espeak/espeak-text-to-speech.engine.js';
import { parseLyrics } from '../lyrics.js';
import { compose } from './composition.js';
import { styleForGenre } from './genre-style.js';
import { SAMPLE_RATE } from './render.js';
import { singLyrics } from './singing.js';

/** Fundamental of a stretch of the voice by autocorrelation over 60-500 Hz, or undefined when it is not voiced. */
function pitchAt(voice: Float32Array, from: number, length: number): number | undefined {
  let best = { correlation: 0, lag: 0 };
  for (let lag = Math.floor(SAMPLE_RATE / 500); lag <= Math.ceil(SAMPLE_RATE / 60); lag++) {
    let product = 0;
    let head = 0;
    let tail = 0;
    for (let i = from; i < from + length; i++) {
      product += voice[i]! * voice[i + lag]!;
      head += voice[i]! ** 2;
      tail += voice[i + lag]! ** 2;
    }
    const correlation = product / Math.sqrt(head * tail + 1e-12);
    if (correlation > best.correlation) best = { correlation, lag };
  }
  return best.correlation > 0.7 ? SAMPLE_RATE / best.lag : undefined;
}

describe(singLyrics.name, () => {
  it('sings the long notes of the melody at their pitch, within a semitone', async () => {
    const composition = compose(parseLyrics('[verse]\n여름이 왔네 햇살이 빛나네\n\n[chorus]\nwalking alone in the summer rain'), styleForGenre('발라드'), 3);
    const voice = await singLyrics(new EspeakTextToSpeechEngine(), composition, new AbortController().signal);
    const secondsPerBeat = 60 / composition.bpm;

    const long = composition.sung.filter((note) => note.duration * secondsPerBeat >= 0.4);
    const sung = long.map((note) => {
      const middle = Math.round((note.time + note.duration * 0.6) * secondsPerBeat * SAMPLE_RATE);
      const heard = pitchAt(voice, middle, Math.round(0.04 * SAMPLE_RATE));
      return heard === undefined ? undefined : Math.abs(12 * Math.log2(heard / (440 * 2 ** ((note.pitch - 69) / 12))));
    });

    expect(long.length).toBeGreaterThanOrEqual(4);
    const inTune = sung.filter((semitones) => semitones !== undefined && semitones <= 1);
    expect(inTune.length).toBeGreaterThanOrEqual(Math.ceil(long.length * 0.7));
  }, 60_000);
});
