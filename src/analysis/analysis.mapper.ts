import type { JobStatus } from '../jobs/job-status.js';
import type { AnalysisResultEntity } from './analysis-result.entity.js';
import type { AnalysisStatus, AnalysisSummaryDto } from './dto/analysis.dto.js';

/** The old server's three states: a queued job is already "processing" to its clients, a canceled one "failed". */
export const analysisStatusOf = (status: JobStatus): AnalysisStatus =>
  status === 'completed' ? 'completed' : status === 'failed' || status === 'canceled' ? 'failed' : 'processing';

/** Expects `job` loaded (status, progress). */
export const toAnalysisSummaryDto = (analysis: AnalysisResultEntity): AnalysisSummaryDto => ({
  job_id: analysis.jobId,
  token_id: analysis.tokenId,
  status: analysisStatusOf(analysis.job!.status),
  progress: analysis.job!.progress,
  overall: analysis.overall,
  timing: analysis.timing,
  pronunciation: analysis.pronunciation,
  intonation: analysis.intonation,
  fluency: analysis.fluency,
  completeness: analysis.completeness,
  created_at: analysis.createdAt.toISOString(),
  completed_at: analysis.completedAt?.toISOString() ?? null,
});
