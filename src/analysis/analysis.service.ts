import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { tokenNotFound } from '../catalog/catalog-errors.js';
import { TokenEntity } from '../catalog/token.entity.js';
import { ConflictError, DomainError, NotFoundError } from '../common/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import type { JobSnapshot } from '../jobs/job-snapshot.js';
import { toJobSnapshot } from '../jobs/job-snapshot.js';
import { JobsService } from '../jobs/jobs.service.js';
import { ObjectStorage } from '../storage/object-storage.js';
import { AUDIO_DESCRIPTION, isAudio } from '../storage/upload/audio-types.js';
import { receiveFileUpload } from '../storage/upload/file-upload.js';
import { AnalysisResultEntity } from './analysis-result.entity.js';
import { analysisStatusOf } from './analysis.mapper.js';
import { ANALYSIS_JOB, AnalysisJob, type AnalysisJobPayload } from './analysis.job.js';
import type { AnalysisResultDto, UploadAcceptedDto } from './dto/analysis.dto.js';

export class WebhookSignatureError extends DomainError {
  constructor(reason: string) {
    super('WEBHOOK_SIGNATURE_INVALID', `The webhook could not be authenticated: ${reason}`, HttpStatus.UNAUTHORIZED);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A dubbing analysis as the old server's clients read it. */
export function toAnalysisResultDto(job: JobSnapshot, tokenId: number): AnalysisResultDto {
  return {
    status: analysisStatusOf(job.status),
    job_id: job.id,
    token_id: String(tokenId),
    progress: job.progress,
    result: job.status === 'completed' ? job.result : null,
    message: job.message,
    error_code: job.error?.code ?? null,
  };
}

@Injectable()
export class AnalysisService {
  private readonly webhook?: Webhook;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly storage: ObjectStorage,
    private readonly analysisJob: AnalysisJob,
    private readonly config: AppConfig,
  ) {
    const secret = config.analysis.webhookSecret;
    // A Standard Webhooks secret ("whsec_" + base64) is decoded; any other string is used as it is.
    if (secret) this.webhook = secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(secret, { format: 'raw' });
  }

  /** Streams the recording to storage and queues its analysis; answers before any analysis work. */
  async upload(userId: string, tokenId: number, req: Request): Promise<UploadAcceptedDto> {
    const token = await this.dataSource.getRepository(TokenEntity).findOne({ where: { id: tokenId }, select: { id: true, audioKey: true } });
    if (!token) throw tokenNotFound(tokenId);
    if (!token.audioKey) throw new ConflictError('CLIP_NOT_UPLOADED', `Token ${tokenId} has no clip to dub over yet`);

    const file = await receiveFileUpload(req, this.storage, {
      field: 'file',
      maxBytes: this.config.analysis.maxUploadBytes,
      timeoutMs: this.config.storage.uploadTimeoutMs,
      accept: isAudio,
      describe: AUDIO_DESCRIPTION,
      keyFor: (type) => `recordings/${userId}/${tokenId}/${randomUUID()}.${type.ext}`,
    });
    try {
      const job = await this.dataSource.transaction(async (manager) => {
        const payload: AnalysisJobPayload = { tokenId, recordingKey: file.key };
        const created = await this.jobs.create(ANALYSIS_JOB, payload, { ownerId: userId, manager });
        await manager.insert(AnalysisResultEntity, { userId, tokenId, jobId: created.id, recordingKey: file.key });
        return created;
      });
      return { message: 'Upload complete; the analysis runs in the background.', job_id: job.id, status: 'processing' };
    } catch (error) {
      await this.storage.delete(file.key).catch(() => undefined);
      throw error;
    }
  }

  /** The analysis job, if it is the caller's (404 otherwise, also for malformed ids). */
  async ownedJob(userId: string, jobId: string) {
    if (!UUID.test(jobId)) throw new NotFoundError('Analysis', 'ANALYSIS_NOT_FOUND');
    const job = await this.jobs.findOwned(jobId, userId, ANALYSIS_JOB).catch(() => {
      throw new NotFoundError('Analysis', 'ANALYSIS_NOT_FOUND');
    });
    if (job.ownerId !== userId) throw new NotFoundError('Analysis', 'ANALYSIS_NOT_FOUND');
    return job;
  }

  notCompleted(jobId: string): NotFoundError {
    return new NotFoundError(`A completed analysis ${jobId}`, 'ANALYSIS_NOT_COMPLETED');
  }

  async result(userId: string, jobId: string): Promise<AnalysisResultDto> {
    const job = await this.ownedJob(userId, jobId);
    return toAnalysisResultDto(toJobSnapshot(job), (job.payload as AnalysisJobPayload).tokenId);
  }

  /**
   * The analysis server's callback. Authenticated first (Standard Webhooks: HMAC-SHA256 over id.timestamp.body,
   * five minutes' tolerance), then applied at most once: a job that is no longer processing stays as it is.
   */
  async receiveWebhook(
    jobId: unknown,
    rawBody: Buffer | undefined,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<{ status: 'received' | 'ignored' }> {
    if (!this.webhook) throw new WebhookSignatureError('no ANALYSIS_WEBHOOK_SECRET is configured');
    const signed: Record<string, string> = {};
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const value = headers[name];
      if (typeof value === 'string') signed[name] = value;
    }
    try {
      this.webhook.verify(rawBody ?? Buffer.alloc(0), signed);
    } catch (error) {
      throw new WebhookSignatureError(error instanceof WebhookVerificationError ? error.message : 'malformed');
    }

    if (typeof jobId !== 'string' || !UUID.test(jobId)) {
      throw new DomainError('INVALID_JOB_ID', 'job_id must be the job id the webhook URL was given with', HttpStatus.BAD_REQUEST);
    }
    const job = await this.jobs.findById(jobId);
    if (!job || job.type !== ANALYSIS_JOB) throw new NotFoundError('Analysis', 'ANALYSIS_NOT_FOUND');

    const body = JSON.parse(rawBody!.toString('utf8')) as { analysis_results?: unknown; error?: { code?: unknown; message?: unknown } };
    if (body.error && typeof body.error === 'object') {
      const failed = await this.jobs.fail(jobId, {
        code: typeof body.error.code === 'string' ? body.error.code.slice(0, 64) : 'ENGINE_FAILED',
        message: typeof body.error.message === 'string' ? body.error.message.slice(0, 500) : 'The analysis server reported a failure',
      });
      return { status: failed ? 'received' : 'ignored' };
    }
    const results = body.analysis_results;
    if (!results || typeof results !== 'object' || Array.isArray(results)) {
      throw new DomainError('INVALID_WEBHOOK_BODY', 'The body must be {"analysis_results": {...}}', HttpStatus.BAD_REQUEST);
    }
    const completed = await this.jobs.complete(jobId, results as Record<string, unknown>, {
      alsoWrite: (done, manager) => this.analysisJob.completed(done, manager),
    });
    return { status: completed ? 'received' : 'ignored' };
  }
}
