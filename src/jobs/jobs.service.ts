import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, In, IsNull, LessThan, MoreThan, type EntityManager, type QueryDeepPartialEntity } from 'typeorm';
import { DomainError, NotFoundError } from '../common/domain-error.js';
import { JobEventEntity } from './job-event.entity.js';
import type { JobDefinition } from './job-definition.js';
import { JobQueue } from './job-queue.js';
import { toJobSnapshot } from './job-snapshot.js';
import { JobEntity, type JobError, type JobStatus } from './job.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether text from outside has the shape of a job id (a UUID), before it reaches a uuid column. */
export const isJobId = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

export const JOB_EVENTS_CHANNEL = 'yousync_job_events';

/** For findOwned/cancel: the caller may see any owner's job (an admin). */
export const ANY_OWNER = Symbol('any-owner');

export interface CreateJobOptions {
  ownerId?: string | null;
  /**
   * Runs in the creating transaction before the job is inserted, after the type's creation lock when it has
   * lanes (so two creations never both pass it): throw to refuse the job (e.g. 429 when every lane is busy).
   */
  admit?: (manager: EntityManager) => Promise<void>;
  /** Create the job inside the caller's transaction, so the job exists exactly when the caller's rows do. */
  manager?: EntityManager;
}

export type CompletionWriter = (job: JobEntity, manager: EntityManager) => Promise<void>;

interface TransitionGuard {
  from: JobStatus[];
  attempt?: number;
  heartbeatBefore?: Date;
}

/**
 * The lifecycle of jobs: every state change is one transaction that updates the job, appends a job event and
 * notifies every instance. Changes are guarded (from which statuses, which attempt), so a job never moves back.
 */
