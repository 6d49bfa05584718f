import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ScriptWordEntity } from '../catalog/script-word.entity.js';
import { TokenEntity } from '../catalog/token.entity.js';
import { SpeechAnalysisEngine, type ReferenceWord } from '../engines/speech-analysis/speech-analysis.engine.js';
import { AWAIT_CALLBACK, JobFailure, JobProcessor, type JobContext, type JobHandler } from '../jobs/job-definition.js';
import type { JobEntity } from '../jobs/job.entity.js';
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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: SpeechAnalysisEngine,
  ) {}

  async handle({ job, signal, progress }: JobContext<AnalysisJobPayload>) {
    const { tokenId, recordingKey } = job.payload;
    const token = await this.dataSource.getRepository(TokenEntity).findOneBy({ id: tokenId });
    if (!token?.audioKey) throw new JobFailure('CLIP_NOT_AVAILABLE', `Token ${tokenId} has no clip to compare with`);
    const outcome = await this.engine.analyze({
      jobId: job.id,
      tokenId,
      recordingKey,
      referenceKey: token.audioKey,
      words: await this.wordsOf(tokenId),
      signal,
      progress,
    });
    return outcome.status === 'submitted' ? AWAIT_CALLBACK : outcome.result;
  }

  /** The analysis row gets its scores in the same transaction as the job its result. */
  async completed(job: JobEntity, manager: EntityManager): Promise<void> {
    await manager.update(
      AnalysisResultEntity,
      { jobId: job.id },
      { ...scoresOf(job.result ?? {}), result: job.result, completedAt: job.completedAt },
    );
  }

  private async wordsOf(tokenId: number): Promise<ReferenceWord[]> {
    const words = await this.dataSource
      .getRepository(ScriptWordEntity)
      .createQueryBuilder('word')
      .innerJoin('word.script', 'script')
      .where('script.tokenId = :tokenId', { tokenId })
      .orderBy('script.order', 'ASC')
      .addOrderBy('word.order', 'ASC')
      .getMany();
    return words.map((word) => ({ scriptWordId: word.id, text: word.word, start: word.startTime, end: word.endTime }));
  }
}
