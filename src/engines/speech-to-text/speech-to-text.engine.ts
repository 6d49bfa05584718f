import { HttpStatus } from '@nestjs/common';
import { EngineError } from '../engine-error.js';

/** One word of a transcript; seconds from the start of the media. */
export interface TranscriptWord {
  word: string;
  start: number;
  end: number;
  /** The recogniser's confidence (0-1); null when the engine gives none (OpenAI's verbose_json does not). */
  probability: number | null;
}

export interface TranscriptSegment {
  id: number;
  start: number;
  end: number;
  text: string;
  avg_logprob?: number;
  no_speech_prob?: number;
  words: TranscriptWord[];
}

/** The one transcript shape of the service, whatever engine made it (Whisper's, normalised). */
export interface Transcript {
  text: string;
  /** ISO 639-1. */
  language: string;
  /** Seconds. */
  duration: number;
  segments: TranscriptSegment[];
  engine: { name: string; model: string };
}

export interface TranscriptionRequest {
  jobId: string;
  /** The stored video (or audio) to transcribe. */
  mediaKey: string;
  signal: AbortSignal;
  progress(progress: number, stage: string, message?: string): Promise<void>;
  /** False once the job finished some other way (its callback arrived, it was canceled): stop waiting then. */
  stillProcessing(): Promise<boolean>;
}

/** `completed` now, or `submitted`: the engine delivers the transcript later through the signed callback. */
export type TranscriptionOutcome = { status: 'completed'; transcript: Transcript } | { status: 'submitted' };

/**
 * Port for speech-to-text. Adapters: `openai` (any OpenAI-compatible /audio/transcriptions server) and
 * `ml-server` (the team's Whisper server, seed 003). `none` when nothing is configured: no engine that could run
 * here offline is good enough to ship (../shared/NOTES.md).
 */
export abstract class SpeechToTextEngine {
  /** `none`, `openai` or `ml-server`. */
  abstract readonly name: string;
  /** False for `none`: requests for transcripts are refused before anything is queued. */
  abstract readonly configured: boolean;
  abstract transcribe(request: TranscriptionRequest): Promise<TranscriptionOutcome>;
}

/** SPEECH_TO_TEXT_ENGINE=none: the embedded default. */
export class NoSpeechToTextEngine extends SpeechToTextEngine {
  readonly name = 'none';
  readonly configured = false;
  transcribe(): Promise<TranscriptionOutcome> {
    return Promise.reject(new EngineError('ENGINE_NOT_CONFIGURED', 'No speech-to-text engine is configured (SPEECH_TO_TEXT_ENGINE)', false, HttpStatus.SERVICE_UNAVAILABLE));
  }
}
