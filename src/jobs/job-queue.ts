import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import PgBoss from 'pg-boss';
import { DataSource, type EntityManager } from 'typeorm';
import { JobProcessor, type JobDefinition, type JobHandler } from './job-definition.js';

export interface JobPayloadEnvelope {
  jobId: string;
}

export interface RegisteredHandler {
  definition: JobDefinition;
  handler: JobHandler<any, any>;
}

// Time pg-boss grants beyond a job's own deadline before it expires the attempt itself: the runner's deadline
// and the reaper act first; this only catches a process that hung without dying.
const EXPIRY_MARGIN_SECONDS = 60;

/**
 * The durable queue under the jobs: pg-boss on the service's PostgreSQL (its own `pgboss` schema). One queue per
 * job type, created at start by every process, so any process can enqueue and any worker can run.
 */
@Injectable()
export class JobQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  private readonly registered = new Map<string, RegisteredHandler>();
  private boss?: PgBoss;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly discovery: DiscoveryService,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const wrapper of this.discovery.getProviders({ metadataKey: JobProcessor.KEY })) {
      const declared = this.discovery.getMetadataByDecorator(JobProcessor, wrapper);
      if (!declared || !wrapper.instance) continue;
      if (this.registered.has(declared.type)) throw new Error(`two handlers for job type ${declared.type}`);
      const handler = wrapper.instance as JobHandler;
      const definition: JobDefinition = { ...declared, ...handler.configure?.() };
      this.registered.set(definition.type, { definition, handler });
    }

    const options = this.dataSource.options as { url?: string };
    this.boss = new PgBoss({
      connectionString: options.url,
      schema: 'pgboss',
      max: 4,
      application_name: 'yousync-jobs',
      schedule: false,
    });
    this.boss.on('error', (error) => this.logger.error(`queue error: ${error.message}`));
    await this.boss.start();
    for (const { definition } of this.registered.values()) {
      const queue = {
        name: definition.type,
        // A singleton queue never has two active jobs with the same singleton key: one per lane, cluster-wide.
        policy: definition.lanes ? ('singleton' as const) : ('standard' as const),
        retryLimit: definition.retryLimit,
        retryDelay: definition.retryDelaySeconds,
        retryBackoff: true,
        expireInSeconds: definition.deadlineSeconds + EXPIRY_MARGIN_SECONDS,
      };
      await this.boss.createQueue(definition.type, queue);
      await this.boss.updateQueue(definition.type, queue);
    }
  }

  get handlers(): RegisteredHandler[] {
    return [...this.registered.values()];
  }

  definition(type: string): JobDefinition {
    const registered = this.registered.get(type);
    if (!registered) throw new Error(`unknown job type ${type}`);
    return registered.definition;
  }

  /**
   * Queues the job within the caller's transaction: it is delivered only if that transaction commits. A type
   * with lanes needs the lane (0-based) the job waits on.
   */
  async enqueue(definition: JobDefinition, jobId: string, manager: EntityManager, lane?: number): Promise<void> {
    if (definition.lanes && (lane === undefined || lane < 0 || lane >= definition.lanes)) {
      throw new Error(`job type ${definition.type} needs a lane in 0..${definition.lanes - 1}`);
    }
    const db = {
      executeSql: async (text: string, values: unknown[]) => {
        const result = await manager.queryRunner!.query(text, values, true);
        return { rows: result.records as unknown[] };
      },
    };
    await this.client.send(definition.type, { jobId } satisfies JobPayloadEnvelope, {
      id: jobId,
      retryLimit: definition.retryLimit,
      retryDelay: definition.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: definition.deadlineSeconds + EXPIRY_MARGIN_SECONDS,
      singletonKey: definition.lanes ? `lane-${lane}` : undefined,
      db,
    });
  }

  /**
   * The lane a new job of a type with lanes should wait on: the one with the fewest jobs waiting or running,
   * as the queue sees them (the lowest on a tie). Call under the type's creation lock, in its transaction.
   */
  async leastLoadedLane(definition: JobDefinition, manager: EntityManager): Promise<number> {
    const rows: Array<{ key: string | null; count: string }> = await manager.query(
      `SELECT singleton_key AS key, COUNT(*)::text AS count FROM pgboss.job WHERE name = $1 AND state <= 'active' GROUP BY singleton_key`,
      [definition.type],
    );
    const loads = Array.from({ length: definition.lanes ?? 1 }, (_, lane) => Number(rows.find((row) => row.key === `lane-${lane}`)?.count ?? 0));
    return loads.indexOf(Math.min(...loads));
  }

  async cancel(type: string, id: string): Promise<void> {
    await this.client.cancel(type, id);
  }

  /** The queue's own view of a job: created, retry, active, completed, cancelled or failed. */
  async state(type: string, id: string): Promise<string | undefined> {
    return (await this.client.getJobById(type, id))?.state;
  }

  /** Ends an attempt whose worker is gone; the queue retries it if the type has retries left. */
  async failAttempt(type: string, id: string, reason: string): Promise<void> {
    await this.client.fail(type, id, { reason });
  }

  /** Throws when the queue's tables cannot be read (health check). */
  async ping(): Promise<void> {
    await this.client.getQueues();
  }

  get client(): PgBoss {
    if (!this.boss) throw new Error('job queue not started');
    return this.boss;
  }

  async onApplicationShutdown(): Promise<void> {
    // Workers were stopped and drained before this (JobRunner); what is still active is failed for a retry.
    await this.boss?.stop({ graceful: false, close: true, wait: true });
    this.boss = undefined;
  }
}
