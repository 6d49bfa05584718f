import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SpeechToTextEngine, type Transcript } from '../engines/speech-to-text/speech-to-text.engine.js';
import { JobsService } from '../jobs/jobs.service.js';
import { AWAIT_CALLBACK, JobProcessor, type Job, type JobContext, type JobHandler } from '../jobs/job-definition.js';
import { TranscriptEntity } from './transcript.entity.js';

export const VIDEO_JOB = 'video-transcript';

export interface VideoJobPayload {
  videoKey: string;
}

/** Transcribes one uploaded video with the configured engine; the ML server finishes it through the callback. */
@Injectable()
// Four hours: a long video on a busy ML server or a slow CPU whisper server.
@JobProcessor({ type: VIDEO_JOB, retryLimit: 1, retryDelaySeconds: 10, deadlineSeconds: 4 * 3600 })
export class VideoJob implements JobHandler<VideoJobPayload> {
  constructor(
    private readonly engine: SpeechToTextEngine,
    private readonly jobs: JobsService,
  ) {}

  async handle({ job, signal, progress }: JobContext<VideoJobPayload>) {
    const outcome = await this.engine.transcribe({
      jobId: job.id,
      mediaKey: job.payload.videoKey,
      signal,
      progress,
      stillProcessing: async () => (await this.jobs.findById(job.id))?.status === 'processing',
    });
    return outcome.status === 'submitted' ? AWAIT_CALLBACK : (outcome.transcript as unknown as Record<string, unknown>);
  }

  /** The transcript row is written in the transaction that completes the job, never half. */
  async completed(job: Job, manager: EntityManager): Promise<void> {
    const transcript = job.result as unknown as Transcript;
    await manager.insert(TranscriptEntity, {
      jobId: job.id,
      ownerId: job.ownerId,
      sourceKey: (job.payload as unknown as VideoJobPayload).videoKey,
      language: transcript.language,
      duration: transcript.duration,
      text: transcript.text,
      segments: transcript.segments,
      engine: transcript.engine,
    });
  }
}
