import { HttpStatus } from '@nestjs/common';
import { EngineError } from '../engine-error.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface GenerationRequest {
  /** The system prompt, the conversation's earlier turns, then the user's new text. */
  messages: ChatMessage[];
  signal?: AbortSignal;
  /** Given: the engine streams, and hands each piece of the reply here as it arrives. */
  onDelta?: (text: string) => void;
}

export interface Generation {
  text: string;
  engine: { name: string; model: string };
}

/**
 * Port for text generation (the reply of a voice turn). Adapters: `openai` (any OpenAI-compatible
 * /chat/completions server: OpenAI, vLLM, Ollama, llama.cpp) and `seed-ttot` (seed 000's TTOT server).
 * No chat model can be installed here (../shared/NOTES.md), so the default is `none`.
 */
export abstract class TextGenerationEngine {
  abstract readonly name: string;
  abstract readonly configured: boolean;
  abstract generate(request: GenerationRequest): Promise<Generation>;
}

export const TEXT_GENERATION_VARIABLES =
  'set TEXT_GENERATION_ENGINE=openai with LLM_BASE_URL (and LLM_API_KEY, LLM_MODEL), or TEXT_GENERATION_ENGINE=seed-ttot with TTOT_URL';

/** TEXT_GENERATION_ENGINE=none: the embedded default. */
export class NoTextGenerationEngine extends TextGenerationEngine {
  readonly name = 'none';
  readonly configured = false;
  generate(): Promise<Generation> {
    return Promise.reject(
      new EngineError('ENGINE_NOT_CONFIGURED', `No text generation engine is configured: ${TEXT_GENERATION_VARIABLES}`, false, HttpStatus.SERVICE_UNAVAILABLE),
    );
  }
}
