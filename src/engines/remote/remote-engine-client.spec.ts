import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../config/app-config.js';
import type { MetricsService } from '../../metrics/metrics.service.js';
import { EngineError } from '../engine-error.js';
import { RemoteEngineClient, type RemoteCall } from './remote-engine-client.js';

/** A real HTTP server on loopback whose answers each test scripts, one per request. */
async function engineServer(answers: Array<(req: IncomingMessage, res: ServerResponse) => void>) {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const answer = answers[Math.min(seen.length - 1, answers.length - 1)]!;
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/run`;
  return { url, seen, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

const ok = (_req: IncomingMessage, res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"hello"}');
const status = (code: number) => (_req: IncomingMessage, res: ServerResponse) => res.writeHead(code).end('no');
const never = () => undefined;

describe(RemoteEngineClient.name, () => {
  let registry: Registry;
  let sut: RemoteEngineClient;
  let servers: Array<{ close(): Promise<void> }>;
  const call = (url: string, overrides: Partial<RemoteCall> = {}): RemoteCall => ({
    engine: 'test-engine',
    url,
    body: { job: 1 },
    idempotent: true,
    timeoutMs: 2000,
    retries: 2,
    retryDelayMs: 10,
    ...overrides,
  });
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('the call succeeded'), (error: unknown) => error);
  const counted = async () =>
    Object.fromEntries(
      (await registry.getSingleMetric('engine_requests_total')!.get()).values.map((value) => [value.labels.outcome, value.value]),
    );

  beforeEach(() => {
    registry = new Registry();
    sut = new RemoteEngineClient({ registry } as MetricsService, { publicUrl: 'https://api.example.com' } as AppConfig);
    servers = [];
  });
  afterEach(() => Promise.all(servers.map((server) => server.close())));
  const serve = async (...answers: Parameters<typeof engineServer>[0]) => {
    const server = await engineServer(answers);
    servers.push(server);
    return server;
  };

  it('retries a 5xx and returns the answer that follows', async () => {
    const engine = await serve(status(503), status(502), ok);
    const response = await sut.request<{ text: string }>(call(engine.url));
    expect(response).toMatchObject({ status: 200, data: { text: 'hello' } });
    expect(engine.seen).toHaveLength(3);
    expect(await counted()).toEqual({ ok: 1 });
  });

  it('does not retry a 4xx: ENGINE_REJECTED after one try', async () => {
    const engine = await serve(status(422), ok);
    const error = await failure(sut.request(call(engine.url)));
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'ENGINE_REJECTED', message: expect.stringContaining('HTTP 422') });
    expect(engine.seen).toHaveLength(1);
    expect(await counted()).toEqual({ rejected: 1 });
  });

  it('fails with ENGINE_TIMEOUT when the engine never answers, after its retries', async () => {
    const engine = await serve(never);
    const error = await failure(sut.request(call(engine.url, { timeoutMs: 150, retries: 1 })));
    expect(error).toMatchObject({ code: 'ENGINE_TIMEOUT', message: expect.stringContaining('2 tries') });
    expect(engine.seen).toHaveLength(2);
    expect(await counted()).toEqual({ timeout: 1 });
  });

  it('sends a call that is not idempotent once, even when it times out or gets a 5xx', async () => {
    const engine = await serve(status(500));
    expect(await failure(sut.request(call(engine.url, { idempotent: false })))).toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
    expect(engine.seen).toHaveLength(1);
  });

  it('fails with ENGINE_UNAVAILABLE when the connection is refused until the retries run out', async () => {
    const engine = await serve(ok);
    await engine.close();
    servers = [];
    const started = Date.now();
    const error = await failure(sut.request(call(engine.url, { retries: 3, retryDelayMs: 20 })));
    expect(error).toMatchObject({ code: 'ENGINE_UNAVAILABLE', message: expect.stringContaining('4 tries') });
    // Backoff doubles with jitter: at least half of 20 + 40 + 80 ms passed between the tries.
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
    expect(await counted()).toEqual({ unavailable: 1 });
  });

  it("aborts a call in flight when the job's signal aborts (cancel), without retrying", async () => {
    const engine = await serve(never);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('job canceled')), 100);
    const error = await failure(sut.request(call(engine.url, { timeoutMs: 10_000, signal: controller.signal })));
    expect(error).toMatchObject({ message: 'job canceled' });
    expect(engine.seen).toHaveLength(1);
    expect(await counted()).toEqual({ aborted: 1 });
  });

  it('aborts the wait between tries too', async () => {
    const engine = await serve(status(503));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('job canceled')), 100);
    const started = Date.now();
    const error = await failure(sut.request(call(engine.url, { retries: 5, retryDelayMs: 5000, signal: controller.signal })));
    expect(error).toMatchObject({ message: 'job canceled' });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
