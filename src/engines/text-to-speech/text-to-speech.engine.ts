import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../../common/domain-error.js';

export interface SynthesizedWord {
  /** The word as written in the input text (whitespace-separated, punctuation kept). */
  text: string;
  /** Seconds from the start of the audio. */
  start: number;
  end: number;
}

export interface Synthesis {
  /** WAV, PCM 16-bit mono. */
  audio: Buffer;
  contentType: 'audio/wav';
  sampleRate: number;
  /** Seconds. */
  duration: number;
  /** One entry per whitespace-separated word of the input, in order. */
  words: SynthesizedWord[];
  engine: { name: string; version: string };
}

export interface SynthesisOptions {
  /** BCP-47-ish language tag: 'ko', 'en', 'en-US', ... */
  language: string;
  /** Engine-specific voice variant, e.g. 'f3'. */
  voice?: string;
  /** Words per minute. */
  rate?: number;
  /** How far the pitch moves, 0 (monotone) to 100; 50 by default. */
  pitchRange?: number;
}

/** Port for turning a line of script into speech with word timings; adapters live in sub-folders. */
export abstract class TextToSpeechEngine {
  abstract readonly name: string;
  abstract synthesize(text: string, options: SynthesisOptions): Promise<Synthesis>;
}

/** Codes: EMPTY_TEXT, UNSUPPORTED_VOICE, INVALID_RATE (client mistakes, 400); SYNTHESIS_FAILED (500). */
export class SpeechSynthesisError extends DomainError {
  constructor(code: string, message: string, status: HttpStatus = HttpStatus.BAD_REQUEST) {
    super(code, message, status);
  }
}
