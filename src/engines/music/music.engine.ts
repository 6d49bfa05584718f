import type { Readable } from 'node:stream';

export interface MusicRequest {
  jobId: string;
  /** Validated: 1-200 characters, e.g. "신나는 K-POP", "sad piano ballad". */
  genre: string;
  /** Validated: 1-5000 characters; YuE-style section tags ([verse], [chorus], ...) or blank-line paragraphs (see lyrics.ts). */
  lyrics: string;
  /** The same input and seed give the same audio, for engines that can promise it. */
  seed: number;
  /** Aborted on cancel and at the deadline: stop work, kill processes, abort calls. */
  signal: AbortSignal;
  /** Persists and publishes progress (0-100, never going back) and the current stage. */
  progress(percent: number, stage: string, message?: string): Promise<void>;
}

export interface GeneratedTrack {
  /** The MP3 bytes; the job handler stores them, then calls dispose. */
  audio: Readable;
  durationSeconds: number;
  engine: { name: string; version: string; model?: string };
  /** Removes what the engine kept for the track (a scratch folder); called once the audio was stored or abandoned. */
  dispose?(): Promise<void>;
}

/** Port for making a song from a genre and lyrics; adapters live in sub-folders (builtin, yue, remote). */
export abstract class MusicEngine {
  abstract readonly name: 'builtin' | 'yue' | 'remote';
  /** Throws EngineError (stable code) when the engine fails; the job fails or is retried with it. */
  abstract generate(request: MusicRequest): Promise<GeneratedTrack>;
}
