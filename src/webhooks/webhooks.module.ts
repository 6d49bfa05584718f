import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobsModule } from '../jobs/jobs.module.js';
import { JobCallbacks } from './job-callbacks.service.js';
import { WebhookDeliveries } from './webhook-deliveries.service.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';

@Module({
  imports: [JobsModule, TypeOrmModule.forFeature([WebhookDeliveryEntity])],
  providers: [WebhookDeliveries, JobCallbacks],
  exports: [JobCallbacks],
})
export class WebhooksModule {}
