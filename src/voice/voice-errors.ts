import { HttpStatus } from '@nestjs/common';
import { ConflictError, DomainError, NotFoundError } from '../common/domain-error.js';

/** Unknown turn, or another user's: never confirmed to exist. */
export const voiceTurnNotFound = () => new NotFoundError('Voice turn', 'VOICE_TURN_NOT_FOUND');
export const voiceAudioNotFound = () => new NotFoundError('Voice turn audio', 'VOICE_AUDIO_NOT_FOUND');
export const voiceUserNotFound = () => new NotFoundError('Voice user', 'VOICE_USER_NOT_FOUND');
export const voiceTextRequired = () =>
  new DomainError('VOICE_INPUT_REQUIRED', 'Send {"text": "..."} as JSON, or the audio as multipart/form-data in the field "file"', HttpStatus.BAD_REQUEST);
export const voiceTextTooLong = (length: number, limit: number) =>
  new DomainError('VOICE_TEXT_TOO_LONG', `The text has ${length} characters, over the limit of ${limit} (VOICE_MAX_TEXT_CHARS)`, HttpStatus.BAD_REQUEST);
/** A step route called before the step it needs. */
export const voiceStepOutOfOrder = (message: string) => new ConflictError('VOICE_STEP_OUT_OF_ORDER', message);
