import { Injectable, Logger } from '@nestjs/common';
import axios, { AxiosError } from 'axios';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../../../config/app-config.js';
import { JobFailure } from '../../../jobs/job-definition.js';
import { ObjectStorage } from '../../../storage/object-storage.js';
import { WebhookSigner } from '../../../webhooks/webhook-signer.js';
import { SpeechAnalysisEngine, type AnalysisOutcome, type AnalysisRequest } from '../speech-analysis.engine.js';

/** The seeds' analysis request: the server fetches both audio files itself and answers at `webhook_url`. */
export interface RemoteAnalysisRequest {
  job_id: string;
  token_id: number;
  audio_url: string;
  reference_audio_url: string;
  words: Array<{ script_word_id: number; text: string; start: number; end: number }>;
  webhook_url: string;
}

/**
 * The team's analysis server (GPU), over the seeds' protocol. Connection errors and 5xx are retried with
 * exponential backoff (the request is idempotent per job_id); a server that stays down fails the job with
 * ENGINE_UNAVAILABLE. The result arrives later through the signed webhook.
 */
@Injectable()
export class RemoteSpeechAnalysisEngine extends SpeechAnalysisEngine {
  readonly name = 'remote';
  private readonly logger = new Logger(RemoteSpeechAnalysisEngine.name);
  private readonly callbacks: WebhookSigner;

  constructor(
    private readonly storage: ObjectStorage,
    private readonly config: AppConfig,
  ) {
    super();
    this.callbacks = new WebhookSigner(config.analysis.webhookSecret!);
  }

  async analyze(request: AnalysisRequest): Promise<AnalysisOutcome> {
    const { serverUrl, timeoutMs, retries, retryDelayMs } = this.config.analysis;
    // Long enough for the server to fetch them after a queue of its own.
    const expiresInSeconds = Math.max(3600, this.config.storage.signedUrlTtlSeconds);
    const body: RemoteAnalysisRequest = {
      job_id: request.jobId,
      token_id: request.tokenId,
      audio_url: await this.storage.presignGet(request.recordingKey, { expiresInSeconds }),
      reference_audio_url: await this.storage.presignGet(request.referenceKey, { expiresInSeconds }),
      words: request.words.map((word) => ({ script_word_id: word.scriptWordId, text: word.text, start: word.start, end: word.end })),
      // Signed per job: a delivery is only accepted at the URL of the job it was sent for.
      webhook_url: this.callbacks.callbackUrl(`${this.config.publicUrl}/tokens/webhook/analysis-complete`, request.jobId),
    };
    await request.progress(30, 'submitting', 'Sending the recording to the analysis server');

    for (let attempt = 0; ; attempt++) {
      try {
        await axios.post(serverUrl!, body, { timeout: timeoutMs, signal: request.signal, headers: { 'content-type': 'application/json' } });
        await request.progress(50, 'analysing', 'The analysis server is working on it');
        return { status: 'submitted' };
      } catch (error) {
        const status = error instanceof AxiosError ? error.response?.status : undefined;
        if (status !== undefined && status < 500) {
          throw new JobFailure('ENGINE_REJECTED', `The analysis server refused the request (HTTP ${status})`);
        }
        if (request.signal.aborted) throw error;
        const reason = status ? `HTTP ${status}` : (error as Error).message;
        if (attempt >= retries) {
          throw new JobFailure('ENGINE_UNAVAILABLE', `The analysis server could not be reached after ${attempt + 1} tries (${reason})`);
        }
        const delay = retryDelayMs * 2 ** attempt * (0.5 + Math.random() / 2);
        this.logger.warn(`analysis server: ${reason}; retrying in ${Math.round(delay)} ms`);
        await sleep(delay, undefined, { signal: request.signal });
      }
    }
  }
}
