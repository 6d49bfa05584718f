import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config.js';
import { ObjectStorage } from '../../../storage/object-storage.js';
import { WebhookSigner } from '../../../webhooks/webhook-signer.js';
import { RemoteEngineClient } from '../../remote/remote-engine-client.js';
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

export const ANALYSIS_WEBHOOK_PATH = '/tokens/webhook/analysis-complete';

/**
 * The team's analysis server (GPU), over the seeds' protocol, through the remote engine client (the request is
 * idempotent per job_id, so it is retried). The result arrives later through the signed webhook.
 */
@Injectable()
export class RemoteSpeechAnalysisEngine extends SpeechAnalysisEngine {
  readonly name = 'remote';
  private readonly callbacks: WebhookSigner;

  constructor(
    private readonly storage: ObjectStorage,
    private readonly client: RemoteEngineClient,
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
      webhook_url: this.client.callbackUrl(ANALYSIS_WEBHOOK_PATH, request.jobId, this.callbacks),
    };
    await request.progress(30, 'submitting', 'Sending the recording to the analysis server');
    await this.client.request({
      engine: 'analysis-server',
      url: serverUrl!,
      body,
      idempotent: true,
      timeoutMs,
      retries,
      retryDelayMs,
      signal: request.signal,
    });
    await request.progress(50, 'analysing', 'The analysis server is working on it');
    return { status: 'submitted' };
  }
}
