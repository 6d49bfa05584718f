import type { Spectrogram } from './spectrogram.js';

/** Quieter than this is silence whatever else is in the recording (a good microphone's noise floor is near -70). */
const SILENCE_DB = -55;
/** Speech sits within this many dB of the utterance's loudest frame; the rest is room noise and breath. */
const DYNAMIC_RANGE_DB = 35;
/** White noise measures 0.46-0.6 a frame; voiced speech stays under 0.2, fricatives reach 0.49 (their gaps are filled). */
const NOISE_FLATNESS = 0.4;
/** A consonant's gap inside a word is not a pause: fill speech gaps up to this many frames. */
const GAP_FRAMES = 8;
/** Less speech than this (frames) is a click or a cough, not a line. */
export const MIN_SPEECH_FRAMES = 20;

export type NoSpeechReason = 'silence' | 'noise';

export interface SpeechActivity {
  /** 1 where a frame holds speech. */
  speech: Uint8Array;
  speechFrames: number;
  /** Why there is no speech, when there is not enough. */
  noSpeech?: NoSpeechReason;
}

export function detectSpeech({ frames, levelDb, flatness }: Spectrogram): SpeechActivity {
  const loudestDb = levelDb.reduce((loudest, level) => Math.max(loudest, level), -Infinity);
  const thresholdDb = Math.max(SILENCE_DB, loudestDb - DYNAMIC_RANGE_DB);
  const speech = new Uint8Array(frames);
  let loudFrames = 0;
  for (let frame = 0; frame < frames; frame++) {
    if (levelDb[frame]! < thresholdDb) continue;
    loudFrames++;
    if (flatness[frame]! < NOISE_FLATNESS) speech[frame] = 1;
  }
  fillGaps(speech, GAP_FRAMES);
  const speechFrames = speech.reduce((count, value) => count + value, 0);
  if (speechFrames >= MIN_SPEECH_FRAMES) return { speech, speechFrames };
  return { speech, speechFrames, noSpeech: loudFrames >= MIN_SPEECH_FRAMES ? 'noise' : 'silence' };
}

function fillGaps(speech: Uint8Array, maxGap: number): void {
  let lastSpeech = -1;
  for (let frame = 0; frame < speech.length; frame++) {
    if (!speech[frame]) continue;
    if (lastSpeech >= 0 && frame - lastSpeech > 1 && frame - lastSpeech <= maxGap + 1) speech.fill(1, lastSpeech + 1, frame);
    lastSpeech = frame;
  }
}
