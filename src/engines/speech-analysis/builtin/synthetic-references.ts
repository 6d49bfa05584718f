import { COARSE_FACTOR, coarsen, coarsenPauses, frameDistance, plausibleBand, warp, type Utterances } from './alignment.js';
import { FEATURE_DIMENSIONS, melCepstra } from './mel-cepstrum.js';
import { phoneModel, phonePosteriors } from './phone-posteriors.js';
import { SAMPLE_RATE, SPECTRUM_BINS, type Spectrogram } from './spectrogram.js';
import { listen, type Utterance } from './utterance.js';

/**
 * A synthetic utterance as the pronunciation score needs it: coarse (40 ms) phone posteriors (see marginFeatures), no
 * warp (eSpeak's male and female voices stand for both vocal tract lengths; the take is warped instead).
 */
export interface SyntheticUtterance {
  features: Float32Array;
  blocks: number;
}

/** The script said by each reference voice, and per voice the cohort lines said one after another. */
export interface SyntheticReferences {
  line: SyntheticUtterance[];
  cohort: Array<SyntheticUtterance & { lineStarts: number[] }>;
}

/** The take's coarse features for a few vocal-tract-length warps, and where it pauses (per block). */
export interface TakeFeatures {
  byWarp: Float32Array[];
  pause: Uint8Array;
}

/**
 * Warps of the take tried against each reference voice. With a male and a female reference voice, warping the
 * take as well (0.85, 1, 1.2) did not separate the right line from another any better (bench/analyzer-dev lines,
 * eSpeak and flite takes: 99.4 % of pairs ordered right unwarped, 99.0 % warped) and cost three times the CPU.
 */
export const MARGIN_WARP_FACTORS = [1];

/**
 * Frames of silence kept before the first and after the last frame of speech. The margin compares utterances cut
 * to their speech, so the silence before a take (a late start, a slow click on record) changes neither its coarse
 * blocks nor their normalisation: uncut, the same take 10-30 ms later moved its margin by up to 0.05 and a late take
 * of the right line was judged another line. Measured on bench/analyzer-dev (flite and human takes, English): the
 * right line's lowest margin against another line's highest was 0.024/-0.034 cut with 5 frames (0.006/-0.050 with 0,
 * 0.006/-0.054 with 10), -0.029/-0.022 uncut.
 */
const MARGIN_PAD_FRAMES = 5;

/**
 * The phone model reads every second frame, and a block is the mean of its two: half the model's cost (about 60 ms per
 * 10 s of speech read whole). Measured on bench/analyzer-dev (in-process replay, Kendall tau eSpeak en, eSpeak ko, flite,
 * LibriVox, alsa-utils; English pairs): every frame 0.832, 1.000, 0.951, 0.972, 0.890, 75/78; every second 0.835,
 * 1.000, 0.961, 0.972, 0.894, 75/78.
 */
const POSTERIOR_STRIDE = 2;

/** Values per block of the margin's features: one per phone of the shipped model. */
export const marginDimensions = (): number => phoneModel().classes.length;

export function syntheticUtterance(signal: Float32Array): SyntheticUtterance {
  const [features] = marginFeatures(listen(signal), [1]).byWarp;
  return { features: features!, blocks: features!.length / marginDimensions() };
}

/**
 * An utterance's coarse features for the margin, for each warp: per 40 ms block, how likely each phone is (see
 * phone-posteriors.ts), from cepstra cut to the speech (see marginCepstra). Cepstra follow the voice as much as the
 * words: compared directly, the alsa-utils voice's own clips of its two-word lines were no closer to their script
 * said by eSpeak than to other lines (margin -0.06-0.05), and festival's voices saying the right line were judged
 * another line. As phones: the same clips 0.10-0.23 but one (-0.37), and the family's Kendall tau went 0.66 → 0.83
 * with the scoring unchanged (bench/analyzer-dev).
 */
export function marginFeatures(utterance: Utterance, warpFactors = MARGIN_WARP_FACTORS): TakeFeatures {
  const dimensions = marginDimensions();
  const span = speechSpan(utterance);
  const byWarp = warpFactors.map((warpFactor) =>
    coarsen(phonePosteriors(spanCepstra(span, warpFactor), POSTERIOR_STRIDE), dimensions, COARSE_FACTOR / POSTERIOR_STRIDE),
  );
  return { byWarp, pause: coarsenPauses(span.pause) };
}

/**
 * An utterance's cepstra cut to its speech (see MARGIN_PAD_FRAMES), each dimension divided by its deviation over
 * what is kept, and the frame of the utterance the cut starts at (negative: inside the silence framing it). The
 * recording is framed by MARGIN_PAD_FRAMES of digital silence first, so a take that starts (or stops) talking in
 * its first (last) frames gets the same padding as one that leaves room: without them, a clip whose speech starts
 * in its second frame scored 70 on pronunciation on time and 7 300 ms late (bench/analyzer-dev, alsa-utils lines).
 */
