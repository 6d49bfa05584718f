import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DiscoveryModule } from '@nestjs/core';
import { DiagnosticJob } from './diagnostic.job.js';
import { JobEventRelay } from './job-event-relay.js';
import { JobStreams } from './job-stream.js';
import { JobQueue } from './job-queue.js';
import { JobRunner } from './job-runner.js';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';
import { JobEventEntity } from './job-event.entity.js';
import { JobEntity } from './job.entity.js';

@Module({
  imports: [DiscoveryModule, TypeOrmModule.forFeature([JobEntity, JobEventEntity])],
  controllers: [JobsController],
  providers: [JobQueue, JobsService, JobRunner, JobEventRelay, JobStreams, DiagnosticJob],
  exports: [JobsService, JobQueue, JobRunner, JobStreams],
})
export class JobsModule {}
