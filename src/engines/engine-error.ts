import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';

/** The codes every remote engine fails with, whatever its protocol. */
export type RemoteEngineErrorCode = 'ENGINE_UNAVAILABLE' | 'ENGINE_TIMEOUT' | 'ENGINE_REJECTED' | 'ENGINE_BAD_RESULT';

/**
 * An engine could not do its work: a stable code (the remote codes above, or an engine's own such as
 * NO_SPEECH), a message for people, and whether trying again later may succeed. The jobs module turns it into
 * a failed (or retried) job; a request that waits for an engine answers with its status.
 */
export class EngineError extends DomainError {
  constructor(
    code: RemoteEngineErrorCode | (string & {}),
    message: string,
    readonly retryable = false,
    status: HttpStatus = HttpStatus.BAD_GATEWAY,
  ) {
    super(code, message, status);
  }
}