export function marginCepstra(utterance: Utterance, warpFactor = 1): { cepstra: Float32Array; from: number } {
  const span = speechSpan(utterance);
  return { cepstra: spanCepstra(span, warpFactor), from: span.from - MARGIN_PAD_FRAMES };
}

interface SpeechSpan {
  /** The spectrogram framed by MARGIN_PAD_FRAMES of silence, and its speech frames. */
  framed: Spectrogram;
  speech: Uint8Array;
  /** The frames [from, to) of `framed` kept around the speech, and which of them are pauses. */
  from: number;
  to: number;
  pause: Uint8Array;
}

function speechSpan({ spectrogram, activity }: Utterance): SpeechSpan {
  const framed = withSilentEdges(spectrogram, MARGIN_PAD_FRAMES);
  const speech = new Uint8Array(framed.frames);
  speech.set(activity.speech, MARGIN_PAD_FRAMES);
  const first = speech.indexOf(1);
  const from = first < 0 ? 0 : first - MARGIN_PAD_FRAMES;
  const to = first < 0 ? speech.length : speech.lastIndexOf(1) + 1 + MARGIN_PAD_FRAMES;
  return { framed, speech, from, to, pause: speech.subarray(from, to).map((frame) => 1 - frame) };
}

function spanCepstra({ framed, speech, from, to }: SpeechSpan, warpFactor: number): Float32Array {
  return normalizeVariance(melCepstra(framed, speech, warpFactor).subarray(from * FEATURE_DIMENSIONS, to * FEATURE_DIMENSIONS));
}

/** Level of a frame of digital silence: below any floor the features clamp to. */
const SILENT_LEVEL_DB = -400;

/** The spectrogram with `frames` frames of digital silence before and after it. */
function withSilentEdges(spectrogram: Spectrogram, frames: number): Spectrogram {
  const power = new Float32Array(spectrogram.power.length + 2 * frames * SPECTRUM_BINS);
  power.set(spectrogram.power, frames * SPECTRUM_BINS);
  const edged = (values: Float32Array, silent: number) => {
    const out = new Float32Array(values.length + 2 * frames).fill(silent);
    out.set(values, frames);
    return out;
  };
  return {
    frames: spectrogram.frames + 2 * frames,
    power,
    levelDb: edged(spectrogram.levelDb, SILENT_LEVEL_DB),
    flatness: edged(spectrogram.flatness, 0),
  };
}

/**
 * Each dimension divided by its deviation over the utterance: a voice's own spread of timbre taken out. With it (on
 * coarse cepstra, before the phone model), flite and human takes of the right line beat the cohort clearly
 * (bench/analyzer-dev, English pairs ordered right 96 % against 89 %; the actor's own clip 300 ms late no longer
 * judged another line).
 */
export function normalizeVariance(features: Float32Array): Float32Array {
  const blocks = features.length / FEATURE_DIMENSIONS;
  const normalized = new Float32Array(features.length);
  for (let dimension = 0; dimension < FEATURE_DIMENSIONS; dimension++) {
    let sum = 0;
    let squares = 0;
    for (let block = 0; block < blocks; block++) {
      const value = features[block * FEATURE_DIMENSIONS + dimension]!;
      sum += value;
      squares += value * value;
    }
    const spread = Math.sqrt(Math.max(1e-6, squares / blocks - (sum / blocks) ** 2));
    for (let block = 0; block < blocks; block++) {
      normalized[block * FEATURE_DIMENSIONS + dimension] = features[block * FEATURE_DIMENSIONS + dimension]! / spread;
    }
  }
  return normalized;
}

/** Lines one after the other: a stream the cohort windows are cut from. */
export function concatenateUtterances(utterances: SyntheticUtterance[]): SyntheticUtterance & { lineStarts: number[] } {
  const dimensions = marginDimensions();
  const features = new Float32Array(utterances.reduce((sum, utterance) => sum + utterance.features.length, 0));
  const lineStarts: number[] = [];
  let offset = 0;
  for (const utterance of utterances) {
    lineStarts.push(offset / dimensions);
    features.set(utterance.features, offset);
    offset += utterance.features.length;
  }
  return { features, blocks: offset / dimensions, lineStarts };
}

