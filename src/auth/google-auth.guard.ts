import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error.js';
import { GoogleNotConfiguredError, IdentityProviderError, SignInStateError } from './auth-errors.js';
import { GoogleIdentityService } from './google-identity.service.js';

export interface GoogleCallbackRequest extends Request {
  /** Set when Google sent the user back with an error (e.g. they declined). */
  googleError?: string;
}

/** Runs the passport Google strategy without sessions, and turns its outcomes into our errors. */
@Injectable()
export class GoogleAuthGuard extends AuthGuard('google') {
  constructor(private readonly google: GoogleIdentityService) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.google.configured) throw new GoogleNotConfiguredError();
    const request = context.switchToHttp().getRequest<GoogleCallbackRequest>();
    if (typeof request.query.error === 'string') {
      request.googleError = request.query.error.slice(0, 100);
      return true;
    }
    return (await super.canActivate(context)) as boolean;
  }

  override getAuthenticateOptions() {
    return { session: false };
  }

  override handleRequest<TUser>(error: unknown, user: TUser, info: { message?: string } | undefined): TUser {
    if (error) {
      if (error instanceof DomainError) throw error;
      throw new IdentityProviderError(`Google sign-in failed: ${(error as Error).message}`);
    }
    if (!user) throw new SignInStateError(info?.message ?? 'The sign-in could not be verified');
    return user;
  }
}
