import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TokensService } from '../catalog/tokens.service.js';
import { JobsService } from '../jobs/jobs.service.js';
import { ObjectStorage } from '../storage/object-storage.js';
import { AnalysisResultEntity } from './analysis-result.entity.js';
import { SCORE_NAMES, type Scores } from './analysis-scores.js';
import { toAnalysisSummaryDto } from './analysis.mapper.js';
import type { AnalysisSummaryDto, DeletedResultsDto, DubbedTokenDto, TokenAnalysisStatusDto } from './dto/analysis.dto.js';

const best = (scores: Array<number | null>) => {
  const known = scores.filter((score): score is number => score !== null);
  return known.length > 0 ? Math.max(...known) : null;
};

/** A user's analyses as my page shows them; every method is scoped to that user. */
@Injectable()
export class AnalysisHistoryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly tokens: TokensService,
    private readonly storage: ObjectStorage,
  ) {}

  private analyses(userId: string, tokenId?: number) {
    const query = this.dataSource
      .getRepository(AnalysisResultEntity)
      .createQueryBuilder('analysis')
      .innerJoin('analysis.job', 'job')
      .addSelect(['job.id', 'job.status', 'job.progress'])
      .where('analysis.userId = :userId', { userId })
      .orderBy('analysis.createdAt', 'DESC')
      .addOrderBy('analysis.id', 'DESC');
    if (tokenId !== undefined) query.andWhere('analysis.tokenId = :tokenId', { tokenId });
    return query;
  }

  /** Tokens the user has a completed analysis of, most recently dubbed first. */
  async dubbedTokens(userId: string): Promise<DubbedTokenDto[]> {
    const completed = await this.analyses(userId).andWhere(`job.status = 'completed'`).getMany();
    const byToken = new Map<number, AnalysisResultEntity[]>();
    for (const analysis of completed) byToken.set(analysis.tokenId, [...(byToken.get(analysis.tokenId) ?? []), analysis]);
    if (byToken.size === 0) return [];
    const tokens = await this.tokens.summaries([...byToken.keys()]);
    return [...byToken].map(([tokenId, analyses]) => ({
      token: tokens.get(tokenId)!,
      attempts: analyses.length,
      best_overall: best(analyses.map((analysis) => analysis.overall)),
      latest: toAnalysisSummaryDto(analyses[0]!),
    }));
  }

  async tokenStatus(userId: string, tokenId: number): Promise<TokenAnalysisStatusDto> {
    await this.tokens.assertExists(tokenId);
    const analyses = (await this.analyses(userId, tokenId).getMany()).map(toAnalysisSummaryDto);
    return {
      token_id: tokenId,
      has_analysis: analyses.length > 0,
      in_progress: analyses.some((analysis) => analysis.status === 'processing'),
      attempts: analyses.filter((analysis) => analysis.status === 'completed').length,
      latest: analyses[0] ?? null,
    };
  }

  async recent(userId: string, limit = 10): Promise<AnalysisSummaryDto[]> {
    return (await this.analyses(userId).take(limit).getMany()).map(toAnalysisSummaryDto);
  }

  /** Average of each score over the user's completed analyses (null when there are none). */
  async averages(userId: string): Promise<Scores & { count: number }> {
    const select = SCORE_NAMES.map((name) => `ROUND(AVG(analysis.${name}))::int AS "${name}"`).join(', ');
    const row = await this.dataSource
      .getRepository(AnalysisResultEntity)
      .createQueryBuilder('analysis')
      .select(`${select}, COUNT(analysis.overall)::int AS "count"`)
      .where('analysis.userId = :userId AND analysis.completedAt IS NOT NULL', { userId })
      .getRawOne<Scores & { count: number }>();
    return row!;
  }

  /**
   * Removes the user's analyses of a token (running ones are canceled first), their jobs and events, and the
   * stored recordings, so the token can be dubbed afresh.
   */
  async deleteResults(userId: string, tokenId: number): Promise<DeletedResultsDto> {
    await this.tokens.assertExists(tokenId);
    const analyses = await this.dataSource.getRepository(AnalysisResultEntity).findBy({ userId, tokenId });
    for (const analysis of analyses) await this.jobs.cancel(analysis.jobId, userId).catch(() => undefined);
    const jobIds = analyses.map((analysis) => analysis.jobId);
    if (jobIds.length > 0) {
      // The analysis rows go with their jobs (ON DELETE CASCADE).
      await this.dataSource.transaction((manager) => this.jobs.deleteOwned(manager, userId, jobIds));
    }
    await Promise.all(analyses.map((analysis) => this.storage.delete(analysis.recordingKey).catch(() => undefined)));
    return { token_id: tokenId, deleted: analyses.length };
  }
}
