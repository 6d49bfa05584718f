import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PublishedEvent, type SseProjection } from '../events/event-bus.js';
import { SseService } from '../events/sse.service.js';
import type { JobEventEntity } from './job-event.entity.js';
import { jobTopic, jobTopics } from './job-event-relay.js';
import type { JobSnapshot } from './job-snapshot.js';
import { TERMINAL_STATUSES } from './job.entity.js';
import { JobsService } from './jobs.service.js';

export const isFinished = (event: PublishedEvent<'job.updated'>) => TERMINAL_STATUSES.includes(event.data.status);

const toPublished = (event: JobEventEntity) =>
  new PublishedEvent('job.updated', event.snapshot as JobSnapshot, jobTopics(event), event.id);

/**
 * The replay for a job's SSE stream: with Last-Event-ID, every event after it; without, the latest state.
 * A Last-Event-ID that is not an event id of ours is treated as absent.
 */
export function jobReplay(jobs: JobsService, jobId: string, from: ReplayFrom = 'latest') {
  return async (lastEventId: string | undefined): Promise<PublishedEvent<'job.updated'>[]> => {
    if (lastEventId !== undefined && /^\d{1,18}$/.test(lastEventId)) {
      return (await jobs.eventsAfter(jobId, lastEventId)).map(toPublished);
    }
    if (from === 'start') return (await jobs.eventsAfter(jobId)).map(toPublished);
    const latest = await jobs.latestEvent(jobId);
    return latest ? [toPublished(latest)] : [];
  };
}

export type JobProjection = SseProjection<'job.updated'>;

/** Without Last-Event-ID: only the latest state (progress bars), or every event since the job began (streams whose events are pieces, like a reply's deltas). */
export type ReplayFrom = 'latest' | 'start';

/** A job's progress over SSE, shaped by the feature's projection: replay, live events, end when it finishes. */
@Injectable()
export class JobStreams {
  constructor(
    private readonly jobs: JobsService,
    private readonly sse: SseService,
  ) {}

  /** Call after the feature checked the caller may see the job. */
  stream(req: Request, res: Response, jobId: string, project: JobProjection, from: ReplayFrom = 'latest'): Promise<void> {
    return this.sse.stream(req, res, { topic: jobTopic(jobId), project, replay: jobReplay(this.jobs, jobId, from), endAfter: isFinished });
  }
}
