import { Injectable } from '@nestjs/common';
import type { DomainError } from '../common/domain-error.js';
import type { JobError } from '../jobs/job-status.js';
import { isJobId, JobsService, type CompletionWriter } from '../jobs/jobs.service.js';
import { WebhookDeliveries } from './webhook-deliveries.service.js';
import { WebhookSignatureError } from './webhook-errors.js';
import type { WebhookSigner } from './webhook-signer.js';

/** What an engine's callback says: the job's result, or the engine's own failure. */
export type CallbackOutcome = { result: Record<string, unknown> } | { error: JobError };

/** One kind of engine callback: how it is authenticated, whose jobs it completes and how its body reads. */
export interface JobCallback {
  /** Names the callback in the log of accepted deliveries. */
  route: string;
  jobType: string;
  /** The engine's shared secret; undefined when none is configured (every delivery is refused). */
  signer: WebhookSigner | undefined;
  /** Why there is no signer, for the 401. */
  unconfigured: string;
  notFound: () => DomainError;
  invalidJobId: () => DomainError;
  /**
   * Where the job id comes from: `query` (default), the signed callback URL this service gave the engine
   * (`?job_id=&signature=`); or `body`, the signed body's `job_id`, for an engine that posts every job to one
   * fixed URL (the Standard Webhooks signature over the body then binds the delivery to its job).
   */
  jobIdIn?: 'query' | 'body';
  /** Reads the parsed body; throws a DomainError (400) when it is neither a result nor a failure. */
  read(body: Record<string, unknown>): CallbackOutcome;
  /** Written in the transaction that completes the job. */
  alsoWrite?: CompletionWriter;
}

export interface CallbackRequest {
  query: Record<string, unknown>;
  rawBody: Buffer | undefined;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Completes or fails a job from an engine's callback, once: the delivery is authenticated (Standard Webhooks),
 * bound to its job (the signed callback URL, and a `job_id` in the body when there is one), applied at most
 * once per webhook id, and never moves a job that already finished (answered `ignored`).
 */
@Injectable()
export class JobCallbacks {
  constructor(
    private readonly deliveries: WebhookDeliveries,
    private readonly jobs: JobsService,
  ) {}

  async receive(callback: JobCallback, request: CallbackRequest): Promise<{ status: 'received' | 'ignored' }> {
    if (!callback.signer) throw new WebhookSignatureError(callback.unconfigured);
    const webhookId = callback.signer.verify(request.rawBody, request.headers);

    const body: unknown = JSON.parse(request.rawBody!.toString('utf8'));
    const fields = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};

    const jobId = callback.jobIdIn === 'body' ? fields.job_id : request.query.job_id;
    if (!isJobId(jobId)) throw callback.invalidJobId();
    if (callback.jobIdIn !== 'body' && !callback.signer.isCallbackFor(jobId, request.query.signature)) {
      throw new WebhookSignatureError('this is not the callback URL given for that job');
    }
    if ('job_id' in fields && fields.job_id !== jobId) throw new WebhookSignatureError('the delivery names another job');
    const outcome = callback.read(fields);
    const job = await this.jobs.findById(jobId);
    if (!job || job.type !== callback.jobType) throw callback.notFound();

    if (!(await this.deliveries.accept(callback.route, webhookId, jobId))) return { status: 'ignored' };
    try {
      const changed =
        'error' in outcome
          ? await this.jobs.fail(jobId, outcome.error)
          : await this.jobs.complete(jobId, outcome.result, { alsoWrite: callback.alsoWrite });
      return { status: changed ? 'received' : 'ignored' };
    } catch (error) {
      // Not applied: the sender's retry of this delivery must not be taken for a replay.
      await this.deliveries.forget(callback.route, webhookId);
      throw error;
    }
  }
}
