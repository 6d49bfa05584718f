import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { MusicEngine } from '../engines/music/music.engine.js';
import { JobProcessor, type ConfiguredJobDefinition, type Job, type JobContext, type JobHandler } from '../jobs/job-definition.js';
import { ObjectStorage } from '../storage/object-storage.js';
import { MusicTrackEntity } from './music-track.entity.js';

export const MUSIC_JOB = 'music-generation';

export interface MusicJobPayload {
  genre: string;
  lyrics: string;
  seed: number;
}

export interface MusicJobResult {
  audioKey: string;
  bytes: number;
  durationSeconds: number;
  engine: { name: string; version: string; model?: string };
}

/** Where a job's MP3 is stored: one fixed key per job, so a retried attempt overwrites, never leaks. */
export const musicKeyOf = (jobId: string) => `music/${jobId}.mp3`;

/**
 * Generates one song with the configured engine and stores its MP3. The queue runs at most MUSIC_CONCURRENCY
 * at once across every process (one GPU: one); a worker that dies hands the job on (two more attempts).
 */
@Injectable()
@JobProcessor({ type: MUSIC_JOB, retryLimit: 2, retryDelaySeconds: 1, deadlineSeconds: 3600, lanes: 1 })
export class MusicJob implements JobHandler<MusicJobPayload> {
  constructor(
    private readonly engine: MusicEngine,
    private readonly storage: ObjectStorage,
    private readonly config: AppConfig,
  ) {}

  configure(): ConfiguredJobDefinition {
    return { deadlineSeconds: this.config.music.deadlineSeconds, lanes: this.config.music.concurrency };
  }

  async handle({ job, signal, progress }: JobContext<MusicJobPayload>) {
    await progress(0, 'generating', `Generating with the ${this.engine.name} engine`);
    const track = await this.engine.generate({
      jobId: job.id,
      genre: job.payload.genre,
      lyrics: job.payload.lyrics,
      seed: job.payload.seed,
      signal,
      progress: (percent, stage, message) => progress(Math.min(percent, 99), stage, message),
    });
    try {
      signal.throwIfAborted();
      const audioKey = musicKeyOf(job.id);
      const stored = await this.storage.put(audioKey, track.audio, { contentType: 'audio/mpeg' });
      const result: MusicJobResult = { audioKey, bytes: stored.size, durationSeconds: track.durationSeconds, engine: track.engine };
      return result as unknown as Record<string, unknown>;
    } finally {
      track.audio.destroy();
      await track.dispose?.();
    }
  }

  /** The track row is written in the transaction that completes the job, never half. */
  async completed(job: Job, manager: EntityManager): Promise<void> {
    const result = job.result as unknown as MusicJobResult;
    await manager.insert(MusicTrackEntity, {
      jobId: job.id,
      ownerId: job.ownerId,
      audioKey: result.audioKey,
      bytes: result.bytes,
      durationSeconds: result.durationSeconds,
      engine: result.engine,
    });
  }
}
