import { HttpStatus } from '@nestjs/common';
import { ConflictError, DomainError, NotFoundError } from '../common/domain-error.js';

export const analysisNotFound = () => new NotFoundError('Analysis', 'ANALYSIS_NOT_FOUND');
export const analysisNotCompleted = (jobId: string) => new NotFoundError(`A completed analysis ${jobId}`, 'ANALYSIS_NOT_COMPLETED');
/** Dubbing needs the actor's clip (409: the token exists, its clip is not there yet). */
export const tokenHasNoClip = (tokenId: number) => new ConflictError('TOKEN_HAS_NO_CLIP', `Token ${tokenId} has no clip to dub over yet`);
export const invalidCallbackJobId = () =>
  new DomainError('INVALID_JOB_ID', 'job_id must be the job id the webhook URL was given with', HttpStatus.BAD_REQUEST);
export const invalidWebhookBody = () =>
  new DomainError('INVALID_WEBHOOK_BODY', 'The body must be {"analysis_results": {...}}', HttpStatus.BAD_REQUEST);
