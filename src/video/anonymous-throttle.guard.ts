import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { AppConfig } from '../config/app-config.js';

/**
 * Anonymous callers may upload videos (seed 003's web client sends no token), so they are rate-limited per
 * client address: VIDEO_ANONYMOUS_RATE_LIMIT_PER_MINUTE (429 + Retry-After). Signed-in callers are not counted.
 */
@Injectable()
export class AnonymousThrottleGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return !!context.switchToHttp().getRequest<{ user?: unknown }>().user;
  }

  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    return super.handleRequest({ ...request, limit: this.config.video.anonymousRateLimitPerMinute, ttl: 60_000 });
  }
}
