import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { ObjectStorage } from '../../storage/object-storage.js';
import { RemoteEngineClient } from '../remote/remote-engine-client.js';
import { RemoteEngineModule } from '../remote/remote-engine.module.js';
import { MlServerSpeechToTextEngine } from './ml-server/ml-server-speech-to-text.engine.js';
import { OpenAiSpeechToTextEngine } from './openai/openai-speech-to-text.engine.js';
import { SeedAtotSpeechToTextEngine } from './seed-atot/seed-atot-speech-to-text.engine.js';
import { NoSpeechToTextEngine, SpeechToTextEngine } from './speech-to-text.engine.js';

/** SPEECH_TO_TEXT_ENGINE=none (default: transcripts refused with 503), openai, ml-server, or seed-atot (short clips: voice turns). */
@Module({
  imports: [RemoteEngineModule],
  providers: [
    {
      provide: SpeechToTextEngine,
      inject: [AppConfig, ObjectStorage, RemoteEngineClient],
      useFactory: (config: AppConfig, storage: ObjectStorage, client: RemoteEngineClient) => {
        switch (config.speechToText.engine) {
          case 'openai':
            return new OpenAiSpeechToTextEngine(storage, client, config);
          case 'seed-atot':
            return new SeedAtotSpeechToTextEngine(storage, client, config);
          case 'ml-server':
            return new MlServerSpeechToTextEngine(storage, client, config);
          default:
            return new NoSpeechToTextEngine();
        }
      },
    },
  ],
  exports: [SpeechToTextEngine],
})
export class SpeechToTextModule {}
