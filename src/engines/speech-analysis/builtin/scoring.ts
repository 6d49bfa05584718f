import { PITCH_STEP_FRAMES, semitonesAboveMedian, type PitchContour } from './pitch.js';
import { FRAME_SECONDS } from './spectrogram.js';
import type { WordLocation } from './word-location.js';

/** A word this far (ms) from the actor's is early or late: about where viewers notice (ITU-R BT.1359 accepts -90/+185 ms). */
export const OFF_SYNC_MS = 150;
/** Full timing marks within this offset (ms), none from TIMING_ZERO_MS on, linear between. */
const TIMING_FULL_MS = 60;
const TIMING_ZERO_MS = 560;

/**
 * Pronunciation is a logistic of the aligned feature distance, centred between what the same line costs
 * in a voice of the other gender (eSpeak, after warping: 4.1-5.4) and what a different line costs (9.4-15).
 */
const PRONUNCIATION_MIDPOINT = 7.5;
const PRONUNCIATION_SLOPE = 1;
/**
 * Pronunciation against synthetic references is a logistic of the margin (how much closer the take is to the script
 * than to the closest cohort line, relative to its cost to the script; see pronunciationMargin), on phone posteriors.
 * Measured (engine 3.0: phones of every frame) with eSpeak m2/f4 references on bench/analyzer-dev lines: the actor's
 * own clip beats the cohort by 0.77-1.23 in eSpeak voices, by 0.03-0.24 in flite and human voices (one alsa-utils clip
 * -0.37); the right line in other voices by -0.005-1.65 (median 0.15-1.1 by family); another line in the actor's voice
 * -0.38-0.09, but for two-word lines sharing a word (alsa-utils "Side right" for "Side left" 0.149, as much as the
 * actor's own clip of the script). So the bar is ACTOR_MARGIN_SHARE of the actor's own margin, no higher than
 * HIGHEST_MIDPOINT and no lower than 0 (no closer to the script than to another line), and the logistic's scale a third
 * of the bar, at least MARGIN_SCALE_MIN. Kendall tau of the alsa-utils family with the bar at half the actor's margin:
 * 0.832, at 0.4: 0.860 (0.3-0.45 gave 0.81-0.83 with a first phone model; the other families did not move). The cap
 * binds for an actor in an eSpeak voice (the demo catalog's): with a first phone model, eSpeak-en tau 0.906 at a cap of
 * 0.06 (but English pairs 74/78 against 76/78), 0.874 at 0.08, 0.806 at 0.10.
 */
const ACTOR_MARGIN_SHARE = 0.4;
const LOWEST_MIDPOINT = 0;
const HIGHEST_MIDPOINT = 0.08;
const MARGIN_SCALE_MIN = 0.01;

/**
 * A line that is not the script's is not in sync however well it is timed: the overall is scaled down by
 * pronunciation below this, so another line, or noise that passed for speech, scores near zero.
 */
const CONTENT_GATE = 50;

/** A word is mispronounced under this score, or when it is this many times the utterance's median word distance. */
const MISPRONOUNCED_BELOW_SCORE = 40;
const MISPRONOUNCED_DISTANCE_RATIO = 1.6;
const MISPRONOUNCED_MIN_DISTANCE = 5;

/**
 * Full intonation marks within this mean deviation (semitones) from the actor's contour, none from INTONATION_ZERO.
 * Measured on eSpeak against m3: the same line in f3 0.5-0.6, a Korean question for a statement 1.1, other lines 0.8-2.
 */
const INTONATION_FULL_SEMITONES = 0.5;
const INTONATION_ZERO_SEMITONES = 3.5;
const MIN_PITCH_PAIRS = 5;

/** Pauses the actor did not make: a silence inside the line longer than this (frames) counts. */
const PAUSE_FRAMES = 25;
/** Points off per second of pause the actor did not make, and for speaking rate beyond ±10 % of the actor's. */
const PAUSE_PENALTY_PER_SECOND = 30;
const RATE_TOLERANCE = Math.log(1.1);
/** Speech this close (frames) before the first word or after the last is the word's own edge, not extra speech. */
const EXTRA_SPEECH_TOLERANCE_FRAMES = 25;
const RATE_PENALTY = 250;

/** Overall = weighted mean; sync and pronunciation matter most when dubbing. */
export const OVERALL_WEIGHTS = { timing: 0.3, pronunciation: 0.3, intonation: 0.15, fluency: 0.1, completeness: 0.15 };

export function timingScore(offsetMs: number): number {
  return 100 * clamp01(1 - (Math.abs(offsetMs) - TIMING_FULL_MS) / (TIMING_ZERO_MS - TIMING_FULL_MS));
}

export function pronunciationScore(distance: number): number {
  return 100 / (1 + Math.exp((distance - PRONUNCIATION_MIDPOINT) / PRONUNCIATION_SLOPE));
}

export function marginPronunciationScore(margin: number, actorMargin: number): number {
  const midpoint = clamp(ACTOR_MARGIN_SHARE * actorMargin, LOWEST_MIDPOINT, HIGHEST_MIDPOINT);
  return 100 / (1 + Math.exp(-(margin - midpoint) / Math.max(midpoint / 3, MARGIN_SCALE_MIN)));
}

