import { bandAroundPath, COARSE_FACTOR, coarsen, coarsenPauses, plausibleBand, warp, type WarpingPath } from './alignment.js';
import { FEATURE_DIMENSIONS, melCepstra } from './mel-cepstrum.js';
import { computeSpectrogram, type Spectrogram } from './spectrogram.js';
import { detectSpeech, type SpeechActivity } from './speech-detection.js';

/**
 * Vocal-tract-length factors tried on the recording's filterbank. Without them the same line in a voice of
 * the other gender cost as much as a different line (eSpeak, mean path cost: 6.1-9.8 against 9.4-15); with
 * them 4.1-5.4. eSpeak's f3 fits best at 1.2-1.25 against m3, and m3 at 0.8 against f3.
 */
export const WARP_FACTORS = [0.8, 0.85, 0.9, 0.95, 1, 1.05, 1.1, 1.15, 1.2, 1.25];

/** A signal as the analyzer hears it. */
export interface Utterance {
  signal: Float32Array;
  spectrogram: Spectrogram;
  activity: SpeechActivity;
}

export interface Alignment {
  path: WarpingPath;
  /** The vocal-tract-length factor that brought the recording closest to the clip. */
  warpFactor: number;
}

export function listen(signal: Float32Array): Utterance {
  const spectrogram = computeSpectrogram(signal);
  return { signal, spectrogram, activity: detectSpeech(spectrogram) };
}

/**
 * Coarse DTW over every plausible mapping, once per vocal-tract-length factor, keeps the factor that fits
 * best (the speaker's anatomy is no accent); fine DTW then follows the coarse path at frame resolution.
 * The coarse pass replaced a global offset from cross-correlated loudness envelopes: for a recording that
 * stopped halfway that chose a 0.8 rate and a -0.6 s lag, and the band around it missed every word.
 */
export function alignUtterances(reference: Utterance, recording: Utterance, warpFactors = WARP_FACTORS): Alignment {
  const referenceFeatures = melCepstra(reference.spectrogram, reference.activity.speech);
  const recordingPause = recording.activity.speech.map((speech) => 1 - speech);
  const coarseReference = coarsen(referenceFeatures, FEATURE_DIMENSIONS);
  const coarsePause = coarsenPauses(recordingPause);
  const coarseBand = plausibleBand(coarseReference.length / FEATURE_DIMENSIONS, coarsePause.length, COARSE_FACTOR);

  let best: { coarse: WarpingPath; features: Float32Array; warpFactor: number } | undefined;
  for (const warpFactor of warpFactors) {
    const features = melCepstra(recording.spectrogram, recording.activity.speech, warpFactor);
    const coarse = warp(
      { reference: coarseReference, recording: coarsen(features, FEATURE_DIMENSIONS), dimensions: FEATURE_DIMENSIONS, recordingPause: coarsePause },
      coarseBand,
    );
    if (!best || coarse.cost < best.coarse.cost) best = { coarse, features, warpFactor };
  }
  const band = bandAroundPath(best!.coarse, reference.spectrogram.frames, recording.spectrogram.frames);
  const path = warp({ reference: referenceFeatures, recording: best!.features, dimensions: FEATURE_DIMENSIONS, recordingPause }, band);
  return { path, warpFactor: best!.warpFactor };
}
