import { PublishedEvent, type SseProjection } from '../events/event-bus.js';
import type { JobEventEntity } from './job-event.entity.js';
import { jobTopics } from './job-event-relay.js';
import type { JobSnapshot } from './job-snapshot.js';
import { TERMINAL_STATUSES } from './job.entity.js';
import type { JobsService } from './jobs.service.js';

export const isFinished = (event: PublishedEvent<'job.updated'>) => TERMINAL_STATUSES.includes(event.data.status);

const toPublished = (event: JobEventEntity) =>
  new PublishedEvent('job.updated', event.snapshot as JobSnapshot, jobTopics(event), event.id);

/**
 * The replay for a job's SSE stream: with Last-Event-ID, every event after it; without, the latest state.
 * A Last-Event-ID that is not an event id of ours is treated as absent.
 */
export function jobReplay(jobs: JobsService, jobId: string) {
  return async (lastEventId: string | undefined): Promise<PublishedEvent<'job.updated'>[]> => {
    if (lastEventId !== undefined && /^\d{1,18}$/.test(lastEventId)) {
      return (await jobs.eventsAfter(jobId, lastEventId)).map(toPublished);
    }
    const latest = await jobs.latestEvent(jobId);
    return latest ? [toPublished(latest)] : [];
  };
}

export type JobProjection = SseProjection<'job.updated'>;
