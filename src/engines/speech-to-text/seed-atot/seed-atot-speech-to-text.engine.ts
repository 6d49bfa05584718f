import { AppConfig } from '../../../config/app-config.js';
import { ObjectStorage } from '../../../storage/object-storage.js';
import { EngineError } from '../../engine-error.js';
import { RemoteEngineClient } from '../../remote/remote-engine-client.js';
import { SpeechToTextEngine, type TranscriptionOutcome, type TranscriptionRequest } from '../speech-to-text.engine.js';

const MAX_CLIP_BYTES = 25 * 1000 * 1000;
const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/;

/**
 * Seed 000's ATOT server: `POST {ATOT_URL}/run-model` with the audio as multipart `file`, answering
 * `{atot_text}` (or `{text}`). Short clips only (a voice turn, held in memory); no times, so no segments.
 */
export class SeedAtotSpeechToTextEngine extends SpeechToTextEngine {
  readonly name = 'seed-atot';
  readonly configured = true;

  constructor(
    private readonly storage: ObjectStorage,
    private readonly client: RemoteEngineClient,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async transcribe({ mediaKey, signal }: TranscriptionRequest): Promise<TranscriptionOutcome> {
    const media = await this.storage.get(mediaKey);
    if (media.size > MAX_CLIP_BYTES) {
      media.body.destroy();
      throw new EngineError('ENGINE_REJECTED', `seed-atot takes clips up to ${MAX_CLIP_BYTES} bytes, not ${media.size}: use SPEECH_TO_TEXT_ENGINE=openai for long media`);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of media.body) chunks.push(chunk as Buffer);
    const form = new FormData();
    form.append('file', new Blob([Buffer.concat(chunks)], { type: media.contentType }), mediaKey.split('/').pop() ?? 'input');
    const response = await this.client.request<Record<string, unknown>>({
      engine: 'seed-atot',
      url: `${this.config.speechToText.seedAtotUrl}/run-model`,
      body: form,
      idempotent: true,
      timeoutMs: this.config.voice.timeoutMs,
      retries: 1,
      retryDelayMs: 200,
      signal,
    });
    const data = response.data ?? {};
    const recognised = [data.atot_text, data.text].find((value) => typeof value === 'string') as string | undefined;
    if (recognised === undefined) throw new EngineError('ENGINE_BAD_RESULT', 'seed-atot answered without atot_text');
    return {
      status: 'completed',
      transcript: { text: recognised, language: HANGUL.test(recognised) ? 'ko' : 'en', duration: 0, segments: [], engine: { name: this.name, model: 'atot' } },
    };
  }
}

