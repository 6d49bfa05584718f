import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AnalysisModule } from './analysis/analysis.module.js';
import { AppController } from './app.controller.js';
import { AuthModule } from './auth/auth.module.js';
import { CatalogModule } from './catalog/catalog.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { dataSourceOptions } from './database/data-source-options.js';
import { SpeechAnalysisModule } from './engines/speech-analysis/speech-analysis.module.js';
import { TextToSpeechModule } from './engines/text-to-speech/text-to-speech.module.js';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { loggerOptions } from './logging.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { MypageModule } from './mypage/mypage.module.js';
import { StorageModule } from './storage/storage.module.js';
import { VideoModule } from './video/video.module.js';
import { VoiceModule } from './voice/voice.module.js';
import { MusicModule } from './music/music.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  /** The migrated database this process uses (see openDatabase). */
  databaseUrl: string;
}

@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config)),
        TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl, config.database.poolSize), retryAttempts: 2, retryDelay: 1000 }),
        EventsModule,
        StorageModule.forRoot(config),
        JobsModule,
        TextToSpeechModule,
        SpeechAnalysisModule,
        AuthModule,
        CatalogModule,
        AnalysisModule,
        MypageModule,
        VideoModule,
        VoiceModule,
        MusicModule,
        HealthModule,
        MetricsModule,
      ],
      controllers: [AppController],
    };
  }
}
