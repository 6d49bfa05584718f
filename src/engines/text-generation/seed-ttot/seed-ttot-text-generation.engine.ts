import { AppConfig } from '../../../config/app-config.js';
import { EngineError } from '../../engine-error.js';
import { RemoteEngineClient } from '../../remote/remote-engine-client.js';
import { TextGenerationEngine, type Generation, type GenerationRequest } from '../text-generation.engine.js';

/**
 * Seed 000's TTOT server: `POST {TTOT_URL}/generate` with `{text, history, system_prompt}`, answering
 * `{ttot_text}` (or `{text}` / `{generated_text}`). It does not stream: the whole reply is one delta.
 */
export class SeedTtotTextGenerationEngine extends TextGenerationEngine {
  readonly name = 'seed-ttot';
  readonly configured = true;

  constructor(
    private readonly client: RemoteEngineClient,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async generate({ messages, signal, onDelta }: GenerationRequest): Promise<Generation> {
    const { seedTtotUrl, timeoutMs } = this.config.textGeneration;
    const last = messages[messages.length - 1];
    const response = await this.client.request<Record<string, unknown>>({
      engine: 'seed-ttot',
      url: `${seedTtotUrl}/generate`,
      body: {
        text: last?.content ?? '',
        history: messages.slice(0, -1).filter((message) => message.role !== 'system'),
        system_prompt: messages.find((message) => message.role === 'system')?.content ?? null,
      },
      idempotent: false,
      timeoutMs,
      retries: 0,
      retryDelayMs: 0,
      signal,
    });
    const data = response.data ?? {};
    const text = [data.ttot_text, data.text, data.generated_text].find((value) => typeof value === 'string') as string | undefined;
    if (text === undefined) throw new EngineError('ENGINE_BAD_RESULT', 'seed-ttot answered without ttot_text');
    onDelta?.(text);
    return { text, engine: { name: this.name, model: 'ttot' } };
  }
}
