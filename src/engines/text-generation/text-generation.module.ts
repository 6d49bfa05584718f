import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { RemoteEngineClient } from '../remote/remote-engine-client.js';
import { RemoteEngineModule } from '../remote/remote-engine.module.js';
import { OpenAiTextGenerationEngine } from './openai/openai-text-generation.engine.js';
import { SeedTtotTextGenerationEngine } from './seed-ttot/seed-ttot-text-generation.engine.js';
import { NoTextGenerationEngine, TextGenerationEngine } from './text-generation.engine.js';

/** TEXT_GENERATION_ENGINE=none (default: step 2 fails with ENGINE_NOT_CONFIGURED), openai, or seed-ttot. */
@Module({
  imports: [RemoteEngineModule],
  providers: [
    {
      provide: TextGenerationEngine,
      inject: [AppConfig, RemoteEngineClient],
      useFactory: (config: AppConfig, client: RemoteEngineClient) => {
        switch (config.textGeneration.engine) {
          case 'openai':
            return new OpenAiTextGenerationEngine(client, config);
          case 'seed-ttot':
            return new SeedTtotTextGenerationEngine(client, config);
          default:
            return new NoTextGenerationEngine();
        }
      },
    },
  ],
  exports: [TextGenerationEngine],
})
export class TextGenerationModule {}
