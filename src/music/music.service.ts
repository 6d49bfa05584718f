import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pipeline } from 'node:stream/promises';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { EventBus, PublishedEvent } from '../events/event-bus.js';
import { SseService } from '../events/sse.service.js';
import type { Job } from '../jobs/job-definition.js';
import { jobTopic } from '../jobs/job-event-relay.js';
import type { JobSnapshot } from '../jobs/job-snapshot.js';
import { TERMINAL_STATUSES, type JobStatus } from '../jobs/job-status.js';
import { ANY_OWNER, isJobId, JobsService } from '../jobs/jobs.service.js';
import { ObjectStorage } from '../storage/object-storage.js';
import type { GenerateMusicDto, MusicJobCreatedDto, MusicJobDto, MusicJobStatusDto, MusicServerStatusDto } from './dto/music.dto.js';
import {
  musicEngineBusy,
  musicGenerationFailed,
  musicJobFinished,
  musicJobNotFound,
  musicNotReady,
} from './music-errors.js';
import { MusicTrackEntity } from './music-track.entity.js';
import { MUSIC_JOB, musicKeyOf, type MusicJobPayload } from './music.job.js';

/** The caller of a music route: a signed-in user's id, or null for an anonymous caller (MUSIC_ALLOW_ANONYMOUS). */
export type MusicCaller = string | null;

/** The most jobs `jobs` and `events` show: the caller's newest. */
const LISTED_JOBS = 100;
/** Retry-After for a busy engine before any generation has completed to estimate from. */
const DEFAULT_RUN_SECONDS = 30;

type JobView = Pick<JobSnapshot, 'id' | 'status' | 'progress' | 'stage' | 'error'> & {
  createdAt: string | Date;
  startedAt: string | Date | null;
  completedAt: string | Date | null;
};

const iso = (date: string | Date | null) => (date === null ? null : new Date(date).toISOString());

export function toMusicJob(job: JobView): MusicJobDto {
  return {
    job_id: job.id,
    status: job.status,
    created_at: iso(job.createdAt)!,
    started_at: iso(job.startedAt),
    completed_at: iso(job.completedAt),
    error: job.error?.message ?? null,
    error_code: job.error?.code ?? null,
    progress: job.progress,
    stage: job.stage,
    download_url: job.status === 'completed' ? `/music/download/${job.id}` : null,
  };
}

/**
 * Seed 004 on the jobs platform: generations queue durably, run at most MUSIC_CONCURRENCY at once across every
 * process, and each caller sees only their own. Anonymous callers (when allowed) reach a job only by its id.
 */
