import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { ObjectStorage } from './object-storage.js';

// Leftovers come only from crashes: an hourly pass is plenty, and cheap on a bucket's listing.
const SWEEP_PERIOD_MS = 3600_000;

/**
 * Removes what uploads cut short by a crash left in storage (partial files, multipart uploads never completed):
 * at start, then every hour, since leftovers of a crash just before a restart are too fresh to tell from uploads
 * in flight of another instance. Abandoned means untouched for twice the longest upload (UPLOAD_TIMEOUT_SECONDS):
 * an upload still arriving after that has already been answered 408.
 */
@Injectable()
export class AbandonedUploadSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AbandonedUploadSweeper.name);
  private readonly abandonedAfterMs: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly storage: ObjectStorage,
    config: AppConfig,
  ) {
    this.abandonedAfterMs = 2 * config.storage.uploadTimeoutMs;
  }

  onApplicationBootstrap(): void {
    // In the background: a slow or unreachable storage must not hold the start up.
    this.running = this.sweep();
    this.timer = setInterval(() => (this.running = this.sweep()), Math.max(SWEEP_PERIOD_MS, this.abandonedAfterMs));
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async sweep(): Promise<void> {
    try {
      const removed = await this.storage.removeAbandonedUploads(this.abandonedAfterMs);
      if (removed > 0) this.logger.log(`removed ${removed} abandoned upload(s) from ${this.storage.driver} storage`);
    } catch (error) {
      this.logger.warn(`could not sweep abandoned uploads: ${(error as Error).message}`);
    }
  }
}
