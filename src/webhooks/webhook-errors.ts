import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';

export class WebhookSignatureError extends DomainError {
  constructor(reason: string) {
    super('WEBHOOK_SIGNATURE_INVALID', `The webhook could not be authenticated: ${reason}`, HttpStatus.UNAUTHORIZED);
  }
}
