import { HttpStatus } from '@nestjs/common';
import { AuthenticationError } from '../auth/auth-errors.js';
import { DomainError } from '../common/domain-error.js';

// The messages are seed 004's `detail` texts, which its clients show as they are.

/** Unknown job, another user's, or not a music job: never confirmed to exist. */
export const musicJobNotFound = () => new DomainError('MUSIC_JOB_NOT_FOUND', '해당 작업을 찾을 수 없습니다.', HttpStatus.NOT_FOUND);

export const musicNotReady = (status: string) =>
  new DomainError('MUSIC_NOT_READY', `다운로드할 수 없습니다. 현재 상태: ${status}`, HttpStatus.BAD_REQUEST, {}, { status });

/** A sync request while every generation slot is taken or jobs are waiting for one. */
export const musicEngineBusy = (retryAfterSeconds: number, queueSize: number, activeJobs: number) =>
  new DomainError(
    'MUSIC_ENGINE_BUSY',
    '현재 다른 음악 생성 요청이 처리 중입니다. 잠시 후 다시 시도해주세요.',
    HttpStatus.TOO_MANY_REQUESTS,
    { 'Retry-After': String(retryAfterSeconds) },
    { queue_size: queueSize, queue_position: queueSize + 1, active_jobs: activeJobs, retry_after: retryAfterSeconds },
  );

export const musicSignInRequired = () =>
  new AuthenticationError(
    'AUTHENTICATION_REQUIRED',
    'Sign in first: send Authorization: Bearer <access token> (anonymous music generation is off: MUSIC_ALLOW_ANONYMOUS=false)',
  );

/** The generation a sync request waited for did not complete: its job's own code and message. */
export const musicGenerationFailed = (code: string, message: string) => new DomainError(code, message, HttpStatus.BAD_GATEWAY);

export const musicJobFinished = (status: string) =>
  new DomainError('JOB_FINISHED', `The generation is already ${status}`, HttpStatus.CONFLICT);
