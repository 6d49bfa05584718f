import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { AudioDecodeError, ANALYSIS_SAMPLE_RATE, decodeAudio } from '../../audio/decode-audio.js';
import { EngineError } from '../../engine-error.js';
import { ObjectStorage } from '../../../storage/object-storage.js';
import type { TextToSpeechEngine } from '../../text-to-speech/text-to-speech.engine.js';
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

// The warm-up's line: about 6 s, not a cohort line. A line of 2 s left most of the cold start in place.
const WARM_UP_LINE = 'Good morning. How are you today? I hope the weather stays fine for our walk by the river this afternoon.';
const WARM_UP_LANGUAGE = 'en';
/** The actor's voice and the dubber's, both eSpeak's: a male and a female variant, as a dubber rarely matches the actor. */
const WARM_UP_VOICES = ['m3', 'f2'] as const;

export interface BuiltinAnalysisOptions {
  /**
   * warmUp() analyses one line said by this engine, as a take would be: the analyzer is JavaScript (eSpeak
   * included, compiled to asm.js), and until V8 has compiled its hot code an analysis costs about twice a later one.
   */
  warmUpWith?: TextToSpeechEngine;
}

/** The analyzer that needs no server: ffmpeg decodes, our DSP aligns (DTW on MFCC) and scores. */
@Injectable()
export class BuiltinSpeechAnalysisEngine extends SpeechAnalysisEngine {
  readonly name = 'builtin';
  private readonly logger = new Logger(BuiltinSpeechAnalysisEngine.name);
  private readonly actorMargins = new Map<string, number>();
  private readonly preparedClips = new Map<string, PreparedReference>();

  constructor(
    private readonly storage: ObjectStorage,
    private readonly references?: SyntheticReferenceLibrary,
    private readonly options: BuiltinAnalysisOptions = {},
  ) {
    super();
  }

  override async warmUp(): Promise<void> {
    const speech = this.options.warmUpWith;
    if (!speech) return;
    const wallBefore = performance.now();
    const cpuBefore = process.cpuUsage();
    try {
      await this.rehearse(speech);
      const cpu = process.cpuUsage(cpuBefore);
      this.logger.log(
        `Analysis warmed up in ${Math.round(performance.now() - wallBefore)} ms (process CPU ${Math.round((cpu.user + cpu.system) / 1000)} ms)`,
      );
    } catch (error) {
      this.logger.warn(`Analysis warm-up failed (the first take will be slower): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * The whole analysis of a take, once, on a line said in two voices: decoding, the line's synthetic references
   * (made anew, not kept), the clip's preparation and margin, alignment and scoring.
   */
  private async rehearse(speech: TextToSpeechEngine): Promise<void> {
    const [clip, take] = await Promise.all(WARM_UP_VOICES.map((voice) => speech.synthesize(WARM_UP_LINE, { language: WARM_UP_LANGUAGE, voice })));
    const [clipSamples, takeSamples, synthetic] = await Promise.all([
      decodeAudio(clip!.audio),
      decodeAudio(take!.audio),
      this.references?.referencesFor(WARM_UP_LANGUAGE, [WARM_UP_LINE], { fresh: true }),
    ]);
    const reference = prepareReference(clipSamples);
    analyzeDubbing({
      reference,
      recording: takeSamples,
      sampleRate: ANALYSIS_SAMPLE_RATE,
      words: clip!.words.map((word, index) => ({ scriptWordId: index + 1, ...word })),
      synthetic,
      actorMargin: synthetic ? actorMargin(reference, synthetic) : undefined,
    });
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
