import { FRAME_SECONDS } from './spectrogram.js';

/** Users record over the clip: they start up to a second early or two seconds late… */
const EARLIEST_LAG_FRAMES = Math.round(-1 / FRAME_SECONDS);
const LATEST_LAG_FRAMES = Math.round(2 / FRAME_SECONDS);
/** …and speak up to a fifth faster or slower (recording frames per reference frame). */
const RATES = [0.8, 0.85, 0.9, 0.95, 1, 1.05, 1.1, 1.15, 1.2, 1.25];
/** The warping path may stray this far (frames) from the straight line the envelopes agree on. */
export const BAND_FRAMES = 60;
/** Level envelopes are compared down to this many dB under the loudest frame. */
const ENVELOPE_RANGE_DB = 40;

/** Where the recording's frames sit relative to the reference's: recording frame ≈ rate × reference frame + lag. */
export interface GlobalTiming {
  lag: number;
  rate: number;
}

/** The warping path: pairs (reference frame, recording frame), both non-decreasing, covering every reference frame. */
export interface WarpingPath {
  reference: Int32Array;
  recording: Int32Array;
  /** Feature distance at each point of the path. */
  distance: Float32Array;
  /** Mean distance along the path: how unlike the two utterances are once aligned. */
  cost: number;
}

/** Cross-correlates the loudness envelopes over the plausible lags and rates; cheap, and enough to centre the DTW band. */
export function estimateGlobalTiming(referenceLevelDb: Float32Array, recordingLevelDb: Float32Array): GlobalTiming {
  const reference = envelope(referenceLevelDb);
  const recording = envelope(recordingLevelDb);
  // Beyond the recording's ends the user is silent: the envelope's lowest value, not zero.
  const outside = recording.reduce((lowest, value) => Math.min(lowest, value), 0);
  let best: GlobalTiming & { score: number } = { lag: 0, rate: 1, score: -Infinity };
  for (const rate of RATES) {
    for (let lag = EARLIEST_LAG_FRAMES; lag <= LATEST_LAG_FRAMES; lag++) {
      let product = 0;
      let energy = 0;
      for (let frame = 0; frame < reference.length; frame++) {
        const mapped = Math.round(rate * frame + lag);
        const value = mapped >= 0 && mapped < recording.length ? recording[mapped]! : outside;
        product += reference[frame]! * value;
        energy += value * value;
      }
      const score = product / Math.sqrt(energy + 1e-9);
      if (score > best.score) best = { lag, rate, score };
    }
  }
  return { lag: best.lag, rate: best.rate };
}

function envelope(levelDb: Float32Array): Float32Array {
  const loudest = levelDb.reduce((max, level) => Math.max(max, level), -Infinity);
  const clipped = levelDb.map((level) => Math.max(level - loudest, -ENVELOPE_RANGE_DB));
  const mean = clipped.reduce((sum, value) => sum + value, 0) / Math.max(1, clipped.length);
  return clipped.map((value) => value - mean);
}

/**
 * Dynamic time warping of the recording's feature frames against the reference's, within a band around
 * the global timing. Every reference frame is matched; the recording may begin and end anywhere in the band,
 * so silence the user left before or after the line costs nothing.
 */
export function alignFrames(
  reference: Float32Array,
  recording: Float32Array,
  dimensions: number,
  timing: GlobalTiming,
  bandFrames = BAND_FRAMES,
): WarpingPath {
  const rows = reference.length / dimensions;
  const columns = recording.length / dimensions;
  const band = bandAround(timing, rows, columns, bandFrames);
  const cells = band.rowStart[rows]!;
  const total = new Float32Array(cells);
  // 0 diagonal, 1 from the row above (the recording lingers), 2 from the left (the reference lingers).
  const step = new Uint8Array(cells);

  for (let row = 0; row < rows; row++) {
    const first = band.first[row]!;
    const last = band.last[row]!;
    const cellsAbove = row > 0 ? band.rowStart[row - 1]! : 0;
    const firstAbove = row > 0 ? band.first[row - 1]! : 0;
    const lastAbove = row > 0 ? band.last[row - 1]! : -1;
    for (let column = first; column <= last; column++) {
      const cell = band.rowStart[row]! + column - first;
      const distance = frameDistance(reference, row, recording, column, dimensions);
      if (row === 0) {
        total[cell] = distance;
        continue;
      }
      let best = Infinity;
      let from = 0;
      if (column - 1 >= firstAbove && column - 1 <= lastAbove) best = total[cellsAbove + column - 1 - firstAbove]!;
      if (column >= firstAbove && column <= lastAbove && total[cellsAbove + column - firstAbove]! < best) {
        best = total[cellsAbove + column - firstAbove]!;
        from = 1;
      }
      if (column > first && total[cell - 1]! < best) {
        best = total[cell - 1]!;
        from = 2;
      }
      total[cell] = best + distance;
      step[cell] = from;
    }
  }
  return tracePath(reference, recording, dimensions, band, total, step);
}

interface Band {
  first: Int32Array;
  last: Int32Array;
  /** Index of each row's first cell in the flattened band; rowStart[rows] is the cell count. */
  rowStart: Int32Array;
}

function bandAround({ lag, rate }: GlobalTiming, rows: number, columns: number, width: number): Band {
  const first = new Int32Array(rows);
  const last = new Int32Array(rows);
  const rowStart = new Int32Array(rows + 1);
  const clamp = (column: number) => Math.min(columns - 1, Math.max(0, column));
  for (let row = 0; row < rows; row++) {
    const centre = rate * row + lag;
    first[row] = clamp(Math.floor(centre - width));
    last[row] = clamp(Math.ceil(centre + width));
    rowStart[row + 1] = rowStart[row]! + last[row]! - first[row]! + 1;
  }
  return { first, last, rowStart };
}

function tracePath(
  reference: Float32Array,
  recording: Float32Array,
  dimensions: number,
  band: Band,
  total: Float32Array,
  step: Uint8Array,
): WarpingPath {
  const rows = band.first.length;
  let row = rows - 1;
  let column = band.first[row]!;
  for (let candidate = column; candidate <= band.last[row]!; candidate++) {
    if (total[band.rowStart[row]! + candidate - band.first[row]!]! < total[band.rowStart[row]! + column - band.first[row]!]!) {
      column = candidate;
    }
  }
  const referenceFrames: number[] = [];
  const recordingFrames: number[] = [];
  for (;;) {
    referenceFrames.push(row);
    recordingFrames.push(column);
    if (row === 0) break;
    const from = step[band.rowStart[row]! + column - band.first[row]!]!;
    if (from !== 2) row--;
    if (from !== 1) column--;
  }
  const path = {
    reference: Int32Array.from(referenceFrames.reverse()),
    recording: Int32Array.from(recordingFrames.reverse()),
  };
  const distance = new Float32Array(path.reference.length);
  let sum = 0;
  for (let index = 0; index < distance.length; index++) {
    distance[index] = frameDistance(reference, path.reference[index]!, recording, path.recording[index]!, dimensions);
    sum += distance[index]!;
  }
  return { ...path, distance, cost: sum / distance.length };
}

/** Euclidean distance between two feature frames. */
export function frameDistance(a: Float32Array, aFrame: number, b: Float32Array, bFrame: number, dimensions: number): number {
  let sum = 0;
  const aStart = aFrame * dimensions;
  const bStart = bFrame * dimensions;
  for (let dimension = 0; dimension < dimensions; dimension++) {
    const difference = a[aStart + dimension]! - b[bStart + dimension]!;
    sum += difference * difference;
  }
  return Math.sqrt(sum);
}
