import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../common/public.decorator.js';
import { AppConfig } from '../config/app-config.js';
import { engineSummary } from '../start-up-summary.js';
import { JobQueue } from '../jobs/job-queue.js';
import { ObjectStorage } from '../storage/object-storage.js';

@ApiTags('platform')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly storage: ObjectStorage,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and readiness: database, storage and job queue (503 when one is down), and which engines are configured' })
  check() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 3000 }),
      () => this.probe('storage', () => this.storage.check(), { driver: this.storage.driver }),
      () => this.probe('queue', () => this.queue.ping()),
      // Configuration, not a probe: which engines this instance uses (speechToText `none`: transcripts get 503).
      () => this.indicators.check('engines').up({ ...engineSummary(this.config) }),
    ]);
  }

  private async probe(key: string, check: () => Promise<void>, details: Record<string, unknown> = {}) {
    const indicator = this.indicators.check(key);
    try {
      await check();
      return indicator.up(details);
    } catch (error) {
      return indicator.down({ ...details, message: (error as Error).message });
    }
  }
}
