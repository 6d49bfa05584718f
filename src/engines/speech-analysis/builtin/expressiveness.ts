import { semitonesAboveMedian, type PitchContour } from './pitch.js';
import type { WordLocation } from './word-location.js';

/** Weights of the three things a flat reading loses: how far the pitch goes, how much it moves, how the loudness moves. */
const WEIGHTS = { pitchRange: 0.4, pitchMovement: 0.3, loudness: 0.3 };
/** Below this the actor's own delivery is flat in that respect, and any take matches it. */
const FLAT_ACTOR = { pitchRange: 1, pitchMovement: 0.05, loudness: 1 };
/** A stretch is monotone when its pitch range is under this share of the actor's, and the actor's spans at least… */
const MONOTONE_SHARE = 0.4;
/** …this many semitones over a sentence, or this many over a word. */
const MONOTONE_SENTENCE_SEMITONES = 3;
const MONOTONE_WORD_SEMITONES = 2;
const MIN_VOICED_POINTS = 3;

export interface Delivery {
  pitchRange: number;
  pitchMovement: number;
  loudness: number;
}

export interface Signals {
  pitch: PitchContour;
  levelDb: Float32Array;
  speech: Uint8Array;
}

export interface SpanExpressiveness {
  score: number;
  monotone: boolean;
}

export interface ExpressivenessResult {
  overall: number;
  sentences: Array<SpanExpressiveness & { sentence: number }>;
  /** Per word, in the order given; false for an omitted word. */
  wordMonotone: boolean[];
}

/**
 * How much of the actor's delivery the take keeps, after alignment: per sentence, the take's pitch range (10th
 * to 90th percentile, semitones), pitch movement (mean step between voiced points) and loudness movement (level
 * deviation over speech) against the actor's over the same words. More than the actor is not penalised.
 */
export function judgeExpressiveness(
  locations: WordLocation[],
  sentenceOf: (word: number) => number,
  reference: Signals,
  recording: Signals,
): ExpressivenessResult {
  const referenceSemitones = semitonesAboveMedian(reference.pitch);
  const recordingSemitones = semitonesAboveMedian(recording.pitch);
  const deliveryOf = (signals: Signals, semitones: Float32Array, from: number, to: number) => delivery(signals, semitones, from, to);
  const wordMonotone = locations.map((location) => {
    if (location.omitted) return false;
    const actor = deliveryOf(reference, referenceSemitones, location.referenceStart, location.referenceEnd);
    const take = deliveryOf(recording, recordingSemitones, location.recordingStart, location.recordingEnd);
    return actor.pitchRange >= MONOTONE_WORD_SEMITONES && take.pitchRange < MONOTONE_SHARE * actor.pitchRange;
  });

  const sentences = new Map<number, WordLocation[]>();
  locations.forEach((location, word) => {
    if (location.omitted) return;
    sentences.set(sentenceOf(word), [...(sentences.get(sentenceOf(word)) ?? []), location]);
  });
  const results: ExpressivenessResult['sentences'] = [];
  let weighted = 0;
  let frames = 0;
  for (const [sentence, spoken] of sentences) {
    const referenceFrom = spoken[0]!.referenceStart;
    const referenceTo = spoken.at(-1)!.referenceEnd;
    const actor = deliveryOf(reference, referenceSemitones, referenceFrom, referenceTo);
    const take = deliveryOf(recording, recordingSemitones, spoken[0]!.recordingStart, Math.ceil(spoken.at(-1)!.recordingEnd));
    const score = 100 * kept(actor, take);
    const monotone = actor.pitchRange >= MONOTONE_SENTENCE_SEMITONES && take.pitchRange < MONOTONE_SHARE * actor.pitchRange;
    results.push({ sentence, score, monotone });
    weighted += score * (referenceTo - referenceFrom);
    frames += referenceTo - referenceFrom;
  }
  // Words never said are delivery never given: they count as flat.
  const allFrames = locations.reduce((sum, location) => sum + location.referenceEnd - location.referenceStart, 0);
  const saidShare = allFrames > 0 ? locations.filter((location) => !location.omitted).reduce((sum, location) => sum + location.referenceEnd - location.referenceStart, 0) / allFrames : 0;
  return { overall: frames > 0 ? (weighted / frames) * saidShare : 0, sentences: results, wordMonotone };
}

function kept(actor: Delivery, take: Delivery): number {
  return (Object.keys(WEIGHTS) as Array<keyof Delivery>).reduce((sum, aspect) => {
    const share = actor[aspect] < FLAT_ACTOR[aspect] ? 1 : Math.min(1, take[aspect] / actor[aspect]);
    return sum + WEIGHTS[aspect] * share;
  }, 0);
}

function delivery({ pitch, levelDb, speech }: Signals, semitones: Float32Array, from: number, to: number): Delivery {
  const voiced: number[] = [];
  let movement = 0;
  let steps = 0;
  let previous: number | undefined;
  for (let point = 0; point < pitch.frames.length; point++) {
    const frame = pitch.frames[point]!;
    if (frame < from || frame >= to) continue;
    if (!pitch.voiced[point]) {
      previous = undefined;
      continue;
    }
    const value = semitones[point]!;
    voiced.push(value);
    if (previous !== undefined) {
      movement += Math.abs(value - previous);
      steps++;
    }
    previous = value;
  }
  voiced.sort((a, b) => a - b);
  const percentile = (share: number) => voiced[Math.min(voiced.length - 1, Math.floor(share * voiced.length))]!;
  let sum = 0;
  let squares = 0;
  let count = 0;
  for (let frame = Math.max(0, from); frame < Math.min(to, levelDb.length); frame++) {
    if (!speech[frame]) continue;
    sum += levelDb[frame]!;
    squares += levelDb[frame]! ** 2;
    count++;
  }
  return {
    pitchRange: voiced.length >= MIN_VOICED_POINTS ? percentile(0.9) - percentile(0.1) : 0,
    pitchMovement: steps > 0 ? movement / steps : 0,
    loudness: count > 1 ? Math.sqrt(Math.max(0, squares / count - (sum / count) ** 2)) : 0,
  };
}
