import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
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
import { WebhookDeliveries } from '../webhooks/webhook-deliveries.service.js';
import { WebhookSignatureError } from '../webhooks/webhook-errors.js';
import { WebhookSigner } from '../webhooks/webhook-signer.js';
import { ANALYSIS_JOB, AnalysisJob, type AnalysisJobPayload } from './analysis.job.js';
import type { AnalysisResultDto, UploadAcceptedDto } from './dto/analysis.dto.js';

const WEBHOOK_ROUTE = 'analysis-complete';
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
  private readonly webhook?: WebhookSigner;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly storage: ObjectStorage,
    private readonly analysisJob: AnalysisJob,
    private readonly deliveries: WebhookDeliveries,
    private readonly config: AppConfig,
  ) {
    if (config.analysis.webhookSecret) this.webhook = new WebhookSigner(config.analysis.webhookSecret);
  }

  /** Streams the recording to storage and queues its analysis; answers before any analysis work. */
  async upload(userId: string, tokenId: number, req: Request): Promise<UploadAcceptedDto> {
    const token = await this.dataSource.getRepository(TokenEntity).findOne({ where: { id: tokenId }, select: { id: true, audioKey: true } });
    if (!token) throw tokenNotFound(tokenId);
    if (!token.audioKey) throw new ConflictError('CLIP_NOT_UPLOADED', `Token ${tokenId} has no clip to dub over yet`);

    const file = await receiveFileUpload(req, this.storage, {
      field: 'file',
      maxBytes: this.config.analysis.maxUploadBytes,
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
    query: { job_id?: unknown; signature?: unknown },
    rawBody: Buffer | undefined,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<{ status: 'received' | 'ignored' }> {
    if (!this.webhook) throw new WebhookSignatureError('no ANALYSIS_WEBHOOK_SECRET is configured');
    const webhookId = this.webhook.verify(rawBody, headers);

    const jobId = query.job_id;
    if (typeof jobId !== 'string' || !UUID.test(jobId)) {
      throw new DomainError('INVALID_JOB_ID', 'job_id must be the job id the webhook URL was given with', HttpStatus.BAD_REQUEST);
    }
    if (!this.webhook.isCallbackFor(jobId, query.signature)) {
      throw new WebhookSignatureError('this is not the callback URL given for that job');
    }
    const body = JSON.parse(rawBody!.toString('utf8')) as { job_id?: unknown };
    if (body.job_id !== undefined && body.job_id !== jobId) {
      throw new WebhookSignatureError('the delivery names another job');
    }
    const job = await this.jobs.findById(jobId);
    if (!job || job.type !== ANALYSIS_JOB) throw new NotFoundError('Analysis', 'ANALYSIS_NOT_FOUND');
    if (!(await this.deliveries.accept(WEBHOOK_ROUTE, webhookId, jobId))) return { status: 'ignored' };
    try {
      return await this.applyWebhook(jobId, body);
    } catch (error) {
      await this.deliveries.forget(WEBHOOK_ROUTE, webhookId);
      throw error;
    }
  }

  private async applyWebhook(jobId: string, parsed: object): Promise<{ status: 'received' | 'ignored' }> {
    const body = parsed as { analysis_results?: unknown; error?: { code?: unknown; message?: unknown } };
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
