import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JOB_STATUSES, type JobStatus } from '../job.entity.js';
import type { JobSnapshot } from '../job-snapshot.js';

export class JobErrorDto {
  @ApiProperty({ example: 'ENGINE_UNAVAILABLE' })
  code: string;

  @ApiProperty()
  message: string;
}

export class JobDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'analysis' })
  type: string;

  @ApiProperty({ enum: JOB_STATUSES })
  status: JobStatus;

  @ApiProperty({ minimum: 0, maximum: 100 })
  progress: number;

  @ApiPropertyOptional({ nullable: true, type: String })
  stage: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  message: string | null;

  @ApiPropertyOptional({ nullable: true, type: Object })
  result: Record<string, unknown> | null;

  @ApiPropertyOptional({ nullable: true, type: JobErrorDto })
  error: JobErrorDto | null;

  @ApiProperty()
  attempts: number;

  @ApiProperty({ name: 'max_attempts' })
  max_attempts: number;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  started_at: string | null;

  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  completed_at: string | null;

  static from(job: JobSnapshot): JobDto {
    return {
      id: job.id,
      type: job.type,
      status: job.status,
      progress: job.progress,
      stage: job.stage,
      message: job.message,
      result: job.result,
      error: job.error,
      attempts: job.attempts,
      max_attempts: job.maxAttempts,
      created_at: job.createdAt,
      started_at: job.startedAt,
      completed_at: job.completedAt,
    };
  }
}
