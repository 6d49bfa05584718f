import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { ObjectStorage } from '../../storage/object-storage.js';
import { RemoteEngineClient } from '../remote/remote-engine-client.js';
import { RemoteEngineModule } from '../remote/remote-engine.module.js';
import { BuiltinSpeechAnalysisEngine } from './builtin/builtin-speech-analysis.engine.js';
import { RemoteSpeechAnalysisEngine } from './remote/remote-speech-analysis.engine.js';
import { SpeechAnalysisEngine } from './speech-analysis.engine.js';

/** ANALYSIS_ENGINE=builtin (default, no server) or remote (the team's analysis server). */
@Module({
  imports: [RemoteEngineModule],
  providers: [
    {
      provide: SpeechAnalysisEngine,
      inject: [AppConfig, ObjectStorage, RemoteEngineClient],
      useFactory: (config: AppConfig, storage: ObjectStorage, client: RemoteEngineClient) =>
        config.analysis.engine === 'remote'
          ? new RemoteSpeechAnalysisEngine(storage, client, config)
          : new BuiltinSpeechAnalysisEngine(storage),
    },
  ],
  exports: [SpeechAnalysisEngine],
})
export class SpeechAnalysisModule {}
