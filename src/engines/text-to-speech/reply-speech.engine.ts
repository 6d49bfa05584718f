import { HttpStatus, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { EngineError } from '../engine-error.js';
import { RemoteEngineClient } from '../remote/remote-engine-client.js';
import { RemoteEngineModule } from '../remote/remote-engine.module.js';
import { TextToSpeechEngine } from './text-to-speech.engine.js';
import { TextToSpeechModule } from './text-to-speech.module.js';

export interface ReplySpeech {
  audio: Buffer;
  contentType: string;
  extension: string;
}

export interface ReplySpeechOptions {
  /** 'ko' or 'en', picked from the text. */
  language: string;
  signal?: AbortSignal;
}

/**
 * Port for speaking a whole reply (no word timings needed). Adapters: the built-in eSpeak NG (default),
 * `openai` (`POST {TTS_BASE_URL}/audio/speech`) and `seed-tts` (seed 000's :8004 server, WAV back).
 */
export abstract class ReplySpeechEngine {
  abstract readonly name: string;
  abstract speak(text: string, options: ReplySpeechOptions): Promise<ReplySpeech>;
}

export class BuiltInReplySpeechEngine extends ReplySpeechEngine {
  readonly name = 'espeak';
  constructor(private readonly synthesizer: TextToSpeechEngine) {
    super();
  }
  async speak(text: string, { language }: ReplySpeechOptions): Promise<ReplySpeech> {
    try {
      const synthesis = await this.synthesizer.synthesize(text, { language });
      return { audio: synthesis.audio, contentType: 'audio/wav', extension: 'wav' };
    } catch (failure) {
      throw new EngineError('SYNTHESIS_FAILED', `eSpeak NG could not speak the reply: ${(failure as Error).message}`, false, HttpStatus.INTERNAL_SERVER_ERROR);
    }
  }
}

export class OpenAiReplySpeechEngine extends ReplySpeechEngine {
  readonly name = 'openai';
  constructor(
    private readonly client: RemoteEngineClient,
    private readonly config: AppConfig,
  ) {
    super();
  }
  async speak(text: string, { signal }: ReplySpeechOptions): Promise<ReplySpeech> {
    const { openai } = this.config.voice.speech;
    const response = await this.client.request<ArrayBuffer>({
      engine: 'openai-speech',
      url: `${openai.baseUrl}/audio/speech`,
      body: { model: openai.model, voice: openai.voice, input: text, response_format: 'wav' },
      headers: openai.apiKey ? { authorization: `Bearer ${openai.apiKey}` } : {},
      idempotent: true,
      timeoutMs: this.config.voice.timeoutMs,
      retries: 1,
      retryDelayMs: 200,
      signal,
      responseType: 'arraybuffer',
    });
    return wavOrFail(Buffer.from(response.data), 'openai-speech');
  }
}

export class SeedTtsReplySpeechEngine extends ReplySpeechEngine {
  readonly name = 'seed-tts';
  constructor(
    private readonly client: RemoteEngineClient,
    private readonly config: AppConfig,
  ) {
    super();
  }
  async speak(text: string, { language, signal }: ReplySpeechOptions): Promise<ReplySpeech> {
    const response = await this.client.request<ArrayBuffer>({
      engine: 'seed-tts',
      url: this.config.voice.speech.seedTtsUrl!,
      body: { text, language },
      idempotent: true,
      timeoutMs: this.config.voice.timeoutMs,
      retries: 1,
      retryDelayMs: 200,
      signal,
      responseType: 'arraybuffer',
    });
    return wavOrFail(Buffer.from(response.data), 'seed-tts');
  }
}

function wavOrFail(audio: Buffer, engine: string): ReplySpeech {
  if (audio.length < 44 || audio.toString('ascii', 0, 4) !== 'RIFF' || audio.toString('ascii', 8, 12) !== 'WAVE') {
    throw new EngineError('ENGINE_BAD_RESULT', `${engine} answered with something that is not WAV audio`);
  }
  return { audio, contentType: 'audio/wav', extension: 'wav' };
}

/** TEXT_TO_SPEECH_ENGINE=espeak (default, built in), openai, or seed-tts. */
@Module({
  imports: [RemoteEngineModule, TextToSpeechModule],
  providers: [
    {
      provide: ReplySpeechEngine,
      inject: [AppConfig, RemoteEngineClient, TextToSpeechEngine],
      useFactory: (config: AppConfig, client: RemoteEngineClient, synthesizer: TextToSpeechEngine) => {
        switch (config.voice.speech.engine) {
          case 'openai':
            return new OpenAiReplySpeechEngine(client, config);
          case 'seed-tts':
            return new SeedTtsReplySpeechEngine(client, config);
          default:
            return new BuiltInReplySpeechEngine(synthesizer);
        }
      },
    },
  ],
  exports: [ReplySpeechEngine],
})
export class ReplySpeechModule {}
