import { HttpStatus, Injectable } from '@nestjs/common';
import { AudioDecodeError, ANALYSIS_SAMPLE_RATE, decodeAudio } from '../../audio/decode-audio.js';
import { EngineError } from '../../engine-error.js';
import { ObjectStorage } from '../../../storage/object-storage.js';
import { SpeechAnalysisEngine, type AnalysisOutcome, type AnalysisRequest } from '../speech-analysis.engine.js';
import { actorMargin, analyzeDubbing, NoSpeechError, prepareReference, type PreparedReference } from './dubbing-analyzer.js';
import type { SyntheticReferenceLibrary } from './synthetic-reference-library.js';
import type { SyntheticReferences } from './synthetic-references.js';

// A line to dub lasts seconds; a recording longer than this is cut here rather than analysed for minutes.
const MAX_SECONDS = 120;
// Actors' margins kept in memory, by clip: a clip's margin is one number, recomputed (about 0.1 s) after a restart.
const ACTOR_MARGINS_KEPT = 1000;
// Actors' clips kept analysed in memory, by clip key (a new upload gets a new key): about 1 MB each for a 10 s clip,
// and each saves decoding, a spectrogram, speech detection and pitch tracking per take.
const PREPARED_CLIPS_KEPT = 16;

/** The analyzer that needs no server: ffmpeg decodes, our DSP aligns (DTW on MFCC) and scores. */
@Injectable()
export class BuiltinSpeechAnalysisEngine extends SpeechAnalysisEngine {
  readonly name = 'builtin';
  private readonly actorMargins = new Map<string, number>();
  private readonly preparedClips = new Map<string, PreparedReference>();

  constructor(
    private readonly storage: ObjectStorage,
    private readonly references?: SyntheticReferenceLibrary,
  ) {
    super();
  }

  async analyze(request: AnalysisRequest): Promise<AnalysisOutcome> {
    await request.progress(20, 'decoding', 'Decoding the recording and the original clip');
    const synthetic =
      this.references && request.language && request.sentences ? this.references.referencesFor(request.language, request.sentences) : undefined;
    const decode = async (key: string) => {
      const { body } = await this.storage.get(key);
      try {
        return await decodeAudio(body, { maxSeconds: MAX_SECONDS, signal: request.signal });
      } catch (error) {
        if (error instanceof AudioDecodeError) {
          const what = key === request.recordingKey ? 'The recording' : "The token's clip";
          throw new EngineError('AUDIO_UNREADABLE', `${what}: ${error.message}`, false, HttpStatus.UNPROCESSABLE_ENTITY);
        }
        throw error;
      }
    };
    const kept = this.preparedClips.get(request.referenceKey);
    const [recording, clip] = await Promise.all([decode(request.recordingKey), kept ? undefined : decode(request.referenceKey)]);

    await request.progress(50, 'aligning', 'Aligning your recording with the original');
    let scoring: Promise<void> = Promise.resolve();
    try {
      const references = await synthetic;
      const reference = kept ?? this.prepare(request.referenceKey, clip!);
      const result = analyzeDubbing(
        {
          reference,
          recording,
          sampleRate: ANALYSIS_SAMPLE_RATE,
          words: request.words,
          synthetic: references,
          actorMargin: references ? this.actorMarginOf(request.referenceKey, reference, references) : undefined,
        },
        (stage) => {
          if (stage === 'scoring') scoring = request.progress(80, 'scoring', 'Scoring timing, pronunciation and intonation');
        },
      );
      await scoring;
      return { status: 'completed', result };
    } catch (error) {
      if (error instanceof NoSpeechError) {
        throw new EngineError('NO_SPEECH', error.message, false, HttpStatus.UNPROCESSABLE_ENTITY);
      }
      throw error;
    }
  }

  /** The actor's clip analysed once and kept, most recently used last. */
  private prepare(clipKey: string, clip: Float32Array): PreparedReference {
    const prepared = prepareReference(clip);
    this.preparedClips.set(clipKey, prepared);
    if (this.preparedClips.size > PREPARED_CLIPS_KEPT) this.preparedClips.delete(this.preparedClips.keys().next().value!);
    return prepared;
  }

  private actorMarginOf(clipKey: string, clip: PreparedReference, references: SyntheticReferences): number {
    const key = `${clipKey}\n${references.line.map((line) => line.blocks).join(',')}`;
    let margin = this.actorMargins.get(key);
    if (margin === undefined) {
      margin = actorMargin(clip, references);
      this.actorMargins.set(key, margin);
      if (this.actorMargins.size > ACTOR_MARGINS_KEPT) this.actorMargins.delete(this.actorMargins.keys().next().value!);
    }
    return margin;
  }
}
