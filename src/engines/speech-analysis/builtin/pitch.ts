import { YIN } from 'pitchfinder';
import { FRAME_SAMPLES, HOP_SAMPLES, SAMPLE_RATE } from './spectrogram.js';

// YIN at 8 kHz every 20 ms on speech frames costs a tenth of YIN on every 10 ms frame at 16 kHz (85 against 730 ms).
const PITCH_SAMPLE_RATE = 8000;
export const PITCH_STEP_FRAMES = 2;
/** 40 ms: pitchfinder's YIN uses the largest power of two below the length (256), so periods up to 16 ms (62.5 Hz). */
const WINDOW_SAMPLES = 320;
const LOWEST_HZ = 60;
const HIGHEST_HZ = 500;

/** The fundamental frequency every PITCH_STEP_FRAMES frames; null where there is no speech or no voicing. */
export interface PitchContour {
  /** Analysis frame of each point (10 ms frames). */
  frames: Int32Array;
  hz: Float32Array;
  voiced: Uint8Array;
}

export function trackPitch(signal: Float32Array, speech: Uint8Array): PitchContour {
  const detect = YIN({ sampleRate: PITCH_SAMPLE_RATE, threshold: 0.15 });
  const narrow = halveSampleRate(signal);
  const points = Math.ceil(speech.length / PITCH_STEP_FRAMES);
  const contour: PitchContour = { frames: new Int32Array(points), hz: new Float32Array(points), voiced: new Uint8Array(points) };
  const decimation = SAMPLE_RATE / PITCH_SAMPLE_RATE;
  for (let point = 0; point < points; point++) {
    const frame = point * PITCH_STEP_FRAMES;
    contour.frames[point] = frame;
    if (!speech[frame]) continue;
    const centre = (frame * HOP_SAMPLES + FRAME_SAMPLES / 2) / decimation;
    const start = Math.max(0, Math.min(narrow.length - WINDOW_SAMPLES, Math.round(centre - WINDOW_SAMPLES / 2)));
    if (start + WINDOW_SAMPLES > narrow.length) continue;
    const hz = detect(narrow.subarray(start, start + WINDOW_SAMPLES));
    if (hz === null || hz < LOWEST_HZ || hz > HIGHEST_HZ) continue;
    contour.hz[point] = hz;
    contour.voiced[point] = 1;
  }
  return contour;
}

/** 16 → 8 kHz with a short low-pass ([1 2 1] / 4): pitch lives far below the aliasing it lets through. */
function halveSampleRate(signal: Float32Array): Float32Array {
  const narrow = new Float32Array(Math.floor(signal.length / 2));
  for (let index = 0; index < narrow.length; index++) {
    const centre = 2 * index;
    const before = centre > 0 ? signal[centre - 1]! : signal[centre]!;
    narrow[index] = 0.25 * before + 0.5 * signal[centre]! + 0.25 * signal[centre + 1]!;
  }
  return narrow;
}

/** Semitones above the speaker's median voiced pitch: the contour's shape without the voice's register. */
export function semitonesAboveMedian(contour: PitchContour): Float32Array {
  const voiced = Array.from(contour.hz).filter((_, point) => contour.voiced[point]).sort((a, b) => a - b);
  const median = voiced[Math.floor(voiced.length / 2)] ?? 1;
  return contour.hz.map((hz, point) => (contour.voiced[point] ? 12 * Math.log2(hz / median) : 0));
}
