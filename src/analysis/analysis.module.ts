import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module.js';
import { SpeechAnalysisModule } from '../engines/speech-analysis/speech-analysis.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { AnalysisResultEntity } from './analysis-result.entity.js';
import { AnalysisWebhookController } from './analysis-webhook.controller.js';
import { AnalysisController } from './analysis.controller.js';
import { AnalysisHistoryService } from './analysis-history.service.js';
import { AnalysisJob } from './analysis.job.js';
import { AnalysisService } from './analysis.service.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([AnalysisResultEntity]),
    JobsModule,
    CatalogModule,
    SpeechAnalysisModule,
    WebhooksModule,
  ],
  controllers: [AnalysisController, AnalysisWebhookController],
  providers: [AnalysisService, AnalysisJob, AnalysisHistoryService],
  exports: [AnalysisHistoryService],
})
export class AnalysisModule {}
