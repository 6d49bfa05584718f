import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';

export class AuthenticationError extends DomainError {
  constructor(code: string, message: string) {
    super(code, message, HttpStatus.UNAUTHORIZED, { 'WWW-Authenticate': 'Bearer' });
  }
}

export class SignInStateError extends DomainError {
  constructor(message: string) {
    super('OAUTH_STATE_INVALID', message, HttpStatus.BAD_REQUEST);
  }
}

export class GoogleNotConfiguredError extends DomainError {
  constructor() {
    super(
      'GOOGLE_NOT_CONFIGURED',
      'Google sign-in is not configured on this server (set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET)',
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}

export class IdentityProviderError extends DomainError {
  constructor(message: string) {
    super('IDENTITY_PROVIDER_FAILED', message, HttpStatus.BAD_GATEWAY);
  }
}
