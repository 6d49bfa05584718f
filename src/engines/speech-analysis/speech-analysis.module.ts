import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { ObjectStorage } from '../../storage/object-storage.js';
import { BuiltinSpeechAnalysisEngine } from './builtin/builtin-speech-analysis.engine.js';
import { RemoteSpeechAnalysisEngine } from './remote/remote-speech-analysis.engine.js';
import { SpeechAnalysisEngine } from './speech-analysis.engine.js';

/** ANALYSIS_ENGINE=builtin (default, no server) or remote (the team's analysis server). */
@Global()
@Module({
  providers: [
    {
      provide: SpeechAnalysisEngine,
      inject: [AppConfig, ObjectStorage],
      useFactory: (config: AppConfig, storage: ObjectStorage) =>
        config.analysis.engine === 'remote'
          ? new RemoteSpeechAnalysisEngine(storage, config)
          : new BuiltinSpeechAnalysisEngine(storage),
    },
  ],
  exports: [SpeechAnalysisEngine],
})
export class SpeechAnalysisModule {}
