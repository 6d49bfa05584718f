import { HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error.js';
import { IS_PUBLIC } from '../common/public.decorator.js';
import type { UserRole } from '../users/users.service.js';
import { AuthenticationError } from './auth-errors.js';
import { ROLES, STREAM_TOKEN_ALLOWED } from './auth.decorators.js';
import type { AuthenticatedUser } from './current-user.decorator.js';
import { TokenService } from './token.service.js';

/**
 * Every route requires a valid access token unless marked @Public(); a public route still learns who calls it
 * when a valid token comes along. @Roles() routes also require the role (403 otherwise).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>();
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false;

    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const streamToken =
      this.reflector.getAllAndOverride<boolean>(STREAM_TOKEN_ALLOWED, targets) && typeof request.query.stream_token === 'string'
        ? request.query.stream_token
        : undefined;

    try {
      if (bearer) request.user = this.tokens.verifyAccess(bearer);
      else if (streamToken) request.user = this.tokens.verifyStreamToken(streamToken);
    } catch (error) {
      // A stale token on a public route is ignored: the caller is served as anonymous.
      if (!isPublic) throw error;
    }
    if (!request.user && !isPublic) {
      throw new AuthenticationError('AUTHENTICATION_REQUIRED', 'Sign in first: send Authorization: Bearer <access token>');
    }

    const roles = this.reflector.getAllAndOverride<UserRole[]>(ROLES, targets);
    if (roles?.length && !roles.includes(request.user!.role)) {
      throw new DomainError('FORBIDDEN', `This requires the role ${roles.join(' or ')}`, HttpStatus.FORBIDDEN);
    }
    return true;
  }
}