export interface PronunciationMargin {
  /** Mean path cost of the take against the script, the best voice and warp. */
  lineCost: number;
  cohortCosts: number[];
  /**
   * By how much (a share of the script's cost) the take is closer to the script than to the closest cohort line.
   * Measured against Z-norm (cohort mean and deviation) on bench/analyzer-dev lines: the right line never fell
   * below 0.37 for Korean (Z-norm: overlapped another line's), the same for English.
   */
  margin: number;
}

/**
 * How much better the take matches the script than other lines, each said by the same synthetic voices. A
 * different voice saying the right line and the actor's voice saying another line both sound unlike the actor's
 * clip; only the words tell them apart, and a cohort of other lines in the same voices puts a scale on "better".
 * Each cohort window is as long as the script's reference, so length alone favours none.
 */
export function pronunciationMargin(take: TakeFeatures, references: SyntheticReferences): PronunciationMargin {
  const dimensions = marginDimensions();
  const cost = (reference: Float32Array, recording: Float32Array, distances?: Utterances['distances']) => {
    const band = plausibleBand(reference.length / dimensions, take.pause.length, COARSE_FACTOR);
    return warp({ reference, recording, dimensions, recordingPause: take.pause, distances }, band).cost;
  };
  const lineCost = Math.min(...references.line.flatMap((line) => take.byWarp.map((recording) => cost(line.features, recording))));
  const windows = references.cohort[0]?.lineStarts.length ?? 0;
  const cohortCosts = new Array<number>(windows).fill(Infinity);
  // Every window of a stream meets the same take: each block pair's distance is computed once, not once a window.
  for (const [voice, stream] of references.cohort.entries()) {
    const blocks = references.line[voice]!.blocks;
    for (const recording of take.byWarp) {
      const matrix = distanceMatrix(stream.features, recording, dimensions);
      for (const [window, start] of stream.lineStarts.entries()) {
        const matrixRows = Int32Array.from({ length: blocks }, (_, block) => (start + block) % stream.blocks);
        cohortCosts[window] = Math.min(cohortCosts[window]!, cost(cohortWindow(stream, start, blocks), recording, { matrix, matrixRows }));
      }
    }
  }
  return { lineCost, cohortCosts, margin: (Math.min(...cohortCosts) - lineCost) / Math.max(lineCost, 1e-3) };
}

/** frameDistance of every frame of `a` (rows) to every frame of `b` (columns). */
function distanceMatrix(a: Float32Array, b: Float32Array, dimensions: number): Float64Array {
  const rows = a.length / dimensions;
  const columns = b.length / dimensions;
  const matrix = new Float64Array(rows * columns);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) matrix[row * columns + column] = frameDistance(a, row, b, column, dimensions);
  }
  return matrix;
}

/** `blocks` blocks of the stream from `start`, wrapping round to its beginning. */
function cohortWindow(stream: SyntheticUtterance, start: number, blocks: number): Float32Array {
  const dimensions = marginDimensions();
  const window = new Float32Array(blocks * dimensions);
  for (let block = 0; block < blocks; block++) {
    const from = ((start + block) % stream.blocks) * dimensions;
    window.set(stream.features.subarray(from, from + dimensions), block * dimensions);
  }
  return window;
}

const LOW_PASS_HALF_TAPS = 16;

/**
 * PCM at any rate → float at 16 kHz, in process (ffmpeg costs 0.1-0.5 s a call): a Hann-windowed sinc low-pass
 * at 7.2 kHz, then linear interpolation. Enough for cepstra that stop at 7.6 kHz.
 */
export function resampleTo16k(samples: Int16Array, sampleRate: number): Float32Array {
  const cutoff = Math.min(0.45 * SAMPLE_RATE, 0.45 * sampleRate) / sampleRate;
  const taps = Float32Array.from({ length: 2 * LOW_PASS_HALF_TAPS + 1 }, (_, tap) => {
    const x = tap - LOW_PASS_HALF_TAPS;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    return sinc * (0.5 + 0.5 * Math.cos((Math.PI * x) / (LOW_PASS_HALF_TAPS + 1)));
  });
  const gain = taps.reduce((sum, tap) => sum + tap, 0);
  const filtered = new Float32Array(samples.length);
  for (let n = 0; n < samples.length; n++) {
    let sum = 0;
    for (let tap = 0; tap < taps.length; tap++) {
      const at = n + tap - LOW_PASS_HALF_TAPS;
      if (at >= 0 && at < samples.length) sum += taps[tap]! * samples[at]!;
    }
    filtered[n] = sum / gain / 32768;
  }
  const ratio = sampleRate / SAMPLE_RATE;
  return Float32Array.from({ length: Math.floor((samples.length - 1) / ratio) }, (_, index) => {
    const at = index * ratio;
    const before = Math.floor(at);
    return filtered[before]! + (at - before) * (filtered[before + 1]! - filtered[before]!);
  });
}
