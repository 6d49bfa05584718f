import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

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

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    collectDefaultMetrics({ register: this.registry });
    const dataSource = this.dataSource;
    new Gauge({
      name: 'jobs',
      help: 'Jobs in the database, by type and status (all instances)',
      labelNames: ['type', 'status'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows: Array<{ type: string; status: string; count: string }> = await dataSource.query(
          'SELECT type, status, COUNT(*)::text AS count FROM jobs GROUP BY type, status',
        );
        for (const row of rows) this.set({ type: row.type, status: row.status }, Number(row.count));
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
