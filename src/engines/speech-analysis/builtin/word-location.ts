import type { WarpingPath } from './alignment.js';
import { FRAME_SECONDS } from './spectrogram.js';

/**
 * A word was not said when less than this share of its frames met the user's speech: the rest the path passed
 * over while the user was silent, or before the recording began or after it ended.
 */
const SAID_FROM_FRAMES = 0.5;

/** Where a reference word landed in the recording, in frames (the end may be fractional past the clip's last frame). */
export interface WordLocation {
  referenceStart: number;
  referenceEnd: number;
  recordingStart: number;
  recordingEnd: number;
  /** Mean feature distance along the path over the word: how unlike the reference it sounds. */
  distance: number;
  omitted: boolean;
}

/** What the path says about one clip frame: which recording frames say it, and how alike they are. */
interface FrameMatch {
  /** First and last recording frame paired with it, the user's pauses during the actor's speech excluded; -1 when none. */
  first: Int32Array;
  last: Int32Array;
  distanceSum: Float64Array;
  points: Int32Array;
  unsaid: Uint8Array;
}

/** For each clip frame, the first recording frame the path pairs it with: where that moment of the clip was said. */
export function firstRecordingFrames(path: WarpingPath, referenceFrames: number): Int32Array {
  const first = new Int32Array(referenceFrames).fill(-1);
  for (let point = 0; point < path.reference.length; point++) {
    const frame = path.reference[point]!;
    if (first[frame] === -1) first[frame] = path.recording[point]!;
  }
  return first;
}

/** For each recording frame on the path, the first clip frame it is paired with; -1 off the path. */
export function firstReferenceFrames(path: WarpingPath, recordingFrames: number): Int32Array {
  const first = new Int32Array(recordingFrames).fill(-1);
  for (let point = 0; point < path.recording.length; point++) {
    const frame = path.recording[point]!;
    if (first[frame] === -1) first[frame] = path.reference[point]!;
  }
  return first;
}

export function locateWords(
  words: { start: number; end: number }[],
  path: WarpingPath,
  referenceSpeech: Uint8Array,
  recordingSpeech: Uint8Array,
): WordLocation[] {
  const frames = referenceSpeech.length;
  const match = matchFrames(path, referenceSpeech, recordingSpeech);
  return words.map(({ start, end }) => {
    const referenceStart = clamp(Math.round(start / FRAME_SECONDS), 0, frames - 1);
    const referenceEnd = clamp(Math.round(end / FRAME_SECONDS), referenceStart + 1, frames);
    let recordingStart = -1;
    let recordingEnd = -1;
    let distance = 0;
    let points = 0;
    let saidFrames = 0;
    for (let frame = referenceStart; frame < referenceEnd; frame++) {
      if (recordingStart < 0) recordingStart = match.first[frame]!;
      if (match.last[frame]! >= 0) recordingEnd = match.last[frame]! + 1;
      distance += match.distanceSum[frame]!;
      points += match.points[frame]!;
      if (match.points[frame]! > 0 && !match.unsaid[frame]) saidFrames++;
    }
    // Past the clip's last frame there is nothing to map: the word ends as long after that frame as it does in the clip.
    recordingEnd += Math.max(0, end / FRAME_SECONDS - frames);
    const omitted = saidFrames < SAID_FROM_FRAMES * (referenceEnd - referenceStart);
    return { referenceStart, referenceEnd, recordingStart, recordingEnd, distance: points > 0 ? distance / points : Infinity, omitted };
  });
}

/** Points where the user pauses while the actor speaks are left out: a pause belongs to no word. */
function matchFrames(path: WarpingPath, referenceSpeech: Uint8Array, recordingSpeech: Uint8Array): FrameMatch {
  const frames = referenceSpeech.length;
  const match: FrameMatch = {
    first: new Int32Array(frames).fill(-1),
    last: new Int32Array(frames).fill(-1),
    distanceSum: new Float64Array(frames),
    points: new Int32Array(frames),
    unsaid: new Uint8Array(frames),
  };
  for (let point = 0; point < path.reference.length; point++) {
    const frame = path.reference[point]!;
    const recordingFrame = path.recording[point]!;
    match.unsaid[frame] ||= path.unsaid[point]!;
    if (referenceSpeech[frame] && !recordingSpeech[recordingFrame]) continue;
    if (match.first[frame] === -1) match.first[frame] = recordingFrame;
    match.last[frame] = recordingFrame;
    match.distanceSum[frame] += path.distance[point]!;
    match.points[frame]++;
  }
  return match;
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
