import { judgeExpressiveness } from './expressiveness.js';
import { trackPitch, type PitchContour } from './pitch.js';
import {
  fluencyScore,
  intonationScore,
  isMispronounced,
  marginPronunciationScore,
  OFF_SYNC_MS,
  overallScore,
  pronunciationScore,
  timingScore,
} from './scoring.js';
import { FRAME_SECONDS, SAMPLE_RATE } from './spectrogram.js';
import { judgeVoice, type NoSpeechReason } from './speech-detection.js';
import { marginFeatures, pronunciationMargin, type SyntheticReferences } from './synthetic-references.js';
import { alignUtterances, listen, type Utterance } from './utterance.js';
import type { DubbingAnalysis, PitchPoint, ReferenceWord, WordErrorType, WordResult } from '../speech-analysis.engine.js';
import { firstRecordingFrames, firstReferenceFrames, locateWords, type WordLocation } from './word-location.js';

export type { ReferenceWord };

const ENGINE = { name: 'yousync-dsp', version: '3.1.0' } as const;

/** The actor's clip as the analyzer reads it: the same for every take of a token, so a caller may keep it. */
export interface PreparedReference {
  utterance: Utterance;
  pitch: PitchContour;
}

export function prepareReference(reference: Float32Array): PreparedReference {
  const utterance = listen(reference);
  if (utterance.activity.noSpeech) throw new InvalidAnalyzerInputError("The actor's clip holds no speech");
  return { utterance, pitch: trackPitch(utterance.signal, utterance.activity.speech) };
}

export interface AnalyzerInput {
  /** The actor's clip, as samples or as prepareReference made it. */
  reference: Float32Array | PreparedReference;
  recording: Float32Array;
  /** Both signals, mono; only 16000 is accepted. */
  sampleRate: number;
  words: ReferenceWord[];
  /**
   * The script and other lines said by synthetic voices: with them pronunciation is judged on the words, whatever
   * the voice; without them, against the actor's clip alone (speaker-dependent).
   */
  synthetic?: SyntheticReferences;
  /** The actor's clip's own margin against `synthetic` (see actorMargin), when known: it depends on the token alone. */
  actorMargin?: number;
}

export type AnalysisStage = 'aligning' | 'scoring';

/** The recording holds nothing to score: silence, or sound that is not a voice. */
export class NoSpeechError extends Error {
  constructor(readonly reason: NoSpeechReason) {
    super(
      reason === 'silence'
        ? 'No speech was found in the recording: it is silent. Check that the microphone is on and not muted.'
        : 'No speech was found in the recording: it holds only noise, music or other sounds that are not a voice. Record again closer to the microphone, somewhere quieter.',
    );
    this.name = 'NoSpeechError';
  }
}

/** The caller's mistake, not the user's: a wrong sample rate, no words, or a clip without speech. */
export class InvalidAnalyzerInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAnalyzerInputError';
  }
}

/** Compares the user's recording of a line with the actor's clip: where each word landed, and how it sounded. */
export function analyzeDubbing(input: AnalyzerInput, onStage?: (stage: AnalysisStage) => void): DubbingAnalysis {
  if (input.sampleRate !== SAMPLE_RATE) {
    throw new InvalidAnalyzerInputError(`Audio must be sampled at ${SAMPLE_RATE} Hz, got ${input.sampleRate}`);
  }
  if (input.words.length === 0) throw new InvalidAnalyzerInputError('The reference has no words to score');
  onStage?.('aligning');
  const recording = listen(input.recording);
  if (recording.activity.noSpeech) throw new NoSpeechError(recording.activity.noSpeech);
  const userPitch = trackPitch(recording.signal, recording.activity.speech);
  const notVoice = judgeVoice(recording.activity, recording.spectrogram, userPitch);
  if (notVoice) throw new NoSpeechError(notVoice);
  const { utterance: reference, pitch: referencePitch } =
    input.reference instanceof Float32Array ? prepareReference(input.reference) : input.reference;
  const { path } = alignUtterances(reference, recording);

  onStage?.('scoring');
  const locations = locateWords(input.words, path, reference.activity.speech, recording.activity.speech);
  const spoken = locations.filter((location) => !location.omitted);
  const medianDistance = median(spoken.map((location) => location.distance));
  const expressiveness = judgeExpressiveness(
    locations,
    (word) => input.words[word]!.sentence ?? 0,
    { pitch: referencePitch, levelDb: reference.spectrogram.levelDb, speech: reference.activity.speech },
    { pitch: userPitch, levelDb: recording.spectrogram.levelDb, speech: recording.activity.speech },
  );
  const words = input.words.map((word, index) => ({
    ...describeWord(word, locations[index]!, medianDistance),
    monotone: expressiveness.wordMonotone[index]!,
  }));
  const spokenWords = words.filter((word) => word.error_type !== 'omission');

  const scores = {
    timing: mean(spokenWords.map((word) => timingScore(word.offset_ms!))),
    pronunciation: wordsPronunciation(input, reference, recording) ?? weightedPronunciation(spoken),
    intonation: intonationScore(referencePitch, userPitch, firstRecordingFrames(path, reference.spectrogram.frames)),
    fluency: fluencyScore(
      spoken,
      reference.activity.speech,
      recording.activity.speech,
      firstReferenceFrames(path, recording.spectrogram.frames),
    ),
    completeness: (100 * spoken.length) / locations.length,
  };
  return {
    overall: Math.round(overallScore(scores)),
    timing: Math.round(scores.timing),
    pronunciation: Math.round(scores.pronunciation),
    intonation: Math.round(scores.intonation),
    fluency: Math.round(scores.fluency),
    completeness: Math.round(scores.completeness),
    expressiveness: Math.round(expressiveness.overall),
    sentences: expressiveness.sentences.map(({ sentence, score, monotone }) => ({ sentence, expressiveness: Math.round(score), monotone })),
    words,
    pitch: { reference: pitchPoints(referencePitch), user: pitchPoints(userPitch) },
    engine: { ...ENGINE },
  };
}

