import { BIN_HZ, SAMPLE_RATE, SPECTRUM_BINS, type Spectrogram } from './spectrogram.js';

const MEL_BANDS = 26;
const LOW_HZ = 100;
const HIGH_HZ = 7600;
/** c1…c12; c0 (loudness) is replaced by the frame level relative to the utterance's loudest frame. */
export const CEPSTRAL_COEFFICIENTS = 12;
/** The cepstrum plus one dimension for relative loudness, so silence and speech stay apart after mean subtraction. */
export const FEATURE_DIMENSIONS = CEPSTRAL_COEFFICIENTS + 1;
// Bands below the loudest frame's energy by more than this read as silence: a quiet room and digital zero look alike.
const FLOOR_DB = 55;
const LEVEL_WEIGHT = 1 / 10;
// Above this frequency the vocal-tract-length warp bends back so that the Nyquist frequency maps onto itself.
const WARP_CUTOFF_HZ = 0.85 * (SAMPLE_RATE / 2);

/**
 * For each spectrum bin, the band its (warped) frequency falls in and how far into it: the bin adds
 * `fraction` of its power to band `band` (rising slope) and the rest to `band - 1` (falling slope).
 */
interface MelFilterbank {
  band: Int8Array;
  fraction: Float32Array;
}

const hzToMel = (hz: number) => 1127 * Math.log(1 + hz / 700);
const melToHz = (mel: number) => 700 * (Math.exp(mel / 1127) - 1);

const BAND_EDGES_HZ = Array.from({ length: MEL_BANDS + 2 }, (_, index) =>
  melToHz(hzToMel(LOW_HZ) + ((hzToMel(HIGH_HZ) - hzToMel(LOW_HZ)) * index) / (MEL_BANDS + 1)),
);

const DCT = Float32Array.from({ length: CEPSTRAL_COEFFICIENTS * MEL_BANDS }, (_, index) => {
  const coefficient = Math.floor(index / MEL_BANDS) + 1;
  const band = index % MEL_BANDS;
  return Math.sqrt(2 / MEL_BANDS) * Math.cos((Math.PI * coefficient * (band + 0.5)) / MEL_BANDS);
});

const filterbanks = new Map<number, MelFilterbank>();

/**
 * Piecewise-linear vocal-tract-length warp: frequencies scale by `factor` up to a cut-off, then bend so
 * the band edge stays put. A factor above 1 maps a short (female, child) vocal tract onto a longer one's scale.
 */
export function warpFrequency(hz: number, factor: number): number {
  const nyquist = SAMPLE_RATE / 2;
  // A factor below 1 stretches: the bend must start early enough that the warped cut-off stays below Nyquist.
  const cutoff = WARP_CUTOFF_HZ * Math.min(1, factor);
  if (hz <= cutoff) return hz / factor;
  return cutoff / factor + ((nyquist - cutoff / factor) * (hz - cutoff)) / (nyquist - cutoff);
}

function melFilterbank(warpFactor: number): MelFilterbank {
  const cached = filterbanks.get(warpFactor);
  if (cached) return cached;
  const band = new Int8Array(SPECTRUM_BINS).fill(-1);
  const fraction = new Float32Array(SPECTRUM_BINS);
  for (let bin = 0; bin < SPECTRUM_BINS; bin++) {
    const hz = warpFrequency(bin * BIN_HZ, warpFactor);
    const edge = BAND_EDGES_HZ.findIndex((edgeHz) => edgeHz > hz) - 1;
    if (edge < 0) continue;
    band[bin] = edge;
    fraction[bin] = (hz - BAND_EDGES_HZ[edge]!) / (BAND_EDGES_HZ[edge + 1]! - BAND_EDGES_HZ[edge]!);
  }
  const filterbank = { band, fraction };
  filterbanks.set(warpFactor, filterbank);
  return filterbank;
}

/**
 * Mel-frequency cepstra of every frame, mean-normalised over the speech frames (cepstral mean subtraction
 * removes the microphone and the room), with the frame's relative level as the last dimension.
 * frames × FEATURE_DIMENSIONS, row-major.
 */
export function melCepstra(spectrogram: Spectrogram, speech: Uint8Array, warpFactor = 1): Float32Array {
  const { frames, power, levelDb } = spectrogram;
  const { band, fraction } = melFilterbank(warpFactor);
  const bands = new Float64Array(MEL_BANDS);
  const logBands = new Float32Array(MEL_BANDS);
  const features = new Float32Array(frames * FEATURE_DIMENSIONS);
  const loudestDb = levelDb.reduce((loudest, level) => Math.max(loudest, level), -Infinity);
  const floor = peakBandEnergy(spectrogram) * 10 ** (-FLOOR_DB / 10);

  for (let frame = 0; frame < frames; frame++) {
    bands.fill(0);
    const row = frame * SPECTRUM_BINS;
    for (let bin = 0; bin < SPECTRUM_BINS; bin++) {
      const edge = band[bin]!;
      if (edge < 0) continue;
      const value = power[row + bin]!;
      if (edge < MEL_BANDS) bands[edge] += fraction[bin]! * value;
      if (edge > 0) bands[edge - 1] += (1 - fraction[bin]!) * value;
    }
    for (let index = 0; index < MEL_BANDS; index++) logBands[index] = Math.log(bands[index]! + floor);
    const out = frame * FEATURE_DIMENSIONS;
    for (let coefficient = 0; coefficient < CEPSTRAL_COEFFICIENTS; coefficient++) {
      let sum = 0;
      for (let index = 0; index < MEL_BANDS; index++) sum += DCT[coefficient * MEL_BANDS + index]! * logBands[index]!;
      features[out + coefficient] = sum;
    }
    features[out + CEPSTRAL_COEFFICIENTS] = Math.max(levelDb[frame]! - loudestDb, -FLOOR_DB) * LEVEL_WEIGHT;
  }
  subtractSpeechMean(features, frames, speech);
  return features;
}

/** The energy of the loudest frame spread evenly over the bands: the reference the silence floor hangs from. */
function peakBandEnergy({ frames, power }: Spectrogram): number {
  let peak = 0;
  for (let frame = 0; frame < frames; frame++) {
    let sum = 0;
    for (let bin = 0; bin < SPECTRUM_BINS; bin++) sum += power[frame * SPECTRUM_BINS + bin]!;
    peak = Math.max(peak, sum);
  }
  return peak / MEL_BANDS + 1e-20;
}

function subtractSpeechMean(features: Float32Array, frames: number, speech: Uint8Array): void {
  const mean = new Float64Array(CEPSTRAL_COEFFICIENTS);
  let count = 0;
  for (let frame = 0; frame < frames; frame++) {
    if (!speech[frame]) continue;
    count++;
    for (let coefficient = 0; coefficient < CEPSTRAL_COEFFICIENTS; coefficient++) {
      mean[coefficient] += features[frame * FEATURE_DIMENSIONS + coefficient]!;
    }
  }
  if (count === 0) return;
  for (let frame = 0; frame < frames; frame++) {
    for (let coefficient = 0; coefficient < CEPSTRAL_COEFFICIENTS; coefficient++) {
      features[frame * FEATURE_DIMENSIONS + coefficient] -= mean[coefficient]! / count;
    }
  }
}
