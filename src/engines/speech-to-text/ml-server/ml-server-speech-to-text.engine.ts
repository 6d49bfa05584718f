import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../../../config/app-config.js';
import { ObjectStorage } from '../../../storage/object-storage.js';
import { EngineError } from '../../engine-error.js';
import { RemoteEngineClient } from '../../remote/remote-engine-client.js';
import { SpeechToTextEngine, type TranscriptionOutcome, type TranscriptionRequest } from '../speech-to-text.engine.js';

/** Seed 003's request to the ML server: it fetches the video itself and posts the result to our callback. */
export interface ProcessVideoRequest {
  job_id: string;
  video_url: string;
}

/**
 * The team's Whisper ML server (seed 003): `POST /api/upload-video/process-video {job_id, video_url}` (a
 * presigned GET), its `GET /api/upload-video/status/{job_id}` progress relayed to the job while it works, and
 * the transcript through the signed callback `POST /api/upload-video/result {job_id, result}`.
 */
export class MlServerSpeechToTextEngine extends SpeechToTextEngine {
  readonly name = 'ml-server';
  readonly configured = true;

  constructor(
    private readonly storage: ObjectStorage,
    private readonly client: RemoteEngineClient,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async transcribe({ jobId, mediaKey, signal, progress, stillProcessing }: TranscriptionRequest): Promise<TranscriptionOutcome> {
    const { mlServer, timeoutMs, retries, retryDelayMs } = this.config.speechToText;
    // Long enough for the server to fetch it after a queue of its own.
    const expiresInSeconds = Math.max(6 * 3600, this.config.storage.signedUrlTtlSeconds);
    const body: ProcessVideoRequest = { job_id: jobId, video_url: await this.storage.presignGet(mediaKey, { expiresInSeconds }) };
    await progress(5, 'submitting', 'Sending the video to the ML server');
    await this.client.request({
      engine: 'ml-server',
      url: `${mlServer.url}/api/upload-video/process-video`,
      body,
      // Per job_id: sending it again starts nothing new.
      idempotent: true,
      timeoutMs: Math.min(timeoutMs, 60_000),
      retries,
      retryDelayMs,
      signal,
    });
    await progress(10, 'transcribing', 'The ML server is working on it');

    // Relays the server's progress until it says it is done; the transcript itself arrives by the callback.
    for (;;) {
      await sleep(mlServer.pollMs, undefined, { signal });
      if (!(await stillProcessing())) break;
      const status = await this.client
        .request<{ status?: unknown; progress?: unknown; error?: unknown }>({
          engine: 'ml-server',
          method: 'GET',
          url: `${mlServer.url}/api/upload-video/status/${encodeURIComponent(jobId)}`,
          idempotent: true,
          timeoutMs: Math.min(timeoutMs, 30_000),
          retries: 0,
          retryDelayMs,
          signal,
        })
        .then((response) => response.data)
        // Progress is a courtesy: without it the callback (or the deadline) still settles the job.
        .catch((error: unknown) => {
          if (signal.aborted) throw error;
          return null;
        });
      if (!status || typeof status !== 'object' || status.status === 'completed') break;
      if (status.status === 'failed') {
        throw new EngineError('ENGINE_FAILED', `The ML server reports a failure${typeof status.error === 'string' ? `: ${status.error.slice(0, 300)}` : ''}`);
      }
      if (typeof status.progress === 'number' && Number.isFinite(status.progress)) {
        const reported = Math.max(0, Math.min(100, status.progress));
        await progress(10 + reported * 0.85, 'transcribing', `The ML server reports ${Math.round(reported)} %`);
      }
    }
    return { status: 'submitted' };
  }
}
