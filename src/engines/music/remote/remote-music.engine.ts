import { HttpStatus } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../../../config/app-config.js';
import { EngineError } from '../../engine-error.js';
import { RemoteEngineClient } from '../../remote/remote-engine-client.js';
import { parseLyrics, toYueLyrics } from '../lyrics.js';
import { MusicEngine, type GeneratedTrack, type MusicRequest } from '../music.engine.js';

const ENGINE = 'music-remote';
/** Tries after the first for a status poll or the download (and for a refused submit). */
const RETRIES = 3;
/** MP3 bitrate assumed to estimate a duration from the download's size: YuE's mixes are 128 kbps or near. */
const ASSUMED_BITS_PER_SECOND = 128_000;

/** Seed 004's `POST /generate-music-async/` body. */
export interface MusicGenerationBody {
  genre_txt: string;
  lyrics_txt: string;
}

type JobStatus = 'queued' | 'processing' | 'completed' | 'failed';
const STATUSES: readonly string[] = ['queued', 'processing', 'completed', 'failed'];

interface JobStatusAnswer {
  status: JobStatus;
  error?: unknown;
  progress?: unknown;
  queue_position?: unknown;
  duration?: unknown;
}

/**
 * Another server speaking seed 004's API (MUSIC_REMOTE_URL), YuE behind it: `POST /generate-music-async/` (not
 * idempotent: sent again only when the connection was refused), then `GET /job-status/{job_id}` every
 * MUSIC_REMOTE_POLL_SECONDS (retried) until completed, then `GET /music/download/{job_id}` streamed. The lyrics
 * are sent with YuE's section tags, as the seed hands them to infer.py unchanged. The seed has no cancel route:
 * an aborted job only stops polling. Duration: the status answer's `duration` when it has one, else estimated
 * from the download's Content-Length at 128 kbps, else 0.
 */
export class RemoteMusicEngine extends MusicEngine {
  readonly name = 'remote';

  constructor(
    private readonly client: RemoteEngineClient,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async generate({ genre, lyrics, signal, progress }: MusicRequest): Promise<GeneratedTrack> {
    const { url, pollMs, timeoutMs } = this.config.music.remote;
    if (!url) throw new EngineError('ENGINE_NOT_CONFIGURED', 'MUSIC_REMOTE_URL is not set', false, HttpStatus.SERVICE_UNAVAILABLE);
    const call = { engine: ENGINE, timeoutMs, retries: RETRIES, retryDelayMs: Math.min(pollMs, 1000), signal };
    let reported = 0;
    const report = async (percent: number, stage: string, message: string) => {
      reported = Math.max(reported, percent);
      await progress(reported, stage, message);
    };

    await report(2, 'submitting', 'Sending the song to the music server');
    const body: MusicGenerationBody = { genre_txt: genre, lyrics_txt: toYueLyrics(parseLyrics(lyrics)) };
    const submitted = await this.client.request<{ job_id?: unknown }>({ ...call, url: `${url}/generate-music-async/`, body, idempotent: false });
    const jobId = submitted.data?.job_id;
    if (typeof jobId !== 'string' || jobId === '') throw badResult('a submission answer without job_id');
    const job = encodeURIComponent(jobId);

    let status: JobStatusAnswer;
    for (;;) {
      await sleep(pollMs, undefined, { signal }).catch(() => {
        throw signal.reason;
      });
      status = await this.status(`${url}/job-status/${job}`, call);
      if (status.status === 'completed') break;
      if (status.status === 'failed') {
        const reason = typeof status.error === 'string' && status.error.trim() ? status.error.trim().slice(0, 500) : 'no reason given';
        throw new EngineError('ENGINE_FAILED', `The music server failed to make the song: ${reason}`);
      }
      if (status.status === 'queued') {
        const position = typeof status.queue_position === 'number' ? ` (position ${status.queue_position})` : '';
        await report(5, 'queued', `Waiting in the music server's queue${position}`);
      } else if (typeof status.progress === 'number' && Number.isFinite(status.progress)) {
        const percent = Math.max(0, Math.min(100, status.progress));
        await report(10 + percent * 0.85, 'processing', `The music server reports ${Math.round(percent)} %`);
      } else {
        await report(10, 'processing', 'The music server is making the song');
      }
    }

    const download = await this.client.request<Readable>({
      ...call,
      method: 'GET',
      url: `${url}/music/download/${job}`,
      idempotent: true,
      responseType: 'stream',
    });
    const type = download.headers['content-type'] ?? '';
    if (type && !/^(audio\/|application\/octet-stream)/i.test(type)) {
      download.data.destroy();
      throw badResult(`a download of type ${type.slice(0, 100)}`);
    }
    const size = Number(download.headers['content-length']);
    const durationSeconds =
      typeof status.duration === 'number' && Number.isFinite(status.duration) && status.duration > 0
        ? status.duration
        : Number.isFinite(size) && size > 0
          ? (size * 8) / ASSUMED_BITS_PER_SECOND
          : 0;
    return { audio: download.data, durationSeconds, engine: { name: this.name, version: 'seed-004' } };
  }

  private async status(url: string, call: { engine: string; timeoutMs: number; retries: number; retryDelayMs: number; signal: AbortSignal }) {
    const { data } = await this.client.request<unknown>({ ...call, method: 'GET', url, idempotent: true });
    if (!data || typeof data !== 'object' || !STATUSES.includes((data as { status?: unknown }).status as string)) {
      throw badResult(`a job status that is not one of ${STATUSES.join(', ')}`);
    }
    return data as JobStatusAnswer;
  }
}

const badResult = (what: string) => new EngineError('ENGINE_BAD_RESULT', `${ENGINE} answered with ${what}`);
