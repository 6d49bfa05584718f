import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TokensService } from '../catalog/tokens.service.js';
import { AppConfig } from '../config/app-config.js';
import type { JobSnapshot } from '../jobs/job-snapshot.js';
import { toJobSnapshot } from '../jobs/job-snapshot.js';
import { JobsService } from '../jobs/jobs.service.js';
import { ObjectStorage } from '../storage/object-storage.js';
import { AUDIO_DESCRIPTION, isAudio } from '../storage/upload/audio-types.js';
import { receiveFileUpload } from '../storage/upload/file-upload.js';
import { analysisNotFound, invalidCallbackJobId, invalidWebhookBody, tokenHasNoClip } from './analysis-errors.js';
import { AnalysisResultEntity } from './analysis-result.entity.js';
import { analysisStatusOf } from './analysis.mapper.js';
import type { JobCallback } from '../webhooks/job-callbacks.service.js';
import { WebhookSigner } from '../webhooks/webhook-signer.js';
import { ANALYSIS_JOB, AnalysisJob, type AnalysisJobPayload } from './analysis.job.js';
import type { AnalysisResultDto, UploadAcceptedDto } from './dto/analysis.dto.js';

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
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly tokens: TokensService,
    private readonly storage: ObjectStorage,
    private readonly analysisJob: AnalysisJob,
    private readonly config: AppConfig,
  ) {}

  /** Streams the recording to storage and queues its analysis; answers before any analysis work. */
  async upload(userId: string, tokenId: number, req: Request): Promise<UploadAcceptedDto> {
    if (!(await this.tokens.clipKeyOf(tokenId))) throw tokenHasNoClip(tokenId);

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
  ownedJob(userId: string, jobId: string) {
    return this.jobs.findOwnedOfType(jobId, userId, ANALYSIS_JOB, analysisNotFound);
  }

  async result(userId: string, jobId: string): Promise<AnalysisResultDto> {
    const job = await this.ownedJob(userId, jobId);
    return toAnalysisResultDto(toJobSnapshot(job), (job.payload as AnalysisJobPayload).tokenId);
  }

  /** The analysis server's signed callback: `{analysis_results}`, or `{error: {code, message}}`. */
  readonly webhook: JobCallback = {
    route: 'analysis-complete',
    jobType: ANALYSIS_JOB,
    signer: this.config.analysis.webhookSecret ? new WebhookSigner(this.config.analysis.webhookSecret) : undefined,
    unconfigured: 'no ANALYSIS_WEBHOOK_SECRET is configured',
    notFound: analysisNotFound,
    invalidJobId: invalidCallbackJobId,
    read: (body) => {
      const error = body.error as { code?: unknown; message?: unknown } | undefined;
      if (error && typeof error === 'object') {
        return {
          error: {
            code: typeof error.code === 'string' ? error.code.slice(0, 64) : 'ENGINE_FAILED',
            message: typeof error.message === 'string' ? error.message.slice(0, 500) : 'The analysis server reported a failure',
          },
        };
      }
      const results = body.analysis_results;
      if (!results || typeof results !== 'object' || Array.isArray(results)) throw invalidWebhookBody();
      return { result: results as Record<string, unknown> };
    },
    alsoWrite: (done, manager) => this.analysisJob.completed(done, manager),
  };
}
