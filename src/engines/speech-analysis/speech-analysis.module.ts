import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { ObjectStorage } from '../../storage/object-storage.js';
import { RemoteEngineClient } from '../remote/remote-engine-client.js';
import { RemoteEngineModule } from '../remote/remote-engine.module.js';
import { TextToSpeechEngine } from '../text-to-speech/text-to-speech.engine.js';
import { TextToSpeechModule } from '../text-to-speech/text-to-speech.module.js';
import { BuiltinSpeechAnalysisEngine } from './builtin/builtin-speech-analysis.engine.js';
import { SyntheticReferenceLibrary } from './builtin/synthetic-reference-library.js';
import { RemoteSpeechAnalysisEngine } from './remote/remote-speech-analysis.engine.js';
import { SpeechAnalysisEngine } from './speech-analysis.engine.js';

/** ANALYSIS_ENGINE=builtin (default, no server) or remote (the team's analysis server). */
@Module({
  imports: [RemoteEngineModule, TextToSpeechModule],
  providers: [
    {
      provide: SpeechAnalysisEngine,
      inject: [AppConfig, ObjectStorage, RemoteEngineClient, TextToSpeechEngine],
      useFactory: (config: AppConfig, storage: ObjectStorage, client: RemoteEngineClient, speech: TextToSpeechEngine) =>
        config.analysis.engine === 'remote'
          ? new RemoteSpeechAnalysisEngine(storage, client, config)
          : new BuiltinSpeechAnalysisEngine(storage, new SyntheticReferenceLibrary(speech, storage), {
              warmUpWith: config.analysis.warmUp && config.jobs.worker ? speech : undefined,
            }),
    },
  ],
  exports: [SpeechAnalysisEngine],
})
export class SpeechAnalysisModule {}
