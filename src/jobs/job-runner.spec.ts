import { Logger } from '@nestjs/common';
import type PgBoss from 'pg-boss';
import { beforeEach, describe, expect, it, vi, type Mocked } from 'vitest';
import type { AppConfig } from '../config/app-config.js';
import { EventBus } from '../events/event-bus.js';
import { JobFailure, type JobHandler } from './job-definition.js';
import type { JobPayloadEnvelope, JobQueue } from './job-queue.js';
import { describeFailure, JobRunner } from './job-runner.js';
import type { JobEntity } from './job.entity.js';
import type { JobsService } from './jobs.service.js';

Logger.overrideLogger(false);

const config = { jobs: { heartbeatSeconds: 1, worker: false, concurrency: 1, pollSeconds: 1 }, shutdownTimeoutMs: 1000 } as AppConfig;
const job = (overrides: Partial<JobEntity> = {}) =>
  ({ id: 'j1', type: 'diagnostic', status: 'processing', attempts: 1, maxAttempts: 2, payload: {}, ...overrides }) as JobEntity;
const queued = (retryCount = 0) => ({ id: 'j1', data: { jobId: 'j1' }, retryCount }) as PgBoss.JobWithMetadata<JobPayloadEnvelope>;

function setup() {
  const jobs = {
    start: vi.fn(async () => job()),
    complete: vi.fn(),
    fail: vi.fn(),
    requeue: vi.fn(),
    awaitCallback: vi.fn(),
    heartbeat: vi.fn(async () => true),
    progress: vi.fn(),
    findStale: vi.fn(async () => [] as JobEntity[]),
    findOverdueCallbacks: vi.fn(async () => [] as JobEntity[]),
  } as unknown as Mocked<JobsService>;
  const queue = { state: vi.fn(), failAttempt: vi.fn(), handlers: [] } as unknown as Mocked<JobQueue>;
  const sut = new JobRunner(queue, jobs, new EventBus(), config);
  return { sut, jobs, queue };
}

describe(JobRunner.name, () => {
  let ctx: ReturnType<typeof setup>;
  beforeEach(() => (ctx = setup()));

  describe('reap', () => {
    it('hands a dead worker\'s attempt back to the queue when retries remain', async () => {
      ctx.jobs.findStale.mockResolvedValue([job()]);
      ctx.queue.state.mockResolvedValueOnce('active').mockResolvedValueOnce('retry');
      await ctx.sut.reap();
      expect(ctx.queue.failAttempt).toHaveBeenCalledWith('diagnostic', 'j1', 'worker stopped');
      expect(ctx.jobs.requeue).toHaveBeenCalledWith('j1', expect.stringContaining('stopped'), expect.objectContaining({ attempt: 1 }));
      expect(ctx.jobs.fail).not.toHaveBeenCalled();
    });

    it('fails the job with a reason when the queue has no retry left', async () => {
      ctx.jobs.findStale.mockResolvedValue([job({ attempts: 2 })]);
      ctx.queue.state.mockResolvedValueOnce('active').mockResolvedValueOnce('failed');
      await ctx.sut.reap();
      expect(ctx.jobs.fail).toHaveBeenCalledWith(
        'j1',
        { code: 'WORKER_LOST', message: expect.stringContaining('attempt 2 of 2') },
        expect.objectContaining({ attempt: 2 }),
      );
    });

    it('fails a job whose engine never called back before the deadline', async () => {
      ctx.jobs.findOverdueCallbacks.mockResolvedValue([job({ heartbeatAt: null })]);
      await ctx.sut.reap();
      expect(ctx.jobs.fail).toHaveBeenCalledWith('j1', expect.objectContaining({ code: 'ENGINE_TIMEOUT' }), { attempt: 1 });
    });
  });

  describe('runAttempt', () => {
    const registered = (handler: JobHandler<any, any>, deadlineSeconds = 60) => ({
      definition: { type: 'diagnostic', retryLimit: 1, retryDelaySeconds: 1, deadlineSeconds },
      handler,
    });

    it('completes the job with what the handler returns', async () => {
      await ctx.sut.runAttempt(registered({ handle: async () => ({ ok: true }) }), queued());
      expect(ctx.jobs.complete).toHaveBeenCalledWith('j1', { ok: true }, expect.objectContaining({ attempt: 1 }));
    });

    it('fails, without retrying, a job that fails with a non-retryable error', async () => {
      const handler = { handle: async () => Promise.reject(new JobFailure('NO_SPEECH', 'silence')) };
      await ctx.sut.runAttempt(registered(handler), queued());
      expect(ctx.jobs.fail).toHaveBeenCalledWith('j1', { code: 'NO_SPEECH', message: 'silence' }, { attempt: 1 });
      expect(ctx.jobs.requeue).not.toHaveBeenCalled();
    });

    it('requeues and rethrows a retryable failure while attempts remain, then fails on the last', async () => {
      const handler = { handle: async () => Promise.reject(new JobFailure('ENGINE_UNAVAILABLE', 'down', true)) };
      await expect(ctx.sut.runAttempt(registered(handler), queued(0))).rejects.toThrow('down');
      expect(ctx.jobs.requeue).toHaveBeenCalled();
      ctx.jobs.start.mockResolvedValue(job({ attempts: 2 }));
      await ctx.sut.runAttempt(registered(handler), queued(1));
      expect(ctx.jobs.fail).toHaveBeenCalledWith('j1', { code: 'ENGINE_UNAVAILABLE', message: 'down' }, { attempt: 2 });
    });

    it('fails a job that outlives its deadline, and aborts the handler', async () => {
      let signal: AbortSignal | undefined;
      const handler = {
        handle: ({ signal: s }: { signal: AbortSignal }) => {
          signal = s;
          return new Promise(() => {});
        },
      };
      await ctx.sut.runAttempt(registered(handler as JobHandler, 0.05), queued());
      expect(signal?.aborted).toBe(true);
      expect(ctx.jobs.fail).toHaveBeenCalledWith('j1', expect.objectContaining({ code: 'DEADLINE_EXCEEDED' }), { attempt: 1 });
    });

    it('stops an attempt that is no longer current (the reaper handed the job on) and leaves the job alone', async () => {
      let signal: AbortSignal | undefined;
      const handler = {
        handle: ({ signal: s }: { signal: AbortSignal }) => {
          signal = s;
          return new Promise(() => {});
        },
      };
      ctx.jobs.heartbeat.mockResolvedValue(false);
      const fast = new JobRunner(ctx.queue, ctx.jobs, new EventBus(), { ...config, jobs: { ...config.jobs, heartbeatSeconds: 0.02 } } as AppConfig);
      await fast.runAttempt(registered(handler as JobHandler), queued());
      expect(signal?.aborted).toBe(true);
      expect(ctx.jobs.fail).not.toHaveBeenCalled();
      expect(ctx.jobs.complete).not.toHaveBeenCalled();
      expect(ctx.jobs.requeue).not.toHaveBeenCalled();
    });

    it('does nothing for a job that was canceled before it started', async () => {
      ctx.jobs.start.mockResolvedValue(null);
      const handle = vi.fn();
      await ctx.sut.runAttempt(registered({ handle }), queued());
      expect(handle).not.toHaveBeenCalled();
    });
  });
});

describe(describeFailure.name, () => {
  it('treats unknown errors as retryable internal failures', () => {
    expect(describeFailure(new Error('ECONNRESET'))).toEqual({ code: 'INTERNAL', message: 'ECONNRESET', retryable: true });
  });
});
