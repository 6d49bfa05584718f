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
 * Routes that serve anonymous callers (the seeds' clients send no token) rate-limit them per client address:
 * a feature's subclass names its limit per minute (429 + Retry-After). Signed-in callers are not counted.
 */
@Injectable()
export abstract class AnonymousThrottleGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  protected abstract limitPerMinute(config: AppConfig): number;

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return !!context.switchToHttp().getRequest<{ user?: unknown }>().user;
  }

  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    return super.handleRequest({ ...request, limit: this.limitPerMinute(this.config), ttl: 60_000 });
  }
}
