import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TokensService } from '../catalog/tokens.service.js';
import { NotFoundError } from '../common/domain-error.js';
import { SpeechAnalysisEngine } from '../engines/speech-analysis/speech-analysis.engine.js';
import { AWAIT_CALLBACK, JobFailure, JobProcessor, type Job, type JobContext, type JobHandler } from '../jobs/job-definition.js';
import { AnalysisResultEntity } from './analysis-result.entity.js';
import { scoresOf } from './analysis-scores.js';

export const ANALYSIS_JOB = 'analysis';

export interface AnalysisJobPayload {
  tokenId: number;
  recordingKey: string;
}

/** Analyses one recording with the configured engine; a remote engine finishes it through the webhook. */
@Injectable()
// Fifteen minutes covers a queue on the analysis server; the built-in engine needs well under a second.
@JobProcessor({ type: ANALYSIS_JOB, retryLimit: 2, retryDelaySeconds: 5, deadlineSeconds: 900 })
export class AnalysisJob implements JobHandler<AnalysisJobPayload> {
  constructor(
    private readonly tokens: TokensService,
    private readonly engine: SpeechAnalysisEngine,
  ) {}

  async handle({ job, signal, progress }: JobContext<AnalysisJobPayload>) {
    const { tokenId, recordingKey } = job.payload;
    const reference = await this.tokens.referenceOf(tokenId).catch((error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    });
    if (!reference?.clipKey) throw new JobFailure('CLIP_NOT_AVAILABLE', `Token ${tokenId} has no clip to compare with`);
    const outcome = await this.engine.analyze({
      jobId: job.id,
      tokenId,
      recordingKey,
      referenceKey: reference.clipKey,
      words: reference.words,
      language: reference.language,
      sentences: reference.sentences,
      signal,
      progress,
    });
    return outcome.status === 'submitted' ? AWAIT_CALLBACK : outcome.result;
  }

  /** The analysis row gets its scores in the same transaction as the job its result. */
  async completed(job: Job, manager: EntityManager): Promise<void> {
    await manager.update(
      AnalysisResultEntity,
      { jobId: job.id },
      { ...scoresOf(job.result ?? {}), result: job.result, completedAt: job.completedAt },
    );
  }
}