/** Pronunciation judged on the words (synthetic references), or undefined when there are none. */
function wordsPronunciation(input: AnalyzerInput, reference: Utterance, recording: Utterance): number | undefined {
  if (!input.synthetic) return undefined;
  const actor = input.actorMargin ?? marginOf(reference, input.synthetic);
  return marginPronunciationScore(marginOf(recording, input.synthetic), actor);
}

/**
 * How much better the actor's clip matches its script than the cohort: it sets the bar for a take (see
 * marginPronunciationScore). Against a fixed bar of 0.12, flite and human actors' own clips 300 ms late scored 3-80.
 */
export function actorMargin(reference: Float32Array | PreparedReference, synthetic: SyntheticReferences): number {
  return marginOf(reference instanceof Float32Array ? listen(reference) : reference.utterance, synthetic);
}

function marginOf(utterance: Utterance, synthetic: SyntheticReferences): number {
  return pronunciationMargin(marginFeatures(utterance), synthetic).margin;
}

function describeWord(word: ReferenceWord, location: WordLocation, medianDistance: number): WordResult {
  const expectedStartMs = Math.round(word.start * 1000);
  const result = {
    script_word_id: word.scriptWordId,
    text: word.text,
    expected_start_ms: expectedStartMs,
    expected_end_ms: Math.round(word.end * 1000),
  };
  if (location.omitted) return { ...result, start_ms: null, end_ms: null, offset_ms: null, score: 0, error_type: 'omission' };
  const startMs = Math.round(location.recordingStart * FRAME_SECONDS * 1000);
  return {
    ...result,
    start_ms: startMs,
    end_ms: Math.round(location.recordingEnd * FRAME_SECONDS * 1000),
    offset_ms: startMs - expectedStartMs,
    score: Math.round(pronunciationScore(location.distance)),
    error_type: errorType(location, startMs - expectedStartMs, medianDistance),
  };
}

/** One error a word, as in Azure's assessment: a mispronounced word is reported as that, whatever its timing. */
function errorType(location: WordLocation, offsetMs: number, medianDistance: number): WordErrorType {
  if (isMispronounced(location, medianDistance)) return 'mispronunciation';
  if (offsetMs > OFF_SYNC_MS) return 'late';
  if (offsetMs < -OFF_SYNC_MS) return 'early';
  return 'none';
}

/** Long words weigh more than short ones: the score is per unit of the actor's speech. */
function weightedPronunciation(spoken: WordLocation[]): number {
  let sum = 0;
  let frames = 0;
  for (const location of spoken) {
    const length = location.referenceEnd - location.referenceStart;
    sum += length * pronunciationScore(location.distance);
    frames += length;
  }
  return frames > 0 ? sum / frames : 0;
}

function pitchPoints(contour: PitchContour): PitchPoint[] {
  return Array.from(contour.frames, (frame, point) => ({
    t: Math.round(frame * FRAME_SECONDS * 100) / 100,
    hz: contour.voiced[point] ? Math.round(contour.hz[point]! * 10) / 10 : null,
  }));
}

const mean = (values: number[]) => (values.length > 0 ? values.reduce((sum, value) => sum + value, 0) / values.length : 0);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
