import { Module } from '@nestjs/common';
import { AnalysisWebhookController } from './analysis-webhook.controller.js';
import { AnalysisController } from './analysis.controller.js';
import { AnalysisHistoryService } from './analysis-history.service.js';
import { AnalysisJob } from './analysis.job.js';
import { AnalysisService } from './analysis.service.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';

@Module({
  imports: [WebhooksModule],
  controllers: [AnalysisController, AnalysisWebhookController],
  providers: [AnalysisService, AnalysisJob, AnalysisHistoryService],
  exports: [AnalysisHistoryService],
})
export class AnalysisModule {}
