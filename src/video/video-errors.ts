import { HttpStatus } from '@nestjs/common';
import { DomainError, NotFoundError } from '../common/domain-error.js';

/** Unknown job, another user's, or not a transcript job: never confirmed to exist. */
export const videoJobNotFound = () => new NotFoundError('Video job', 'VIDEO_JOB_NOT_FOUND');
/** A key that is not one generate-url gave this caller, or nothing uploaded there. */
export const videoNotFound = () => new NotFoundError('Uploaded video', 'VIDEO_NOT_FOUND');
export const transcriptNotReady = (jobId: string) => new NotFoundError(`A completed transcript ${jobId}`, 'TRANSCRIPT_NOT_READY');
export const unsupportedVideoType = (type: string) =>
  new DomainError('UNSUPPORTED_MEDIA_TYPE', `Only video or audio files can be transcribed, not ${JSON.stringify(type.slice(0, 100))}`, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
export const videoTooLarge = (size: number, limit: number) =>
  new DomainError('UPLOAD_TOO_LARGE', `The video is ${size} bytes, over the limit of ${limit} (VIDEO_MAX_UPLOAD_BYTES); it was deleted`, HttpStatus.PAYLOAD_TOO_LARGE);
export const engineNotConfigured = () =>
  new DomainError(
    'ENGINE_NOT_CONFIGURED',
    'No speech-to-text engine is configured: set SPEECH_TO_TEXT_ENGINE=openai with STT_BASE_URL (and STT_API_KEY, STT_MODEL), ' +
      'or SPEECH_TO_TEXT_ENGINE=ml-server with ML_SERVER_URL and VIDEO_WEBHOOK_SECRET. The uploaded video is kept.',
    HttpStatus.SERVICE_UNAVAILABLE,
  );
export const invalidVideoCallbackJobId = () =>
  new DomainError('INVALID_JOB_ID', 'The body must name the job: {"job_id": "<uuid>", "result": {...}}', HttpStatus.BAD_REQUEST);
export const invalidVideoCallbackBody = () =>
  new DomainError('INVALID_WEBHOOK_BODY', 'The body must be {"job_id", "result": {...}} or {"job_id", "error": {code, message}}', HttpStatus.BAD_REQUEST);
