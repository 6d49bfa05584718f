import { HttpStatus } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { AppConfig } from '../../../config/app-config.js';
import { EngineError } from '../../engine-error.js';
import { RemoteEngineClient } from '../../remote/remote-engine-client.js';
import { TextGenerationEngine, type Generation, type GenerationRequest } from '../text-generation.engine.js';

const ENGINE = 'openai-chat';

interface ChatCompletion {
  choices?: Array<{ message?: { content?: unknown }; delta?: { content?: unknown } }>;
}

/**
 * Any OpenAI-compatible `POST {LLM_BASE_URL}/chat/completions`. With a delta listener it asks for
 * `stream: true` and reads the server-sent events as they arrive; a stream silent for LLM_TIMEOUT_SECONDS fails
 * with ENGINE_TIMEOUT. Not idempotent (a reply costs tokens), so never retried.
 */
export class OpenAiTextGenerationEngine extends TextGenerationEngine {
  readonly name = 'openai';
  readonly configured = true;

  constructor(
    private readonly client: RemoteEngineClient,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async generate({ messages, signal, onDelta }: GenerationRequest): Promise<Generation> {
    const { openai, timeoutMs } = this.config.textGeneration;
    const engine = { name: this.name, model: openai.model };
    const response = await this.client.request<ChatCompletion | Readable>({
      engine: ENGINE,
      url: `${openai.baseUrl}/chat/completions`,
      body: { model: openai.model, messages, stream: Boolean(onDelta) },
      headers: openai.apiKey ? { authorization: `Bearer ${openai.apiKey}` } : {},
      idempotent: false,
      timeoutMs,
      retries: 0,
      retryDelayMs: 0,
      signal,
      responseType: onDelta ? 'stream' : 'json',
    });
    if (!onDelta) {
      const content = (response.data as ChatCompletion)?.choices?.[0]?.message?.content;
      if (typeof content !== 'string') throw badResult('no choices[0].message.content');
      return { text: content, engine };
    }
    const text = await readDeltas(response.data as Readable, onDelta, timeoutMs, signal);
    return { text, engine };
  }
}

/** Reads `data: {choices: [{delta: {content}}]}` events until `data: [DONE]` or the end of the body. */
async function readDeltas(body: Readable, onDelta: (text: string) => void, idleMs: number, signal?: AbortSignal): Promise<string> {
  let reply = '';
  let buffered = '';
  let timedOut = false;
  let idle: NodeJS.Timeout | undefined;
  let lastChunkAt = Date.now();
  const arm = () => {
    lastChunkAt = Date.now();
    clearTimeout(idle);
    idle = setTimeout(() => {
      timedOut = true;
      body.destroy();
    }, idleMs);
  };
  const abort = () => body.destroy();
  signal?.addEventListener('abort', abort, { once: true });
  arm();
  try {
    for await (const chunk of body) {
      arm();
      buffered += (chunk as Buffer).toString('utf8');
      let end: number;
      while ((end = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, end).replace(/\r$/, '');
        buffered = buffered.slice(end + 1);
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') return reply;
        let event: ChatCompletion;
        try {
          event = JSON.parse(data) as ChatCompletion;
        } catch {
          throw badResult('an event that is not JSON');
        }
        const content = event.choices?.[0]?.delta?.content;
        if (typeof content === 'string' && content.length > 0) {
          reply += content;
          onDelta(content);
        }
      }
    }
    return reply;
  } catch (error) {
    if (signal?.aborted) throw signal.reason ?? error;
    // The client's socket timeout may end the silent stream just before our own timer does.
    if (timedOut || Date.now() - lastChunkAt >= idleMs * 0.9) throw new EngineError('ENGINE_TIMEOUT', `${ENGINE} sent nothing for ${idleMs} ms`, false, HttpStatus.GATEWAY_TIMEOUT);
    if (error instanceof EngineError) throw error;
    throw new EngineError('ENGINE_UNAVAILABLE', `${ENGINE} broke off its stream (${(error as Error).message})`, false, HttpStatus.SERVICE_UNAVAILABLE);
  } finally {
    clearTimeout(idle);
    signal?.removeEventListener('abort', abort);
    if (!body.destroyed) body.destroy();
  }
}

const badResult = (what: string) => new EngineError('ENGINE_BAD_RESULT', `${ENGINE} answered with ${what}`);
