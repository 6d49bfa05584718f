import { FRAME_SECONDS } from './spectrogram.js';

/** The coarse pass compares 40 ms blocks (four frames averaged): a sixteenth of the cells. */
export const COARSE_FACTOR = 4;
/** Users record over the clip: they start up to a second early or two seconds late… */
const EARLIEST_LAG_FRAMES = Math.round(-1 / FRAME_SECONDS);
const LATEST_LAG_FRAMES = Math.round(2 / FRAME_SECONDS);
/** …and, over a whole line, speak at between half and twice the actor's pace (recording frames per clip frame). */
const SLOWEST_RATE = 2;
const FASTEST_RATE = 0.5;
/** The fine pass may stray this many frames from the coarse path. */
const FINE_RADIUS_FRAMES = 12;
/**
 * Passing over a clip frame while the user is silent (or the recording has not begun or has ended) costs at most
 * this: the actor said something the user did not. The same line costs 2-5 a frame, another line 9-15, speech
 * against silence more; without the cap, missing words were squeezed onto the neighbouring speech instead.
 */
const UNSAID_COST = 8;
/**
 * Lingering on a clip frame while the user pauses costs at most this: a pause the actor did not make is
 * fluency's business, not pronunciation's. Without the cap, a 300 ms pause cost more than skipping the
 * neighbouring word, which was then reported omitted.
 */
const PAUSE_COST = 4;
/**
 * Each frame of the user's speech left before or after the path costs this much; otherwise skipping all of a
 * different line and passing over the whole clip at UNSAID_COST was the cheapest path.
 */
const UNMATCHED_SPEECH_COST = 8;

/** The warping path: pairs (clip frame, recording frame), both non-decreasing, covering every clip frame. */
export interface WarpingPath {
  reference: Int32Array;
  recording: Int32Array;
  /** Feature distance at each point of the path. */
  distance: Float32Array;
  /** 1 where the path passed over the clip frame while the user was silent: the actor said it, the user did not. */
  unsaid: Uint8Array;
  /** Mean step cost along the path: how unlike the two utterances are once aligned. */
  cost: number;
}

/** For each clip frame, the range of recording frames the warping path may pair it with. */
export interface Band {
  first: Int32Array;
  last: Int32Array;
  /** Index of each row's first cell in the flattened band; rowStart[rows] is the cell count. */
  rowStart: Int32Array;
}

export interface Utterances {
  reference: Float32Array;
  recording: Float32Array;
  dimensions: number;
  /** 1 where the user says nothing: there the clip may be passed over at UNSAID_COST, or linger at PAUSE_COST. */
  recordingPause: Uint8Array;
  /**
   * The frame distances, already computed, when the caller warps many references against one recording: row
   * `matrixRows[row]` of a matrix of every recording frame's distance (frameDistance) to the reference's frames.
   */
  distances?: { matrix: Float64Array; matrixRows: Int32Array };
}

/**
 * Every mapping a user recording over the clip could plausibly produce: start within the lag window, pace within
 * bounds. `scale` is the frames per row and column (COARSE_FACTOR for the coarse pass).
 */
export function plausibleBand(rows: number, columns: number, scale = 1): Band {
  return makeBand(rows, columns, (row) => [
    Math.floor(FASTEST_RATE * row + EARLIEST_LAG_FRAMES / scale),
    Math.ceil(SLOWEST_RATE * row + LATEST_LAG_FRAMES / scale),
  ]);
}

/** The fine band: every frame of a coarse block may pair with the frames of the blocks the coarse path paired it with, ± a margin. */
export function bandAroundPath(coarse: WarpingPath, rows: number, columns: number): Band {
  const coarseRows = Math.ceil(rows / COARSE_FACTOR);
  const low = new Int32Array(coarseRows).fill(Number.MAX_SAFE_INTEGER);
  const high = new Int32Array(coarseRows).fill(-1);
  for (let point = 0; point < coarse.reference.length; point++) {
    const row = coarse.reference[point]!;
    low[row] = Math.min(low[row]!, coarse.recording[point]!);
    high[row] = Math.max(high[row]!, coarse.recording[point]!);
  }
  return makeBand(rows, columns, (row) => {
    const block = Math.floor(row / COARSE_FACTOR);
    return [low[block]! * COARSE_FACTOR - FINE_RADIUS_FRAMES, (high[block]! + 1) * COARSE_FACTOR - 1 + FINE_RADIUS_FRAMES];
  });
}

function makeBand(rows: number, columns: number, range: (row: number) => [number, number]): Band {
  const first = new Int32Array(rows);
  const last = new Int32Array(rows);
  const rowStart = new Int32Array(rows + 1);
  const clamp = (column: number) => Math.min(columns - 1, Math.max(0, column));
  for (let row = 0; row < rows; row++) {
    const [from, to] = range(row);
    first[row] = clamp(from);
    last[row] = clamp(to);
    rowStart[row + 1] = rowStart[row]! + last[row]! - first[row]! + 1;
  }
  return { first, last, rowStart };
}

/** Averages each run of `factor` frames: the coarse pass's features. */
export function coarsen(features: Float32Array, dimensions: number, factor = COARSE_FACTOR): Float32Array {
  const frames = features.length / dimensions;
  const blocks = Math.ceil(frames / factor);
  const coarse = new Float32Array(blocks * dimensions);
  for (let block = 0; block < blocks; block++) {
    const from = block * factor;
    const to = Math.min(frames, from + factor);
    for (let frame = from; frame < to; frame++) {
      for (let dimension = 0; dimension < dimensions; dimension++) {
        coarse[block * dimensions + dimension] += features[frame * dimensions + dimension]! / (to - from);
      }
    }
  }
  return coarse;
}

