import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { EventBus } from '../events/event-bus.js';
import { PostgresNotifications } from '../events/postgres-notifications.js';
import type { JobEventEntity } from './job-event.entity.js';
import type { JobSnapshot } from './job-snapshot.js';
import { JOB_EVENTS_CHANNEL, JobsService } from './jobs.service.js';

declare module '../events/event-bus.js' {
  interface EventMap {
    'job.updated': JobSnapshot;
  }
}

/** The bus topic of one job's events: what its SSE streams and its runner follow. */
export const jobTopic = (jobId: string) => `job:${jobId}`;

/** The bus topics a job's events are published on. */
export const jobTopics = (event: Pick<JobEventEntity, 'jobId' | 'jobType' | 'ownerId'>) => [
  jobTopic(event.jobId),
  `job-type:${event.jobType}`,
  ...(event.ownerId ? [`owner:${event.ownerId}`] : []),
];

/**
 * Brings job events from every instance onto this instance's bus: each NOTIFY carries a job_events id, the row
 * is read once and published once, whatever the number of local subscribers.
 */
@Injectable()
export class JobEventRelay implements OnModuleInit {
  private readonly logger = new Logger(JobEventRelay.name);
  private pending = new Set<string>();
  private flushing = Promise.resolve();
  private scheduled = false;
  private lastSeen = '0';

  constructor(
    private readonly jobs: JobsService,
    private readonly bus: EventBus,
    private readonly notifications: PostgresNotifications,
  ) {}

  async onModuleInit(): Promise<void> {
    this.lastSeen = await this.jobs.latestEventId();
    this.notifications.onReconnect(() => void this.catchUp());
    await this.notifications.listen(JOB_EVENTS_CHANNEL, (id) => {
      this.pending.add(id);
      // One flush at a time: a second batch read while the first is still being read could be published first.
      if (this.scheduled) return;
      this.scheduled = true;
      this.flushing = this.flushing.then(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    const ids = [...this.pending];
    this.pending.clear();
    this.scheduled = false;
    try {
      this.publish(await this.jobs.eventsByIds(ids));
    } catch (error) {
      this.logger.warn(`could not read job events ${ids.join(',')}: ${(error as Error).message}`);
    }
  }

  /** After a lost connection: publish what was written meanwhile (SSE streams skip ids they already sent). */
  private async catchUp(): Promise<void> {
    try {
      this.publish(await this.jobs.eventsSince(this.lastSeen));
    } catch (error) {
      this.logger.warn(`could not catch up on job events: ${(error as Error).message}`);
    }
  }

  private publish(events: JobEventEntity[]): void {
    for (const event of events) {
      if (BigInt(event.id) > BigInt(this.lastSeen)) this.lastSeen = event.id;
      this.bus.publish('job.updated', event.snapshot, jobTopics(event), event.id);
    }
  }
}
