import { HttpStatus } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { DomainError } from '../common/domain-error.js';
import type { EntityManager } from 'typeorm';
import type { JobEntity } from './job.entity.js';

/** A job as its handler and its feature see it. */
export type Job = JobEntity;

/** How the platform runs one type of job. */
export interface JobDefinition {
  /** Also the queue's name: letters, digits, `-` and `_`. */
  type: string;
  /** Further attempts after the first when it fails with a retryable error or its worker dies. */
  retryLimit: number;
  /** First backoff; doubled (with jitter) on each retry. */
  retryDelaySeconds: number;
  /** An attempt still running (or still waiting for a remote engine's callback) after this long fails. */
  deadlineSeconds: number;
  /**
   * At most this many attempts of the type run at once across every process (one GPU: 1): pg-boss's singleton
   * policy, one lane per singleton key, each job queued on the least loaded lane. Unset: only each process's
   * JOBS_CONCURRENCY bounds it.
   */
  lanes?: number;
}

/** What a handler may set from configuration at start; it overrides the decorator's values. */
export type ConfiguredJobDefinition = Partial<Pick<JobDefinition, 'deadlineSeconds' | 'lanes'>>;

export interface JobContext<P = Record<string, unknown>> {
  readonly job: JobEntity & { payload: P };
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Aborted when the job is canceled or its deadline passes; pass it to every I/O call. */
  readonly signal: AbortSignal;
  /** Persists and publishes progress (0-100, never going back) and the current stage. */
  progress(progress: number, stage: string, message?: string): Promise<void>;
}

/** Returned by a handler whose remote engine will deliver the result later (webhook); the job stays processing. */
export const AWAIT_CALLBACK = Symbol('await-callback');

export interface JobHandler<P = Record<string, unknown>, R = Record<string, unknown>> {
  handle(context: JobContext<P>): Promise<R | typeof AWAIT_CALLBACK>;
  /** Runs in the transaction that completes the job: what must exist exactly when the job is completed. */
  completed?(job: JobEntity, manager: EntityManager): Promise<void>;
  /** Definition values read from configuration (a deadline, a cluster-wide limit), read once at start. */
  configure?(): ConfiguredJobDefinition;
}

/** Marks a provider as the handler of one job type; the jobs module finds it and runs it. */
export const JobProcessor = DiscoveryService.createDecorator<JobDefinition>();

/** What a handler throws to fail its job with a stable code. Retryable failures are retried with backoff. */
export class JobFailure extends DomainError {
  constructor(
    code: string,
    message: string,
    readonly retryable = false,
    status: HttpStatus = HttpStatus.BAD_GATEWAY,
  ) {
    super(code, message, status);
  }
}
