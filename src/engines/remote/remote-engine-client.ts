import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import axios, { AxiosError, type AxiosResponse, type ResponseType } from 'axios';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, Histogram } from 'prom-client';
import { AppConfig } from '../../config/app-config.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import type { WebhookSigner } from '../../webhooks/webhook-signer.js';
import { EngineError } from '../engine-error.js';

export interface RemoteCall {
  /** The engine's name in errors, logs and metrics: `analysis-server`, `whisper`, ... */
  engine: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Only an idempotent call is sent again after a timeout, a 5xx, a 408/429 or a broken connection. */
  idempotent: boolean;
  timeoutMs: number;
  /** Further tries after the first. */
  retries: number;
  /** First backoff; doubled on each retry, with jitter. */
  retryDelayMs: number;
  /** The job's signal: aborting it (cancel, deadline) aborts the call and any wait between tries. */
  signal?: AbortSignal;
  responseType?: ResponseType;
}

export interface RemoteResponse<T> {
  status: number;
  data: T;
  headers: Record<string, string>;
}

type Outcome = 'ok' | 'rejected' | 'unavailable' | 'timeout' | 'aborted';

const RETRYABLE_STATUS = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * The one HTTP client of every remote engine: a timeout on every try, retries with jittered exponential
 * backoff for idempotent calls, abort on the job's signal, failures as engine-owned codes, and per-engine
 * metrics (`engine_requests_total{engine,outcome}`, `engine_request_duration_seconds{engine}`).
 */
@Injectable()
export class RemoteEngineClient {
  private readonly logger = new Logger(RemoteEngineClient.name);
  private readonly requests: Counter<'engine' | 'outcome'>;
  private readonly durations: Histogram<'engine'>;

  constructor(
    metrics: MetricsService,
    private readonly config: AppConfig,
  ) {
    this.requests =
      (metrics.registry.getSingleMetric('engine_requests_total') as Counter<'engine' | 'outcome'> | undefined) ??
      new Counter({
        name: 'engine_requests_total',
        help: 'Calls to remote engines, by engine and outcome (ok, rejected, unavailable, timeout, aborted)',
        labelNames: ['engine', 'outcome'],
        registers: [metrics.registry],
      });
    this.durations =
      (metrics.registry.getSingleMetric('engine_request_duration_seconds') as Histogram<'engine'> | undefined) ??
      new Histogram({
        name: 'engine_request_duration_seconds',
        help: 'Duration of calls to remote engines, retries included, by engine',
        labelNames: ['engine'],
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
        registers: [metrics.registry],
      });
  }

  /** The URL an engine calls back for a job: PUBLIC_URL + path, with the job id and its signature. */
  callbackUrl(path: string, jobId: string, signer: WebhookSigner): string {
    return signer.callbackUrl(`${this.config.publicUrl}${path}`, jobId);
  }

  async request<T = unknown>(call: RemoteCall): Promise<RemoteResponse<T>> {
    const stop = this.durations.startTimer({ engine: call.engine });
    let outcome: Outcome = 'unavailable';
    try {
      const response = await this.tryUntilDone<T>(call);
      outcome = 'ok';
      return {
        status: response.status,
        data: response.data,
        headers: Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, String(value)])),
      };
    } catch (error) {
      outcome = call.signal?.aborted ? 'aborted' : error instanceof EngineError ? outcomeOf(error.code) : 'unavailable';
      throw error;
    } finally {
      stop();
      this.requests.inc({ engine: call.engine, outcome });
    }
  }

  private async tryUntilDone<T>(call: RemoteCall): Promise<AxiosResponse<T>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await axios.request<T>({
          method: call.method ?? 'POST',
          url: call.url,
          data: call.body,
          headers: call.headers,
          timeout: call.timeoutMs,
          signal: call.signal,
          responseType: call.responseType ?? 'json',
          validateStatus: (status) => status >= 200 && status < 300,
        });
      } catch (error) {
        if (call.signal?.aborted) throw call.signal.reason ?? error;
        const { failure, transient } = this.describe(call, error as Error, attempt);
        // A refused connection never reached the engine, so even a call that is not idempotent may be sent again.
        const retry = transient && (call.idempotent || isRefused(error)) && attempt < call.retries;
        // The retries are spent here: the job is not retried for the same reason.
        if (!retry) throw failure;
        const delay = call.retryDelayMs * 2 ** attempt * (0.5 + Math.random() / 2);
        this.logger.warn(`${call.engine}: ${failure.message}; retrying in ${Math.round(delay)} ms`);
        await sleep(delay, undefined, { signal: call.signal }).catch((aborted: unknown) => {
          throw call.signal?.reason ?? aborted;
        });
      }
    }
  }

  private describe(call: RemoteCall, error: Error, attempt: number): { failure: EngineError; transient: boolean } {
    const tries = `after ${attempt + 1} ${attempt === 0 ? 'try' : 'tries'}`;
    const status = error instanceof AxiosError ? error.response?.status : undefined;
    if (status !== undefined && !RETRYABLE_STATUS(status)) {
      return { failure: new EngineError('ENGINE_REJECTED', `${call.engine} refused the request (HTTP ${status})`), transient: false };
    }
    if (error instanceof AxiosError && (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT')) {
      const message = `${call.engine} did not answer within ${call.timeoutMs} ms (${tries})`;
      return { failure: new EngineError('ENGINE_TIMEOUT', message, false, HttpStatus.GATEWAY_TIMEOUT), transient: true };
    }
    const reason = status !== undefined ? `HTTP ${status}` : error.message || (error as AxiosError).code || 'connection failed';
    const message = `${call.engine} could not be reached ${tries} (${reason})`;
    return { failure: new EngineError('ENGINE_UNAVAILABLE', message, false, HttpStatus.SERVICE_UNAVAILABLE), transient: true };
  }
}

const isRefused = (error: unknown) => error instanceof AxiosError && error.code === 'ECONNREFUSED';

const outcomeOf = (code: string): Outcome =>
  code === 'ENGINE_REJECTED' ? 'rejected' : code === 'ENGINE_TIMEOUT' ? 'timeout' : 'unavailable';
