/** A word of the script and where the actor says it, in seconds from the start of the clip. */
export interface ReferenceWord {
  scriptWordId: number;
  text: string;
  start: number;
  end: number;
  /** Index of the word's sentence (script) in the token, when known: expressiveness is judged per sentence. */
  sentence?: number;
}

export type WordErrorType = 'none' | 'omission' | 'early' | 'late' | 'mispronunciation';

export interface WordResult {
  script_word_id: number;
  text: string;
  expected_start_ms: number;
  expected_end_ms: number;
  /** Where the user said the word, in the recording's time; null when it was not said. */
  start_ms: number | null;
  end_ms: number | null;
  /** start_ms - expected_start_ms: positive is late. */
  offset_ms: number | null;
  /** How close the word sounds to the actor's (pronunciation, 0-100); 0 when omitted. */
  score: number;
  error_type: WordErrorType;
  /** Said flat where the actor's pitch moved (Azure's `monotone`); absent from older results and remote engines. */
  monotone?: boolean;
}

/** How one sentence (script) of the token was delivered. */
export interface SentenceResult {
  /** Index of the sentence among the token's scripts, in order. */
  sentence: number;
  /** 0-100: how much of the actor's pitch range, pitch movement and loudness movement the take kept. */
  expressiveness: number;
  /** The sentence was said flat where the actor's was not. */
  monotone: boolean;
}

export interface PitchPoint {
  /** Seconds, in that signal's own time. */
  t: number;
  /** null where there is no speech or it is unvoiced. */
  hz: number | null;
}

/**
 * Scores are integers 0-100, after Azure Pronunciation Assessment, plus the sync against the actor.
 * A type alias rather than an interface so that it is assignable to Record<string, unknown> (a job's stored result).
 */
export type DubbingAnalysis = {
  overall: number;
  timing: number;
  pronunciation: number;
  intonation: number;
  fluency: number;
  completeness: number;
  /** 0-100, the built-in engine from 2.0.0 on: delivery against the actor's (see SentenceResult). */
  expressiveness?: number;
  sentences?: SentenceResult[];
  words: WordResult[];
  pitch: { reference: PitchPoint[]; user: PitchPoint[] };
  engine: { name: string; version: string };
};


/** What an engine gets to analyse one recording of a token against the actor's clip. */
export interface AnalysisRequest {
  jobId: string;
  tokenId: number;
  /** Object keys: the user's recording and the token's clip. */
  recordingKey: string;
  referenceKey: string;
  /** Every script word of the token, times in seconds from the start of the clip. */
  words: ReferenceWord[];
  /** The token's language (BCP 47) and the text of each of its sentences: what the built-in analyzer synthesizes. */
  language?: string;
  sentences?: string[];
  signal: AbortSignal;
  progress(progress: number, stage: string, message: string): Promise<void>;
}

/** Either the result now, or the engine took the work and will call back (webhook) with it. */
export type AnalysisOutcome = { status: 'completed'; result: DubbingAnalysis } | { status: 'submitted' };

/** Port for dubbing analysis; chosen by ANALYSIS_ENGINE (builtin | remote). */
export abstract class SpeechAnalysisEngine {
  abstract readonly name: string;
  abstract analyze(request: AnalysisRequest): Promise<AnalysisOutcome>;

  /**
   * Called by the process once it serves: an engine that starts cold does its start-up work here rather than in
   * the first user's analysis. Never rejects; the process does not wait for it.
   */
  async warmUp(): Promise<void> {}
}