export function isMispronounced(word: WordLocation, medianDistance: number): boolean {
  if (pronunciationScore(word.distance) < MISPRONOUNCED_BELOW_SCORE) return true;
  return word.distance > MISPRONOUNCED_MIN_DISTANCE && word.distance > MISPRONOUNCED_DISTANCE_RATIO * medianDistance;
}

/**
 * How closely the user's melody follows the actor's: both contours in semitones around their own median
 * (a higher or lower voice is no fault), compared where the path pairs voiced moments of both.
 */
export function intonationScore(reference: PitchContour, user: PitchContour, firstRecording: Int32Array): number {
  const referenceSemitones = semitonesAboveMedian(reference);
  const userSemitones = semitonesAboveMedian(user);
  let deviation = 0;
  let pairs = 0;
  for (let point = 0; point < reference.frames.length; point++) {
    if (!reference.voiced[point]) continue;
    const recordingFrame = firstRecording[reference.frames[point]!]!;
    const userPoint = Math.round(recordingFrame / PITCH_STEP_FRAMES);
    if (recordingFrame < 0 || !user.voiced[userPoint]) continue;
    deviation += Math.abs(referenceSemitones[point]! - userSemitones[userPoint]!);
    pairs++;
  }
  if (pairs < MIN_PITCH_PAIRS) return 0;
  const meanDeviation = deviation / pairs;
  return 100 * clamp01(1 - (meanDeviation - INTONATION_FULL_SEMITONES) / (INTONATION_ZERO_SEMITONES - INTONATION_FULL_SEMITONES));
}

/**
 * Speaking rate over the spoken words against the actor's, pauses inside the line where the actor made none (or a
 * shorter one), and speech before or after the line where the actor has none; a pause or extra speech costs
 * PAUSE_PENALTY_PER_SECOND.
 */
export function fluencyScore(
  spoken: WordLocation[],
  referenceSpeech: Uint8Array,
  recordingSpeech: Uint8Array,
  firstReference: Int32Array,
): number {
  if (spoken.length === 0) return 0;
  const userFrames = spoken.at(-1)!.recordingEnd - spoken[0]!.recordingStart;
  const referenceFrames = spoken.at(-1)!.referenceEnd - spoken[0]!.referenceStart;
  const rateDeviation = Math.abs(Math.log(Math.max(1, userFrames) / referenceFrames));
  const ratePenalty = RATE_PENALTY * Math.max(0, rateDeviation - RATE_TOLERANCE);

  let unexpectedPauseFrames = 0;
  let pauseStart = -1;
  const end = Math.ceil(spoken.at(-1)!.recordingEnd);
  for (let frame = spoken[0]!.recordingStart; frame <= end; frame++) {
    const silent = frame < end && !recordingSpeech[frame];
    if (silent && pauseStart < 0) pauseStart = frame;
    if (silent || pauseStart < 0) continue;
    const length = frame - pauseStart;
    if (length >= PAUSE_FRAMES) {
      unexpectedPauseFrames += Math.max(0, length - actorPauseFrames(pauseStart, frame, referenceSpeech, firstReference));
    }
    pauseStart = -1;
  }
  const pausePenalty = PAUSE_PENALTY_PER_SECOND * unexpectedPauseFrames * FRAME_SECONDS;

  const userExtra = speechOutside(recordingSpeech, spoken[0]!.recordingStart, spoken.at(-1)!.recordingEnd);
  const actorExtra = speechOutside(referenceSpeech, spoken[0]!.referenceStart, spoken.at(-1)!.referenceEnd);
  const extraPenalty = PAUSE_PENALTY_PER_SECOND * Math.max(0, userExtra - actorExtra) * FRAME_SECONDS;
  return clamp(100 - ratePenalty - pausePenalty - extraPenalty, 0, 100);
}

/**
 * Frames of speech more than EXTRA_SPEECH_TOLERANCE_FRAMES before the first spoken word or after the last: the line
 * said twice, an ad-lib, talking over the next line. The actor's own speech outside the script's words (a breath,
 * another character in the clip) is allowed the user as well.
 */
function speechOutside(speech: Uint8Array, first: number, last: number): number {
  let frames = 0;
  for (let frame = 0; frame < speech.length; frame++) {
    if (speech[frame] && (frame < first - EXTRA_SPEECH_TOLERANCE_FRAMES || frame >= last + EXTRA_SPEECH_TOLERANCE_FRAMES)) frames++;
  }
  return frames;
}

/** How much silence the actor left over the stretch of the clip the user's pause maps to. */
function actorPauseFrames(from: number, to: number, referenceSpeech: Uint8Array, firstReference: Int32Array): number {
  const referenceFrom = firstReference[from]!;
  const referenceTo = firstReference[to]! >= 0 ? firstReference[to]! : referenceFrom;
  let silent = 0;
  for (let frame = Math.max(0, referenceFrom); frame < referenceTo; frame++) silent += referenceSpeech[frame] ? 0 : 1;
  return silent;
}

export function overallScore(scores: Record<keyof typeof OVERALL_WEIGHTS, number>): number {
  const weighted = Object.entries(OVERALL_WEIGHTS).reduce((sum, [name, weight]) => sum + weight * scores[name as keyof typeof OVERALL_WEIGHTS], 0);
  return weighted * clamp01(scores.pronunciation / CONTENT_GATE);
}

const clamp01 = (value: number) => clamp(value, 0, 1);
const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