@Injectable()
export class JobsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
  ) {}

  async create<P extends object>(type: string, payload: P, options: CreateJobOptions = {}): Promise<JobEntity> {
    const definition = this.queue.definition(type);
    const work = async (manager: EntityManager) => {
      if (definition.lanes) await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`jobs:create:${type}`]);
      await options.admit?.(manager);
      const lane = definition.lanes ? await this.queue.leastLoadedLane(definition, manager) : undefined;
      const job = manager.create(JobEntity, {
        id: randomUUID(),
        type,
        status: 'queued',
        progress: 0,
        stage: 'queued',
        message: 'Waiting for a worker',
        payload: payload as Record<string, unknown>,
        ownerId: options.ownerId ?? null,
        attempts: 0,
        maxAttempts: definition.retryLimit + 1,
      });
      await manager.insert(JobEntity, job);
      const saved = await manager.findOneByOrFail(JobEntity, { id: job.id });
      await this.recordEvent(manager, saved);
      await this.queue.enqueue(definition, saved.id, manager, lane);
      return saved;
    };
    return options.manager ? work(options.manager) : this.dataSource.transaction(work);
  }

  /** How many jobs there are of each type in each status, across every instance. */
  async countByTypeAndStatus(): Promise<Array<{ type: string; status: JobStatus; count: number }>> {
    const rows: Array<{ type: string; status: JobStatus; count: string }> = await this.dataSource
      .getRepository(JobEntity)
      .createQueryBuilder('job')
      .select(['job.type AS type', 'job.status AS status', 'COUNT(*)::text AS count'])
      .groupBy('job.type')
      .addGroupBy('job.status')
      .getRawMany();
    return rows.map((row) => ({ ...row, count: Number(row.count) }));
  }

  definition(type: string): JobDefinition {
    return this.queue.definition(type);
  }

  async findById(id: string): Promise<JobEntity | null> {
    return this.dataSource.getRepository(JobEntity).findOneBy({ id });
  }

  /**
   * The job, if it exists and `ownerId` may see it (its owner, or anyone for an ownerless job); otherwise 404:
   * another user's job is not even confirmed to exist.
   */
  async findOwned(id: string, ownerId: string | null | typeof ANY_OWNER, type?: string): Promise<JobEntity> {
    const job = await this.findById(id);
    const visible = ownerId === ANY_OWNER || job?.ownerId === null || job?.ownerId === ownerId;
    if (!job || !visible || (type && job.type !== type)) {
      throw new NotFoundError('Job', 'JOB_NOT_FOUND');
    }
    return job;
  }

  /**
   * A feature's job as its routes show it: a job of `type` that `viewer` owns (or any, for ANY_OWNER);
   * anything else, an id that is not a job id included, is `notFound()`. A failing database stays an error
   * (503), never a 404.
   */
  async findOwnedOfType(
    id: string,
    viewer: string | typeof ANY_OWNER,
    type: string,
    notFound: () => DomainError,
  ): Promise<JobEntity> {
    if (!isJobId(id)) throw notFound();
    const job = await this.findById(id);
    if (!job || job.type !== type || (viewer !== ANY_OWNER && job.ownerId !== viewer)) throw notFound();
    return job;
  }

  /** How many jobs of a type are in these statuses, across every instance (in `manager`'s transaction when given). */
  async countOfType(type: string, statuses: JobStatus[], manager: EntityManager = this.dataSource.manager): Promise<number> {
    return manager.count(JobEntity, { where: { type, status: In(statuses) } });
  }

  /** An owner's jobs of a type, newest first. */
  async listOwnedOfType(ownerId: string, type: string, limit: number): Promise<JobEntity[]> {
    return this.dataSource.getRepository(JobEntity).find({ where: { ownerId, type }, order: { createdAt: 'DESC' }, take: limit });
  }

  /** The jobs of a type in a status, oldest first. */
  async listOfTypeInStatus(type: string, status: JobStatus, limit: number): Promise<JobEntity[]> {
    return this.dataSource.getRepository(JobEntity).find({ where: { type, status }, order: { createdAt: 'ASC', id: 'ASC' }, take: limit });
  }

  /** 1 for the next queued job of its type to start, 2 after it, ...; null when the job is not queued. */
  async queuePosition(job: JobEntity): Promise<number | null> {
    if (job.status !== 'queued') return null;
    const ahead = await this.dataSource
      .getRepository(JobEntity)
      .createQueryBuilder('job')
      .where('job.type = :type AND job.status = :status', { type: job.type, status: 'queued' })
      .andWhere('(job.created_at, job.id) < (:createdAt, :id)', { createdAt: job.createdAt, id: job.id })
      .getCount();
    return ahead + 1;
  }

  /** The median run time (start to completion) of the latest completed jobs of a type, in seconds; null without any. */
  async medianRunSeconds(type: string, sample = 20): Promise<number | null> {
    const [row] = await this.dataSource.query(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS median FROM (
         SELECT EXTRACT(EPOCH FROM completed_at - started_at) AS seconds FROM jobs
         WHERE type = $1 AND status = 'completed' AND started_at IS NOT NULL ORDER BY completed_at DESC LIMIT $2) latest`,
      [type, sample],
    );
    return row?.median === null || row?.median === undefined ? null : Number(row.median);
  }

  /** The id of each job's latest event. */
  async latestEventIds(jobIds: string[]): Promise<Map<string, string>> {
    if (jobIds.length === 0) return new Map();
    const rows: Array<{ job_id: string; id: string }> = await this.dataSource.query(
      'SELECT job_id, MAX(id)::text AS id FROM job_events WHERE job_id = ANY($1::uuid[]) GROUP BY job_id',
      [jobIds],
    );
    return new Map(rows.map((row) => [row.job_id, row.id]));
  }

  /** Deletes jobs of `ownerId` (null: ownerless jobs) among `ids`, with their events, in the caller's transaction. */
  async deleteOwned(manager: EntityManager, ownerId: string | null, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const owned = await manager.find(JobEntity, { select: { id: true }, where: { id: In(ids), ownerId: ownerId ?? IsNull() } });
    const ownedIds = owned.map((job) => job.id);
    if (ownedIds.length === 0) return;
    await manager.delete(JobEntity, { id: In(ownedIds) });
    await manager.delete(JobEventEntity, { jobId: In(ownedIds) });
  }

  /** Job events after `afterId` (all of them when undefined), oldest first. */
  async eventsAfter(jobId: string, afterId?: string): Promise<JobEventEntity[]> {
    const where = afterId === undefined ? { jobId } : { jobId, id: MoreThan(afterId) };
    return this.dataSource.getRepository(JobEventEntity).find({ where, order: { id: 'ASC' } });
  }

  async latestEvent(jobId: string): Promise<JobEventEntity | null> {
    return this.dataSource.getRepository(JobEventEntity).findOne({ where: { jobId }, order: { id: 'DESC' } });
  }

  async latestEventId(): Promise<string> {
    const [row] = await this.dataSource.query('SELECT COALESCE(MAX(id), 0)::text AS id FROM job_events');
    return (row as { id: string }).id;
  }

  async eventsByIds(ids: string[]): Promise<JobEventEntity[]> {
    if (ids.length === 0) return [];
    return this.dataSource.getRepository(JobEventEntity).find({ where: { id: In(ids) }, order: { id: 'ASC' } });
  }

  async eventsSince(afterId: string, limit = 1000): Promise<JobEventEntity[]> {
    return this.dataSource
      .getRepository(JobEventEntity)
      .find({ where: { id: MoreThan(afterId) }, order: { id: 'ASC' }, take: limit });
  }

  /** Attempts whose process stopped heartbeating. */
  async findStale(heartbeatBefore: Date, limit = 50): Promise<JobEntity[]> {
    return this.dataSource
      .getRepository(JobEntity)
      .find({ where: { status: 'processing', heartbeatAt: LessThan(heartbeatBefore) }, take: limit });
  }

  /** Jobs handed to a remote engine whose callback did not come before the deadline. */
  async findOverdueCallbacks(limit = 50): Promise<JobEntity[]> {
    return this.dataSource
      .getRepository(JobEntity)
      .find({ where: { status: 'processing', heartbeatAt: IsNull(), deadlineAt: LessThan(new Date()) }, take: limit });
  }

  async cancel(id: string, ownerId: string | null | typeof ANY_OWNER): Promise<JobEntity> {
    const job = await this.findOwned(id, ownerId);
    const canceled = await this.transition(
      id,
      { from: ['queued', 'processing'] },
      { status: 'canceled', stage: 'canceled', message: 'Canceled', completedAt: new Date(), heartbeatAt: null },
    );
    if (!canceled) {
      throw new DomainError('JOB_FINISHED', `Job already ${job.status}`, HttpStatus.CONFLICT);
    }
    await this.queue.cancel(job.type, id);
    return canceled;
  }

  /** A worker takes the job for `attempt`; null when the job was canceled or finished meanwhile. */
  start(id: string, attempt: number, deadlineAt: Date): Promise<JobEntity | null> {
    return this.transition(
      id,
      { from: ['queued', 'processing'] },
      {
        status: 'processing',
        attempts: attempt,
        stage: 'started',
        message: attempt > 1 ? `Attempt ${attempt} started` : 'Started',
        startedAt: () => 'COALESCE(started_at, now())',
        heartbeatAt: () => 'now()',
        deadlineAt,
      },
    );
  }

  progress(id: string, attempt: number, progress: number, stage: string, message?: string): Promise<JobEntity | null> {
    const clamped = Math.max(0, Math.min(100, Math.round(progress)));
    return this.transition(
      id,
      { from: ['processing'], attempt },
      { progress: () => `GREATEST(progress, ${clamped})`, stage, message: message ?? null },
    );
  }

  /** Whether the attempt is still the job's current one (false once it was canceled, reaped or finished). */
  async heartbeat(id: string, attempt: number): Promise<boolean> {
    const { affected } = await this.dataSource
      .createQueryBuilder()
      .update(JobEntity)
      .set({ heartbeatAt: () => 'now()' })
      .where({ id, status: 'processing', attempts: attempt })
      .execute();
    return (affected ?? 0) > 0;
  }

  /** The attempt handed the work to a remote engine; only its callback (or the deadline) ends the job now. */
  awaitCallback(id: string, attempt: number, message: string): Promise<JobEntity | null> {
    return this.transition(
      id,
      { from: ['processing'], attempt },
      { stage: 'waiting', message, heartbeatAt: null },
    );
  }

  /**
   * Completes a processing job. `alsoWrite` runs in the same transaction, after the job changed: what must exist
   * exactly when the job is completed (e.g. an analysis row's scores) goes there.
   */
  complete(
    id: string,
    result: Record<string, any>,
    options: { attempt?: number; message?: string; alsoWrite?: CompletionWriter } = {},
  ): Promise<JobEntity | null> {
    const { attempt, message = 'Completed', alsoWrite } = options;
    return this.transition(
      id,
      { from: ['processing'], attempt },
      {
        status: 'completed',
        progress: 100,
        stage: 'completed',
        message,
        result,
        error: null,
        completedAt: new Date(),
        heartbeatAt: null,
      },
      alsoWrite,
    );
  }

  fail(id: string, error: JobError, guard: Omit<TransitionGuard, 'from'> = {}): Promise<JobEntity | null> {
    return this.transition(
      id,
      { from: ['queued', 'processing'], ...guard },
      { status: 'failed', stage: 'failed', message: error.message, error, completedAt: new Date(), heartbeatAt: null },
    );
  }

  /** The attempt is over without a result and another will follow. */
  requeue(id: string, message: string, guard: Omit<TransitionGuard, 'from'> = {}): Promise<JobEntity | null> {
    return this.transition(
      id,
      { from: ['processing'], ...guard },
      { status: 'queued', stage: 'retrying', message, heartbeatAt: null },
    );
  }

  private async transition(
    id: string,
    guard: TransitionGuard,
    changes: QueryDeepPartialEntity<JobEntity>,
    alsoWrite?: CompletionWriter,
  ): Promise<JobEntity | null> {
    return this.dataSource.transaction(async (manager) => {
      const update = manager
        .createQueryBuilder()
        .update(JobEntity)
        .set(changes)
        .where('id = :id', { id })
        .andWhere('status IN (:...from)', { from: guard.from });
      if (guard.attempt !== undefined) update.andWhere('attempts = :attempt', { attempt: guard.attempt });
      if (guard.heartbeatBefore) update.andWhere('heartbeat_at < :before', { before: guard.heartbeatBefore });
      const { affected } = await update.execute();
      if (!affected) return null;
      const job = await manager.findOneByOrFail(JobEntity, { id });
      await alsoWrite?.(job, manager);
      await this.recordEvent(manager, job);
      return job;
    });
  }

  private async recordEvent(manager: EntityManager, job: JobEntity): Promise<void> {
    const event = await manager.save(
      manager.create(JobEventEntity, { jobId: job.id, jobType: job.type, ownerId: job.ownerId, snapshot: toJobSnapshot(job) }),
    );
    await manager.query('SELECT pg_notify($1, $2)', [JOB_EVENTS_CHANNEL, event.id]);
  }
}
