import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { EngineError } from '../engines/engine-error.js';
import { SpeechToTextEngine } from '../engines/speech-to-text/speech-to-text.engine.js';
import { normaliseWhisperTranscript } from '../engines/speech-to-text/whisper-transcript.js';
import type { Job } from '../jobs/job-definition.js';
import { ANY_OWNER, JobsService } from '../jobs/jobs.service.js';
import { ObjectStorage } from '../storage/object-storage.js';
import type { CallbackOutcome, JobCallback } from '../webhooks/job-callbacks.service.js';
import { WebhookSigner } from '../webhooks/webhook-signer.js';
import type { GenerateUploadUrlDto, ProcessStartedDto, TranscriptDto, UploadUrlDto, VideoJobStatusDto } from './dto/video.dto.js';
import { toSrt, toVtt } from './subtitles.js';
import { TranscriptEntity } from './transcript.entity.js';
import {
  engineNotConfigured,
  invalidVideoCallbackBody,
  invalidVideoCallbackJobId,
  transcriptNotReady,
  unsupportedVideoType,
  videoJobNotFound,
  videoNotFound,
  videoTooLarge,
} from './video-errors.js';
import { isVideoKeyOf, isVideoOrAudioType, videoKeyFor } from './video-keys.js';
import { VIDEO_JOB, VideoJob, type VideoJobPayload } from './video.job.js';

/** The caller of a video route: a signed-in user's id, or null for an anonymous caller. */
export type VideoCaller = string | null;

@Injectable()
export class VideoService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly storage: ObjectStorage,
    private readonly engine: SpeechToTextEngine,
    private readonly videoJob: VideoJob,
    private readonly config: AppConfig,
  ) {}

  /** A presigned PUT for one video, its Content-Type signed (and its size bounded where storage can); bytes go straight to storage. */
  async generateUploadUrl(caller: VideoCaller, { filename, filetype }: GenerateUploadUrlDto): Promise<UploadUrlDto> {
    if (!isVideoOrAudioType(filetype)) throw unsupportedVideoType(filetype);
    const fileKey = videoKeyFor(caller, filename);
    const url = await this.storage.presignPut(fileKey, { contentType: filetype, maxBytes: this.config.video.maxUploadBytes });
    return { url, fileKey };
  }

  /**
   * Queues the transcript of an uploaded video: the key must be one of the caller's and hold a video within
   * VIDEO_MAX_UPLOAD_BYTES (a larger one is deleted). With no engine configured nothing is queued and the video
   * is kept, so the same key can be processed once one is.
   */
  async requestProcess(caller: VideoCaller, fileKey: string): Promise<ProcessStartedDto> {
    if (!isVideoKeyOf(fileKey, caller)) throw videoNotFound();
    const video = await this.storage.head(fileKey);
    if (!video) throw videoNotFound();
    const limit = this.config.video.maxUploadBytes;
    if (video.size > limit) {
      await this.storage.delete(fileKey);
      throw videoTooLarge(video.size, limit);
    }
    if (!this.engine.configured) throw engineNotConfigured();
    const payload: VideoJobPayload = { videoKey: fileKey };
    const job = await this.jobs.create(VIDEO_JOB, payload, { ownerId: caller });
    return { message: 'Video processing started.', jobId: job.id };
  }

  /** A transcript job the caller may see: their own, or an anonymous one (whoever holds its id); else 404. */
  async visibleJob(caller: VideoCaller, jobId: string): Promise<Job> {
    const job = await this.jobs.findOwnedOfType(jobId, ANY_OWNER, VIDEO_JOB, videoJobNotFound);
    if (job.ownerId !== null && job.ownerId !== caller) throw videoJobNotFound();
    return job;
  }

  async status(caller: VideoCaller, jobId: string): Promise<VideoJobStatusDto> {
    return toVideoJobStatus(await this.visibleJob(caller, jobId));
  }

  async transcript(caller: VideoCaller, jobId: string): Promise<TranscriptDto> {
    await this.visibleJob(caller, jobId);
    const row = await this.dataSource.getRepository(TranscriptEntity).findOneBy({ jobId });
    if (!row) throw transcriptNotReady(jobId);
    return {
      job_id: row.jobId,
      text: row.text,
      language: row.language,
      duration: row.duration,
      segments: row.segments,
      engine: row.engine,
      created_at: row.createdAt.toISOString(),
    };
  }

  async subtitles(caller: VideoCaller, jobId: string, format: 'srt' | 'vtt'): Promise<string> {
    const { segments } = await this.transcript(caller, jobId);
    return format === 'srt' ? toSrt(segments) : toVtt(segments);
  }

  /** Removes the transcript, its job and the stored video; a job still running is canceled first. */
  async remove(caller: VideoCaller, jobId: string): Promise<void> {
    const job = await this.visibleJob(caller, jobId);
    if (job.status === 'queued' || job.status === 'processing') await this.jobs.cancel(job.id, ANY_OWNER).catch(() => undefined);
    await this.dataSource.transaction(async (manager) => {
      await manager.delete(TranscriptEntity, { jobId: job.id });
      await this.jobs.deleteOwned(manager, job.ownerId, [job.id]);
    });
    await this.storage.delete((job.payload as unknown as VideoJobPayload).videoKey);
  }

  /** The ML server's signed callback `{job_id, result}` (seed 003), or `{job_id, error: {code, message}}`. */
  readonly callback: JobCallback = {
    route: 'video-result',
    jobType: VIDEO_JOB,
    jobIdIn: 'body',
    signer: this.config.video.webhookSecret ? new WebhookSigner(this.config.video.webhookSecret) : undefined,
    unconfigured: 'no VIDEO_WEBHOOK_SECRET is configured',
    notFound: videoJobNotFound,
    invalidJobId: invalidVideoCallbackJobId,
    read: (body): CallbackOutcome => {
      const error = body.error as { code?: unknown; message?: unknown } | undefined;
      if (error && typeof error === 'object') {
        return {
          error: {
            code: typeof error.code === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/.test(error.code) ? error.code : 'ENGINE_FAILED',
            message: typeof error.message === 'string' ? error.message.slice(0, 500) : 'The ML server reported a failure',
          },
        };
      }
      if (!body.result || typeof body.result !== 'object' || Array.isArray(body.result)) throw invalidVideoCallbackBody();
      const model = typeof (body.result as { model?: unknown }).model === 'string' ? String((body.result as { model: string }).model).slice(0, 100) : 'whisper';
      try {
        return { result: normaliseWhisperTranscript(body.result, { name: 'ml-server', model }) as unknown as Record<string, unknown> };
      } catch (failure) {
        if (failure instanceof EngineError) return { error: { code: failure.code, message: failure.message } };
        throw failure;
      }
    },
    alsoWrite: (done, manager) => this.videoJob.completed(done, manager),
  };
}

export function toVideoJobStatus(job: Pick<Job, 'id' | 'status' | 'progress' | 'message' | 'error'>): VideoJobStatusDto {
  return {
    job_id: job.id,
    status: job.status,
    progress: job.progress,
    message: job.message,
    ...(job.error ? { error: { code: job.error.code, message: job.error.message } } : {}),
  };
}
