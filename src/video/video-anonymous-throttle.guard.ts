import { Injectable } from '@nestjs/common';
import { AnonymousThrottleGuard } from '../common/anonymous-throttle.guard.js';
import type { AppConfig } from '../config/app-config.js';

/** Anonymous uploads: VIDEO_ANONYMOUS_RATE_LIMIT_PER_MINUTE per client address. */
@Injectable()
export class VideoAnonymousThrottleGuard extends AnonymousThrottleGuard {
  protected limitPerMinute(config: AppConfig): number {
    return config.video.anonymousRateLimitPerMinute;
  }
}