/** A block is a pause when most of its frames are. */
export function coarsenPauses(pause: Uint8Array, factor = COARSE_FACTOR): Uint8Array {
  const blocks = Math.ceil(pause.length / factor);
  return Uint8Array.from({ length: blocks }, (_, block) => {
    const frames = pause.subarray(block * factor, (block + 1) * factor);
    return 2 * frames.reduce((sum, value) => sum + value, 0) > frames.length ? 1 : 0;
  });
}

/**
 * Dynamic time warping of the recording's frames against the clip's within a band. Every clip frame is on
 * the path; the recording may begin and end anywhere in the band, so silence before or after the line is free.
 */
export function warp({ reference, recording, dimensions, recordingPause, distances }: Utterances, band: Band): WarpingPath {
  const rows = reference.length / dimensions;
  const columns = recording.length / dimensions;
  const cells = band.rowStart[rows]!;
  const total = new Float32Array(cells);
  const speechBefore = new Int32Array(columns + 1);
  for (let column = 0; column < columns; column++) speechBefore[column + 1] = speechBefore[column]! + 1 - recordingPause[column]!;
  // 0 diagonal; 1 from the row above (one recording frame covers several clip frames: faster, or not said);
  // 2 from the left (one clip frame covers several recording frames: slower, or a pause).
  const step = new Uint8Array(cells);

  for (let row = 0; row < rows; row++) {
    const first = band.first[row]!;
    const last = band.last[row]!;
    const cellsAbove = row > 0 ? band.rowStart[row - 1]! : 0;
    const firstAbove = row > 0 ? band.first[row - 1]! : 0;
    const lastAbove = row > 0 ? band.last[row - 1]! : -1;
    const matrixRow = distances ? distances.matrixRows[row]! * columns : -1;
    for (let column = first; column <= last; column++) {
      const cell = band.rowStart[row]! + column - first;
      const distance = distances ? distances.matrix[matrixRow + column]! : frameDistance(reference, row, recording, column, dimensions);
      if (row === 0) {
        total[cell] = distance + UNMATCHED_SPEECH_COST * speechBefore[column]!;
        continue;
      }
      let best = Infinity;
      let from = 0;
      if (column - 1 >= firstAbove && column - 1 <= lastAbove) best = total[cellsAbove + column - 1 - firstAbove]! + distance;
      if (column >= firstAbove && column <= lastAbove) {
        const unsaid = isSilent(recordingPause, column) ? Math.min(distance, UNSAID_COST) : distance;
        const candidate = total[cellsAbove + column - firstAbove]! + unsaid;
        if (candidate < best) {
          best = candidate;
          from = 1;
        }
      }
      if (column > first) {
        const candidate = total[cell - 1]! + (recordingPause[column] ? Math.min(distance, PAUSE_COST) : distance);
        if (candidate < best) {
          best = candidate;
          from = 2;
        }
      }
      total[cell] = best;
      step[cell] = from;
    }
  }
  const lastRow = rows - 1;
  let end = { column: band.first[lastRow]!, total: Infinity };
  for (let column = band.first[lastRow]!; column <= band.last[lastRow]!; column++) {
    const speechAfter = speechBefore[columns]! - speechBefore[column + 1]!;
    const candidate = total[band.rowStart[lastRow]! + column - band.first[lastRow]!]! + UNMATCHED_SPEECH_COST * speechAfter;
    if (candidate < end.total) end = { column, total: candidate };
  }
  return tracePath({ reference, recording, dimensions, recordingPause }, band, step, end);
}

/** Where the user says nothing: a pause, or before the recording begins or after it ends. */
function isSilent(recordingPause: Uint8Array, column: number): boolean {
  return recordingPause[column] === 1 || column === 0 || column === recordingPause.length - 1;
}

function tracePath(
  { reference, recording, dimensions, recordingPause }: Utterances,
  band: Band,
  step: Uint8Array,
  end: { column: number; total: number },
): WarpingPath {
  let row = band.first.length - 1;
  let column = end.column;
  const referenceFrames: number[] = [];
  const recordingFrames: number[] = [];
  const fromAbove: boolean[] = [];
  for (;;) {
    referenceFrames.push(row);
    recordingFrames.push(column);
    const from = row === 0 ? 0 : step[band.rowStart[row]! + column - band.first[row]!]!;
    fromAbove.push(from === 1);
    if (row === 0) break;
    if (from !== 2) row--;
    if (from !== 1) column--;
  }
  fromAbove.reverse();
  const path = { reference: Int32Array.from(referenceFrames.reverse()), recording: Int32Array.from(recordingFrames.reverse()) };
  const distance = new Float32Array(path.reference.length);
  const unsaid = new Uint8Array(path.reference.length);
  for (let point = 0; point < distance.length; point++) {
    const column = path.recording[point]!;
    distance[point] = frameDistance(reference, path.reference[point]!, recording, column, dimensions);
    unsaid[point] = fromAbove[point] && isSilent(recordingPause, column) && distance[point]! > UNSAID_COST ? 1 : 0;
  }
  return { ...path, distance, unsaid, cost: end.total / distance.length };
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
