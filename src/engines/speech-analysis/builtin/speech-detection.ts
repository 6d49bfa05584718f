import { PITCH_STEP_FRAMES, type PitchContour } from './pitch.js';
import type { Spectrogram } from './spectrogram.js';

/** Quieter than this is silence whatever else is in the recording (a good microphone's noise floor is near -70). */
const SILENCE_DB = -55;
/** Speech sits within this many dB of the utterance's loudest frame; the rest is room noise and breath. */
const DYNAMIC_RANGE_DB = 35;
/**
 * A steady floor (a room, a hiss) is not speech: a frame must also stand ABOVE_FLOOR_DB above the recording's floor.
 * The floor is the quietest stretch of FLOOR_WINDOW_FRAMES frames that are all audible, within FLOOR_STEADY_DB of
 * each other (a hiss holds its level) and at least FLOOR_BELOW_LOUDEST_DB under the loudest frame (a held vowel is
 * steady too, but loud); a recording without one has no floor rule. The LibriVox recordings' hiss sits at -52 to
 * -42 dB, 25-40 dB under their loudest frames, and was taken for speech: 0.2-0.3 s before the first word counted as
 * said (now 0.23-0.27 s found silent in four of five). Tried first and dropped: the 10th percentile of the audible
 * frames, and the quietest 100 ms; in a short clean clip both are the soft end of a word (alsa-utils' "left" lost
 * its "ft"). A soft sound held steady for 200 ms, 25 dB under the loudest, in a recording without a quieter stretch,
 * would still be taken for the floor.
 */
const ABOVE_FLOOR_DB = 10;
const FLOOR_WINDOW_FRAMES = 20;
const FLOOR_STEADY_DB = 10;
const FLOOR_BELOW_LOUDEST_DB = 25;
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
  const thresholdDb = Math.max(SILENCE_DB, loudestDb - DYNAMIC_RANGE_DB, noiseFloorDb(levelDb, loudestDb) + ABOVE_FLOOR_DB);
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

/**
 * Evidence that what passed the energy test is a voice, measured on generated noise, music and sound effects
 * against eSpeak voices in four variants, clean and over pink noise (see non-speech-sounds.ts):
 * - pitch found on under VOICED_SHARE_MIN of the speech frames: pink, brown noise and knocks 0, speech 0.19-0.66;
 * - a held pitch (under 0.1 semitone from one pitch step to the next) on over STEADY_PITCH_MAX of the voiced
 *   pairs while the pitch spans more than MELODY_SEMITONES (10th to 90th percentile): notes of a melody (held 0.9,
 *   spanning 7), speech 0.07-0.42, a synthetic voice slowed to half its pace up to 0.64 (refused at the former bar of
 *   0.6), a monotone synthetic reading holds one pitch throughout, but spans none; festival's kal_diphone voice holds
 *   0.83 over 2.9 semitones (refused at the former span of 2);
 * - a loudness envelope that barely moves (its standard deviation, floor at 50 dB below the loudest frame,
 *   under ENVELOPE_STD_MIN_DB): a siren, a string pad, a hum 0-0.4 dB, speech 6.5-17 dB.
 */
const VOICED_SHARE_MIN = 0.1;
const STEADY_PITCH_MAX = 0.75;
const STEADY_SEMITONES = 0.1;
const MELODY_SEMITONES = 3.5;
// Fewer pitch-step pairs than this say nothing about held notes (a low male voice may give one or two).
const MELODY_PAIRS_MIN = 10;
const ENVELOPE_STD_MIN_DB = 3;
const ENVELOPE_FLOOR_DB = 50;

/** 'noise' when the speech frames hold no voice: no pitch, a held pitch, or a level that does not move. */
export function judgeVoice(activity: SpeechActivity, { levelDb }: Spectrogram, pitch: PitchContour): NoSpeechReason | undefined {
  if (activity.noSpeech) return activity.noSpeech;
  let points = 0;
  let voiced = 0;
  let pairs = 0;
  let steady = 0;
  const voicedHz: number[] = [];
  for (let point = 0; point < pitch.frames.length; point++) {
    if (!activity.speech[pitch.frames[point]!]) continue;
    points++;
    if (!pitch.voiced[point]) continue;
    voiced++;
    voicedHz.push(pitch.hz[point]!);
    if (point > 0 && pitch.voiced[point - 1] && pitch.frames[point]! - pitch.frames[point - 1]! === PITCH_STEP_FRAMES) {
      pairs++;
      if (Math.abs(12 * Math.log2(pitch.hz[point]! / pitch.hz[point - 1]!)) < STEADY_SEMITONES) steady++;
    }
  }
  if (voiced < VOICED_SHARE_MIN * points) return 'noise';
  if (pairs >= MELODY_PAIRS_MIN && steady > STEADY_PITCH_MAX * pairs && spanSemitones(voicedHz) > MELODY_SEMITONES) return 'noise';
  if (envelopeStdDb(levelDb) < ENVELOPE_STD_MIN_DB) return 'noise';
  return undefined;
}

/** 10th to 90th percentile of the pitch, in semitones. */
function spanSemitones(hz: number[]): number {
  const sorted = [...hz].sort((a, b) => a - b);
  return 12 * Math.log2(sorted[Math.floor(0.9 * (sorted.length - 1))]! / sorted[Math.floor(0.1 * (sorted.length - 1))]!);
}

function envelopeStdDb(levelDb: Float32Array): number {
  const loudestDb = levelDb.reduce((loudest, level) => Math.max(loudest, level), -Infinity);
  let sum = 0;
  let squares = 0;
  for (const level of levelDb) {
    const floored = Math.max(level, loudestDb - ENVELOPE_FLOOR_DB);
    sum += floored;
    squares += floored * floored;
  }
  const mean = sum / levelDb.length;
  return Math.sqrt(Math.max(0, squares / levelDb.length - mean * mean));
}

/** The quietest steady stretch (see ABOVE_FLOOR_DB) as a mean level; -Infinity when there is none. */
function noiseFloorDb(levelDb: Float32Array, loudestDb: number): number {
  let floor = Infinity;
  for (let start = 0; start + FLOOR_WINDOW_FRAMES <= levelDb.length; start++) {
    let low = Infinity;
    let high = -Infinity;
    let sum = 0;
    for (let frame = start; frame < start + FLOOR_WINDOW_FRAMES; frame++) {
      const level = levelDb[frame]!;
      low = Math.min(low, level);
      high = Math.max(high, level);
      sum += level;
    }
    const mean = sum / FLOOR_WINDOW_FRAMES;
    if (low >= SILENCE_DB && high - low <= FLOOR_STEADY_DB && mean <= loudestDb - FLOOR_BELOW_LOUDEST_DB) floor = Math.min(floor, mean);
  }
  return floor === Infinity ? -Infinity : floor;
}

function fillGaps(speech: Uint8Array, maxGap: number): void {
  let lastSpeech = -1;
  for (let frame = 0; frame < speech.length; frame++) {
    if (!speech[frame]) continue;
    if (lastSpeech >= 0 && frame - lastSpeech > 1 && frame - lastSpeech <= maxGap + 1) speech.fill(1, lastSpeech + 1, frame);
    lastSpeech = frame;
  }
}