@Injectable()
export class MusicService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly storage: ObjectStorage,
    private readonly bus: EventBus,
    private readonly sse: SseService,
    private readonly config: AppConfig,
  ) {}

  async generateAsync(caller: MusicCaller, body: GenerateMusicDto): Promise<MusicJobCreatedDto> {
    const job = await this.jobs.create(MUSIC_JOB, this.payloadOf(body), { ownerId: caller });
    return { job_id: job.id, status: 'queued' };
  }

  /**
   * Seed 004's sync route: refused with 429 while every generation slot is taken or jobs wait for one (checked
   * under the queue's creation lock, so two requests never both pass); otherwise waits for the track and sends
   * it. A client that goes away cancels its generation.
   */
  async generateSync(caller: MusicCaller, body: GenerateMusicDto, req: Request, res: Response): Promise<void> {
    const admit = async (manager: EntityManager) => {
      const busy = await this.jobs.countOfType(MUSIC_JOB, ['queued', 'processing'], manager);
      if (busy >= this.config.music.concurrency) {
        const queued = await this.jobs.countOfType(MUSIC_JOB, ['queued'], manager);
        throw musicEngineBusy(await this.retryAfterSeconds(queued), queued, busy - queued);
      }
    };
    const gone = new AbortController();
    const onClose = () => {
      if (!res.writableEnded) gone.abort();
    };
    res.on('close', onClose);
    const job = await this.jobs.create(MUSIC_JOB, this.payloadOf(body), { ownerId: caller, admit });
    try {
      const finished = await this.waitUntilFinished(job.id, gone.signal);
      if (finished.status !== 'completed') {
        throw musicGenerationFailed(finished.error?.code ?? 'ENGINE_FAILED', finished.error?.message ?? `The generation was ${finished.status}`);
      }
      const track = await this.trackOf(finished.id);
      const download = await this.storage.get(track.audioKey);
      res.status(200);
      res.setHeader('Content-Type', 'audio/mpeg');
      res.setHeader('Content-Length', String(download.size));
      res.setHeader('Content-Disposition', `attachment; filename="${job.id}.mp3"`);
      res.setHeader('X-Job-Id', job.id);
      await pipeline(download.body, res);
    } catch (error) {
      if (gone.signal.aborted) {
        await this.jobs.cancel(job.id, ANY_OWNER).catch(() => undefined);
        return;
      }
      throw error;
    } finally {
      res.off('close', onClose);
    }
  }

  /** A music job the caller may see: their own, or an anonymous one (whoever holds its id); else 404. */
  async visibleJob(caller: MusicCaller, jobId: string): Promise<Job> {
    const job = await this.jobs.findOwnedOfType(jobId, ANY_OWNER, MUSIC_JOB, musicJobNotFound);
    if (job.ownerId !== null && job.ownerId !== caller) throw musicJobNotFound();
    return job;
  }

  async status(caller: MusicCaller, jobId: string): Promise<MusicJobStatusDto> {
    const job = await this.visibleJob(caller, jobId);
    return { ...toMusicJob(job), queue_position: await this.jobs.queuePosition(job) };
  }

  /** The caller's newest jobs by id (seed 004's shape); an anonymous caller has none to list. */
  async list(caller: MusicCaller): Promise<Record<string, MusicJobDto>> {
    if (caller === null) return {};
    const jobs = await this.jobs.listOwnedOfType(caller, MUSIC_JOB, LISTED_JOBS);
    return Object.fromEntries(jobs.map((job) => [job.id, toMusicJob(job)]));
  }

  async serverStatus(caller: MusicCaller): Promise<MusicServerStatusDto> {
    const queueSize = await this.jobs.countOfType(MUSIC_JOB, ['queued']);
    if (caller === null) return { active_job: null, queue_size: queueSize, job_count: 0 };
    const jobs = await this.jobs.listOwnedOfType(caller, MUSIC_JOB, LISTED_JOBS);
    return {
      active_job: jobs.find((job) => job.status === 'processing')?.id ?? null,
      queue_size: queueSize,
      job_count: jobs.length,
    };
  }

  /** The MP3 of a completed job, streamed; a Range request gets its part (206). */
  async download(caller: MusicCaller, jobId: string, req: Request, res: Response): Promise<void> {
    const job = await this.visibleJob(caller, jobId);
    if (job.status !== 'completed') throw musicNotReady(job.status);
    const track = await this.trackOf(job.id);
    const object = await this.storage.head(track.audioKey);
    if (!object) throw musicJobNotFound();
    res.setHeader('Content-Type', 'audio/mpeg');
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Disposition', `attachment; filename="${job.id}.mp3"`);
    const ranges = req.headers.range ? req.range(object.size) : undefined;
    if (ranges === -1) {
      res.status(416).setHeader('Content-Range', `bytes */${object.size}`);
      res.end();
      return;
    }
    // A malformed header (-2) or several ranges: the whole file, as a server that ignores Range would send.
    const range = Array.isArray(ranges) && ranges.length === 1 ? ranges[0]! : undefined;
    const download = await this.storage.get(track.audioKey, range ? { range } : {});
    if (range) {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${object.size}`);
      res.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      res.status(200);
      res.setHeader('Content-Length', String(object.size));
    }
    await pipeline(download.body, res);
  }

  async cancel(caller: MusicCaller, jobId: string): Promise<MusicJobStatusDto> {
    const job = await this.visibleJob(caller, jobId);
    if (job.status !== 'queued' && job.status !== 'processing') throw musicJobFinished(job.status);
    const canceled = await this.jobs.cancel(job.id, ANY_OWNER);
    return { ...toMusicJob(canceled), queue_position: null };
  }

  /** Removes the track, its job and its MP3; a generation still running is canceled first. */
  async remove(caller: MusicCaller, jobId: string): Promise<void> {
    const job = await this.visibleJob(caller, jobId);
    if (job.status === 'queued' || job.status === 'processing') await this.jobs.cancel(job.id, ANY_OWNER).catch(() => undefined);
    await this.dataSource.transaction(async (manager) => {
      await manager.delete(MusicTrackEntity, { jobId: job.id });
      await this.jobs.deleteOwned(manager, job.ownerId, [job.id]);
    });
    await this.storage.delete(musicKeyOf(job.id));
  }

  /**
   * Seed 004's SSE: `event: job_update` with `{active_job, jobs}` on every change of the caller's jobs (a
   * signed-in caller: all theirs; with `job_id`: that job only, which is how an anonymous caller follows one).
   */
  async events(caller: MusicCaller, jobId: string | undefined, req: Request, res: Response): Promise<void> {
    const only = jobId === undefined ? undefined : await this.visibleJob(caller, jobId);
    const topic = only ? jobTopic(only.id) : caller ? `owner:${caller}` : undefined;
    const state = new Map<string, { version: bigint; view: MusicJobDto }>();
    const frame = () => {
      const jobs = [...state.values()].map((entry) => entry.view).sort((a, b) => b.created_at.localeCompare(a.created_at));
      return {
        event: 'job_update',
        data: {
          active_job: jobs.find((job) => job.status === 'processing')?.job_id ?? null,
          jobs: Object.fromEntries(jobs.slice(0, LISTED_JOBS).map((job) => [job.job_id, job])),
        },
      };
    };
    const project = (event: PublishedEvent<'job.updated'>) => {
      if (event.data !== null) {
        if (event.data.type !== MUSIC_JOB) return null;
        const version = BigInt(event.id ?? '0');
        const known = state.get(event.data.id);
        // A job's events may reach this stream after a newer state was read from the database: keep the newer.
        if (known && known.version >= version) return null;
        state.set(event.data.id, { version, view: toMusicJob(event.data) });
      }
      return frame();
    };
    const replay = async () => {
      const jobs = only ? [only] : caller ? await this.jobs.listOwnedOfType(caller, MUSIC_JOB, LISTED_JOBS) : [];
      const versions = await this.jobs.latestEventIds(jobs.map((job) => job.id));
      for (const job of jobs) state.set(job.id, { version: BigInt(versions.get(job.id) ?? '0'), view: toMusicJob(job) });
      // The current state as the first frame; no id, so Last-Event-ID plays no part in this stream.
      return [new PublishedEvent('job.updated', null as unknown as JobSnapshot, [])];
    };
    await this.sse.stream(req, res, {
      topic: topic ?? `music:anonymous:${randomInt(2 ** 47)}`,
      project,
      replay,
      // Following one job: the stream ends once it finished, at once when it had before the stream opened.
      endAfter: only ? () => TERMINAL_STATUSES.includes((state.get(only.id)?.view.status ?? 'queued') as JobStatus) : undefined,
    });
  }

  private payloadOf(body: GenerateMusicDto): MusicJobPayload {
    return { genre: body.genre_txt, lyrics: body.lyrics_txt, seed: body.seed ?? randomInt(2 ** 31) };
  }

  private async trackOf(jobId: string): Promise<MusicTrackEntity> {
    const track = await this.dataSource.getRepository(MusicTrackEntity).findOneBy({ jobId });
    if (!track) throw musicJobNotFound();
    return track;
  }

  /** Seconds until a slot is likely free: the median generation time, per round of waiting jobs. */
  private async retryAfterSeconds(queued: number): Promise<number> {
    const median = (await this.jobs.medianRunSeconds(MUSIC_JOB)) ?? DEFAULT_RUN_SECONDS;
    const rounds = 1 + Math.floor(queued / this.config.music.concurrency);
    return Math.max(1, Math.min(3600, Math.ceil(median * rounds)));
  }

  /** Resolves with the job once it completed, failed or was canceled; rejects when `signal` aborts. */
  private async waitUntilFinished(jobId: string, signal: AbortSignal): Promise<Job> {
    let wake: () => void = () => undefined;
    const unsubscribe = this.bus.subscribe<'job.updated'>(jobTopic(jobId), ({ data }) => {
      if (TERMINAL_STATUSES.includes(data.status)) wake();
    });
    try {
      for (;;) {
        const woken = new Promise<void>((resolve) => (wake = resolve));
        const job = await this.jobs.findById(jobId);
        if (!job) throw musicJobNotFound();
        if (TERMINAL_STATUSES.includes(job.status)) return job;
        signal.throwIfAborted();
        // The bus wakes us; the timer covers an event that never reaches this instance (a NOTIFY lost with a connection).
        await Promise.race([woken, sleep(5000, undefined, { signal, ref: false })]);
      }
    } finally {
      unsubscribe();
    }
  }
}

