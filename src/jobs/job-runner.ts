import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type PgBoss from 'pg-boss';
import { AppConfig } from '../config/app-config.js';
import { EngineError } from '../engines/engine-error.js';
import { EventBus } from '../events/event-bus.js';
import { AWAIT_CALLBACK, JobFailure, type JobContext } from './job-definition.js';
import { jobTopic } from './job-event-relay.js';
import { JobQueue, type JobPayloadEnvelope, type RegisteredHandler } from './job-queue.js';
import { JobsService } from './jobs.service.js';
import type { JobError } from './job.entity.js';

class Canceled extends Error {}
class DeadlineExceeded extends Error {}
/** Another process took the job over (the reaper judged this attempt dead): stop, and leave the job to it. */
class Superseded extends Error {}

/** How a thrown error ends an attempt. Unknown errors are retried: they are usually transient. */
export function describeFailure(error: unknown): JobError & { retryable: boolean } {
  if (error instanceof JobFailure || error instanceof EngineError) {
    return { code: error.code, message: error.message, retryable: error.retryable };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: message || 'unexpected error', retryable: true };
}

/**
 * Runs jobs in this process when JOBS_WORKER is on (the web process by default, `npm run worker` always):
 * one pg-boss worker per type and slot, a heartbeat while an attempt runs, its deadline, cancellation, and
 * the reaper that recovers attempts whose process died.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobRunner.name);
  private readonly running = new Map<string, AbortController>();
  private readonly workerIds = new Map<string, string[]>();
  private readonly unsubscribes: Array<() => void> = [];
  private reaperTimer?: NodeJS.Timeout;
  private reaping = false;
  private stopping = false;

  constructor(
    private readonly queue: JobQueue,
    private readonly jobs: JobsService,
    private readonly bus: EventBus,
    private readonly config: AppConfig,
  ) {}

  get activeCount(): number {
    return this.running.size;
  }

  async onApplicationBootstrap(): Promise<void> {
    const heartbeatMs = this.config.jobs.heartbeatSeconds * 1000;
    this.reaperTimer = setInterval(() => void this.reap(), heartbeatMs);
    this.reaperTimer.unref();
    if (!this.config.jobs.worker) return;

    for (const registered of this.queue.handlers) {
      const { type } = registered.definition;
      const ids: string[] = [];
      // A type with lanes never runs more than that at once anyway: more local workers would only poll.
      const slots = Math.min(this.config.jobs.concurrency, registered.definition.lanes ?? Infinity);
      for (let slot = 0; slot < slots; slot++) {
        ids.push(
          await this.queue.client.work<JobPayloadEnvelope>(
            type,
            { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: this.config.jobs.pollSeconds },
            async ([job]) => this.runAttempt(registered, job!),
          ),
        );
      }
      this.workerIds.set(type, ids);
      // A job queued by any instance wakes this process's idle workers at once instead of at their next poll.
      this.unsubscribes.push(
        this.bus.subscribe<'job.updated'>(`job-type:${type}`, ({ data }) => {
          if (data.status === 'queued' && !this.stopping) ids.forEach((id) => this.queue.client.notifyWorker(id));
        }),
      );
    }
  }

  /** One attempt of one job, as the queue hands it over. */
  async runAttempt(registered: RegisteredHandler, queued: PgBoss.JobWithMetadata<JobPayloadEnvelope>): Promise<void> {
    const { definition, handler } = registered;
    const jobId = queued.data.jobId;
    const attempt = queued.retryCount + 1;
    const deadlineMs = definition.deadlineSeconds * 1000;
    const job = await this.jobs.start(jobId, attempt, new Date(Date.now() + deadlineMs));
    if (!job) return; // canceled or finished meanwhile: nothing to run

    const abort = new AbortController();
    this.running.set(jobId, abort);
    const unsubscribe = this.bus.subscribe<'job.updated'>(jobTopic(jobId), ({ data }) => {
      if (data.status === 'canceled') abort.abort(new Canceled('canceled'));
    });
    const heartbeat = setInterval(
      () =>
        void this.jobs
          .heartbeat(jobId, attempt)
          .then((current) => {
            if (!current && !abort.signal.aborted) abort.abort(new Superseded(`attempt ${attempt} is no longer the job's current one`));
          })
          .catch(() => undefined),
      this.config.jobs.heartbeatSeconds * 1000,
    );
    const deadline = setTimeout(
      () => abort.abort(new DeadlineExceeded(`no result within ${definition.deadlineSeconds} s`)),
      deadlineMs,
    );
    const context: JobContext = {
      job,
      attempt,
      signal: abort.signal,
      progress: async (progress, stage, message) => {
        await this.jobs.progress(jobId, attempt, progress, stage, message);
      },
    };

    try {
      const outcome = await untilAborted(handler.handle(context), abort.signal);
      if (outcome === AWAIT_CALLBACK) {
        await this.jobs.awaitCallback(jobId, attempt, 'Waiting for the engine to report back');
      } else {
        await this.jobs.complete(jobId, outcome as Record<string, unknown>, {
          attempt,
          alsoWrite: handler.completed ? (done, manager) => handler.completed!(done, manager) : undefined,
        });
      }
    } catch (error) {
      const reason: unknown = abort.signal.aborted ? abort.signal.reason : error;
      if (reason instanceof Canceled || reason instanceof Superseded) return;
      if (reason instanceof ShutdownAbort) throw reason; // left processing: the reaper hands it on
      if (reason instanceof DeadlineExceeded) {
        await this.jobs.fail(jobId, { code: 'DEADLINE_EXCEEDED', message: reason.message }, { attempt });
        return;
      }
      const failure = describeFailure(reason);
      if (failure.retryable && attempt < job.maxAttempts) {
        await this.jobs.requeue(jobId, `Attempt ${attempt} failed (${failure.message}); retrying`, { attempt });
        throw reason; // pg-boss schedules the retry with backoff
      }
      if (failure.code === 'INTERNAL') this.logger.error({ err: reason, jobId }, `job ${definition.type} failed`);
      await this.jobs.fail(jobId, { code: failure.code, message: failure.message }, { attempt });
    } finally {
      clearInterval(heartbeat);
      clearTimeout(deadline);
      unsubscribe();
      this.running.delete(jobId);
    }
  }

  /**
   * Recovers attempts whose process stopped: a heartbeat older than three intervals means nobody runs it. The
   * queue decides between another attempt and failure, by the type's retry limit. Also fails jobs whose remote
   * engine never called back before the deadline. Every instance reaps; guarded updates make one of them win.
   */
  async reap(): Promise<void> {
    if (this.reaping || this.stopping) return;
    this.reaping = true;
    try {
      const staleBefore = new Date(Date.now() - 3 * this.config.jobs.heartbeatSeconds * 1000);
      for (const job of await this.jobs.findStale(staleBefore)) {
        let state = await this.queue.state(job.type, job.id);
        if (state === 'active') {
          await this.queue.failAttempt(job.type, job.id, 'worker stopped');
          state = await this.queue.state(job.type, job.id);
        }
        if (state === 'retry' || state === 'created') {
          await this.jobs.requeue(job.id, `The worker running attempt ${job.attempts} stopped; retrying`, {
            attempt: job.attempts,
            heartbeatBefore: staleBefore,
          });
        } else {
          await this.jobs.fail(
            job.id,
            {
              code: 'WORKER_LOST',
              message: `The worker running this job stopped during attempt ${job.attempts} of ${job.maxAttempts}`,
            },
            { attempt: job.attempts, heartbeatBefore: staleBefore },
          );
        }
      }
      for (const job of await this.jobs.findOverdueCallbacks()) {
        await this.jobs.fail(
          job.id,
          { code: 'ENGINE_TIMEOUT', message: 'The engine did not report a result before the deadline' },
          { attempt: job.attempts },
        );
      }
    } catch (error) {
      this.logger.warn(`reaper: ${(error as Error).message}`);
    } finally {
      this.reaping = false;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.reaperTimer);
    this.unsubscribes.forEach((unsubscribe) => unsubscribe());
    await Promise.all([...this.workerIds.keys()].map((type) => this.queue.client.offWork(type).catch(() => undefined)));
    const until = Date.now() + this.config.shutdownTimeoutMs;
    while (this.running.size > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const abort of this.running.values()) abort.abort(new ShutdownAbort('service stopping'));
  }
}

class ShutdownAbort extends Error {}

/** Settles with the work, or rejects as soon as the signal aborts (the work may go on, its writes are fenced). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
