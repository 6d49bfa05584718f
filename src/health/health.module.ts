import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), JobsModule],
  controllers: [HealthController],
})
export class HealthModule {}
