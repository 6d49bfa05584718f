import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { JobsService } from '../jobs/jobs.service.js';

/** Prometheus metrics of this instance: HTTP traffic, process figures, and jobs by type and status. */
@Injectable()
export class MetricsService implements OnModuleInit {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status_code'],
    registers: [this.registry],
  });
  private readonly durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request durations, by method, route and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(private readonly jobs: JobsService) {}

  onModuleInit(): void {
    collectDefaultMetrics({ register: this.registry });
    const jobs = this.jobs;
    new Gauge({
      name: 'jobs',
      help: 'Jobs in the database, by type and status (all instances)',
      labelNames: ['type', 'status'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await jobs.countByTypeAndStatus()) this.set({ type: row.type, status: row.status }, row.count);
      },
    });
  }

  /** Express middleware: times every request and labels it with its route pattern, never the raw path. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const stop = this.durations.startTimer();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const labels = { method: req.method, route, status_code: String(res.statusCode) };
      stop(labels);
      this.requests.inc(labels);
    });
    next();
  };
}
