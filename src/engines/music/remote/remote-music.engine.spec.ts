import { createServer } from 'node:net';
import type { Readable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sineMp3, startMusicServer, type MusicServerDouble } from '../../../../test/support/music-engine-servers.js';
import type { AppConfig } from '../../../config/app-config.js';
import type { MetricsService } from '../../../metrics/metrics.service.js';
import { EngineError } from '../../engine-error.js';
import { RemoteEngineClient } from '../../remote/remote-engine-client.js';
import type { MusicRequest } from '../music.engine.js';
import { RemoteMusicEngine } from './remote-music.engine.js';

const POLL_MS = 20;

const bytesOf = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe(RemoteMusicEngine.name, () => {
  let mp3: Buffer;
  let server: MusicServerDouble;
  let sut: RemoteMusicEngine;
  let controller: AbortController;
  let progress: Array<{ percent: number; stage: string; message?: string }>;

  const engineAt = (url: string) => {
    const config = { publicUrl: 'https://api.example.com', music: { remote: { url, pollMs: POLL_MS, timeoutMs: 2000 } } } as unknown as AppConfig;
    const client = new RemoteEngineClient({ registry: new Registry() } as MetricsService, config);
    return new RemoteMusicEngine(client, config);
  };
  const request = (overrides: Partial<MusicRequest> = {}): MusicRequest => ({
    jobId: 'job-1',
    genre: '신나는 K-POP',
    lyrics: '여름이 왔네 햇살이 빛나네\n바다로 가자 우리 함께',
    seed: 7,
    signal: controller.signal,
    progress: async (percent, stage, message) => void progress.push({ percent, stage, message }),
    ...overrides,
  });
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('the generation succeeded'), (error: unknown) => error);

  beforeAll(async () => {
    mp3 = await sineMp3(2);
  });
  beforeEach(async () => {
    server = await startMusicServer(mp3);
    sut = engineAt(server.url);
    controller = new AbortController();
    progress = [];
  });
  afterEach(() => server.close());

  it("submits, follows the job's status and streams the server's MP3, byte for byte", async () => {
    const track = await sut.generate(request());

    expect(await bytesOf(track.audio)).toEqual(mp3);
    expect(server.submissions).toEqual([{ genre_txt: '신나는 K-POP', lyrics_txt: '[verse]\n여름이 왔네 햇살이 빛나네\n바다로 가자 우리 함께\n' }]);
    expect(track.engine).toEqual({ name: 'remote', version: 'seed-004' });
    // No duration in the seed's answers: estimated from the size at 128 kbps.
    expect(track.durationSeconds).toBeCloseTo((mp3.length * 8) / 128_000, 5);
    expect(progress.map((report) => report.stage)).toEqual(['submitting', 'queued', 'processing', 'processing']);
    const percents = progress.map((report) => report.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
  });

  it("passes the server's numeric progress and duration through when it gives them", async () => {
    server.behaviour.progress = true;
    server.behaviour.duration = 2.04;
    const track = await sut.generate(request());
    await bytesOf(track.audio);

    expect(track.durationSeconds).toBe(2.04);
    expect(progress.filter((report) => report.stage === 'processing').map((report) => Math.round(report.percent))).toEqual([38, 67]);
  });

  it("fails with ENGINE_FAILED and the server's error text when the job fails there", async () => {
    server.behaviour.fail = 'CUDA out of memory. Tried to allocate 2.00 GiB';
    const error = await failure(sut.generate(request()));

    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'ENGINE_FAILED', message: expect.stringContaining('CUDA out of memory. Tried to allocate 2.00 GiB') });
    expect(server.downloads).toBe(0);
  });

  it('retries a status poll answered with a 5xx', async () => {
    server.behaviour.statusErrors = 2;
    const track = await sut.generate(request());

    expect(await bytesOf(track.audio)).toEqual(mp3);
    expect(server.statusPolls).toBe(2 + 4);
  });

  it('does not send a submission again after a 5xx (it may have started a job)', async () => {
    server.behaviour.submitErrors = 1;
    const error = await failure(sut.generate(request()));

    expect(error).toMatchObject({ code: 'ENGINE_UNAVAILABLE', message: expect.stringContaining('HTTP 503') });
    expect(server.statusPolls).toBe(0);
  });

  it('fails with ENGINE_UNAVAILABLE when nothing listens at MUSIC_REMOTE_URL', async () => {
    const error = await failure(engineAt(`http://127.0.0.1:${await closedPort()}`).generate(request()));

    expect(error).toMatchObject({ code: 'ENGINE_UNAVAILABLE', message: expect.stringContaining('4 tries') });
  });

  it('stops polling when the job is aborted and rejects with the reason', async () => {
    server.behaviour.processingPolls = 1000;
    const generation = failure(sut.generate(request()));
    while (server.statusPolls < 3) await new Promise((resolve) => setTimeout(resolve, 5));

    const reason = new Error('cancelled by the user');
    controller.abort(reason);
    expect(await generation).toBe(reason);
    const polls = server.statusPolls;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 5));
    expect(server.statusPolls).toBe(polls);
  });

  it.each([
    ['a submission without job_id', 'submit'],
    ['a status that is not one of the seed', 'status'],
    ['a download that is not audio', 'download'],
  ] as const)('fails with ENGINE_BAD_RESULT on %s', async (_what, malformed) => {
    server.behaviour.malformed = malformed;
    const error = await failure(sut.generate(request()));

    expect(error).toMatchObject({ code: 'ENGINE_BAD_RESULT' });
  });
});
