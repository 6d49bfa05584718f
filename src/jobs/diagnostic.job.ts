import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobFailure, JobProcessor, type JobContext, type JobHandler } from './job-definition.js';

export const DIAGNOSTIC_JOB = 'diagnostic';

export interface DiagnosticJobPayload {
  steps: number;
  stepMs: number;
  failAttempts: number;
}

/**
 * A job that does nothing but take time and report progress: lets an operator (and the tests) see workers,
 * retries, crash recovery and live progress work end to end without any engine.
 */
@Injectable()
@JobProcessor({ type: DIAGNOSTIC_JOB, retryLimit: 3, retryDelaySeconds: 1, deadlineSeconds: 600 })
export class DiagnosticJob implements JobHandler<DiagnosticJobPayload> {
  async handle({ job, attempt, signal, progress }: JobContext<DiagnosticJobPayload>) {
    const { steps, stepMs, failAttempts } = job.payload;
    for (let step = 1; step <= steps; step++) {
      await sleep(stepMs, undefined, { signal });
      if (attempt <= failAttempts && step === Math.ceil(steps / 2)) {
        throw new JobFailure('DIAGNOSTIC_FAILURE', `attempt ${attempt} fails on purpose`, true);
      }
      await progress((step / steps) * 100, 'working', `Step ${step} of ${steps}`);
    }
    return { steps, attempt, pid: process.pid };
  }
}
