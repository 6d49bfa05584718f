import type { JobEntity, JobError, JobStatus } from './job.entity.js';

/** A job as events and API responses carry it. */
export interface JobSnapshot {
  id: string;
  type: string;
  status: JobStatus;
  progress: number;
  stage: string | null;
  message: string | null;
  result: Record<string, any> | null;
  error: JobError | null;
  ownerId: string | null;
  attempts: number;
  maxAttempts: number;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);

export function toJobSnapshot(job: JobEntity): JobSnapshot {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    progress: job.progress,
    stage: job.stage,
    message: job.message,
    result: job.result,
    error: job.error,
    ownerId: job.ownerId,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    createdAt: iso(job.createdAt)!,
    startedAt: iso(job.startedAt),
    completedAt: iso(job.completedAt),
  };
}
