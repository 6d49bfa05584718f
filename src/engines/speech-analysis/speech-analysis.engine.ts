import type { DubbingAnalysis, ReferenceWord } from './builtin/dubbing-analyzer.js';

export type { DubbingAnalysis, ReferenceWord };

/** What an engine gets to analyse one recording of a token against the actor's clip. */
export interface AnalysisRequest {
  jobId: string;
  tokenId: number;
  /** Object keys: the user's recording and the token's clip. */
  recordingKey: string;
  referenceKey: string;
  /** Every script word of the token, times in seconds from the start of the clip. */
  words: ReferenceWord[];
  signal: AbortSignal;
  progress(progress: number, stage: string, message: string): Promise<void>;
}

/** Either the result now, or the engine took the work and will call back (webhook) with it. */
export type AnalysisOutcome = { status: 'completed'; result: DubbingAnalysis } | { status: 'submitted' };

/** Port for dubbing analysis; chosen by ANALYSIS_ENGINE (builtin | remote). */
export abstract class SpeechAnalysisEngine {
  abstract readonly name: string;
  abstract analyze(request: AnalysisRequest): Promise<AnalysisOutcome>;
}
