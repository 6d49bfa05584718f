import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TranscriptEntity } from '../src/video/transcript.entity.js';
import { signedDelivery, WEBHOOK_SECRET } from './support/analysis-server.js';
import { SseClient } from './support/sse-client.js';
import { startMlServer, type MlServerDouble } from './support/speech-to-text-servers.js';
import { eventually, freePort, http, signIn, startTestApp, type SignedIn, type TestApp } from './support/test-app.js';
import { expectValidSubtitles, expectWordsInsideSegments, followProgress, requestProcess, uploadVideo } from './support/video-flow.js';
import { spokenVideo, type SpokenVideo } from './support/video-media.js';

const SENTENCES = ['Good morning, this is the news.', 'The weather stays fine all week.'];

/** What python whisper's transcribe(word_timestamps=True) returns for the test video: per-segment words. */
function whisperResult(media: SpokenVideo) {
  const segments = media.sentences.map((_sentence, index) => {
    const words = media.words.filter((word) => word.sentence === index);
    return {
      id: index, seek: 0, start: words[0]!.start, end: words.at(-1)!.end, text: ` ${words.map((word) => word.word).join(' ')}`,
      tokens: [50364], temperature: 0, avg_logprob: -0.21, compression_ratio: 1.2, no_speech_prob: 0.02,
      words: words.map((word) => ({ word: ` ${word.word}`, start: word.start, end: word.end, probability: 0.93 })),
    };
  });
  return { text: segments.map((segment) => segment.text).join(''), segments, language: 'en' };
}

describe("video transcripts by the team's ML server (seed 003 protocol, signed callbacks)", () => {
  let ml: MlServerDouble;
  let t: TestApp;
  let media: SpokenVideo;
  let user: SignedIn;

  beforeAll(async () => {
    media = await spokenVideo(SENTENCES);
    ml = await startMlServer();
    const port = await freePort();
    t = await startTestApp({
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SPEECH_TO_TEXT_ENGINE: 'ml-server',
      ML_SERVER_URL: ml.url,
      ML_SERVER_POLL_SECONDS: '0.1',
      VIDEO_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STT_RETRIES: '1',
      STT_RETRY_DELAY_MS: '50',
    });
    user = await signIn(t, 'ml.video@example.com');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await ml?.close();
  });

  const callback = (delivery: { body: string; headers: Record<string, string> }) =>
    http(`${t.baseUrl}/api/upload-video/result`, { method: 'POST', body: delivery.body, headers: delivery.headers });
  const status = async (jobId: string) => (await t.fetch(`/api/upload-video/status/${jobId}`, { headers: user.headers })).json();

  /** Uploads, requests processing and waits until the ML server has the job. */
  async function submitted() {
    const { fileKey } = await uploadVideo(t, user.headers, media.mp4);
    const { jobId } = await (await requestProcess(t, user.headers, fileKey)).json();
    const request = await eventually(async () => ml.requests.find((candidate) => candidate.job_id === jobId), 20_000, 'process-video');
    // Relaying the server's progress: from here only the server's status or the callback change the job.
    await eventually(async () => ((await status(jobId)).message === 'The ML server reports 0 %' ? true : undefined), 20_000, 'relayed progress');
    return { jobId: jobId as string, fileKey, request };
  }

  it('process-video with a presigned URL of the video, its progress relayed, the signed result completes the job', async () => {
    const { jobId, request } = await submitted();
    const video = Buffer.from(await (await http(request.video_url)).arrayBuffer());
    expect(video.equals(media.mp4)).toBe(true);

    const stream = await SseClient.open(`${t.baseUrl}/api/upload-video/progress/${jobId}`, user.headers);
    ml.status.set(jobId, { status: 'processing', progress: 40 });
    await stream.waitFor((client) => client.json().some((frame) => frame.progress === 44));
    expect(await status(jobId)).toMatchObject({ job_id: jobId, status: 'processing', progress: 44 });

    const result = whisperResult(media);
    const response = await callback(signedDelivery({ job_id: jobId, result }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'received' });
    ml.status.set(jobId, { status: 'completed' });
    await stream.finished();
    const progress = stream.json().map((frame) => frame.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(stream.json().at(-1)).toMatchObject({ status: 'completed', progress: 100 });

    const transcript = await (await t.fetch(`/api/upload-video/result/${jobId}`, { headers: user.headers })).json();
    expect(transcript).toMatchObject({ job_id: jobId, language: 'en', text: SENTENCES.join(' '), engine: { name: 'ml-server', model: 'whisper' } });
    expectWordsInsideSegments(transcript);
    expect(transcript.segments.flatMap((segment: { words: Array<{ word: string }> }) => segment.words.map((word) => word.word))).toEqual(media.words.map((word) => word.word));
    await expectValidSubtitles(t, user.headers, jobId, transcript);
  });

  it('forged, unsigned, stale and tampered callbacks get 401 and change nothing', async () => {
    const { jobId } = await submitted();
    const body = { job_id: jobId, result: whisperResult(media) };
    const forged = signedDelivery(body, { secret: `whsec_${Buffer.from('not-the-secret-at-all-123').toString('base64')}` });
    const unsigned = { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
    const stale = signedDelivery(body, { timestamp: new Date(Date.now() - 6 * 60_000) });
    const tampered = signedDelivery(body);
    tampered.body = tampered.body.replace('Good morning', 'Bad morning');
    const before = await status(jobId);
    for (const [name, delivery] of Object.entries({ forged, unsigned, stale, tampered })) {
      const response = await callback(delivery);
      expect(response.status, name).toBe(401);
      expect((await response.json()).code).toBe('WEBHOOK_SIGNATURE_INVALID');
    }
    expect(await status(jobId)).toEqual(before);
    expect(before.status).toBe('processing');
    // Signed, but about a job that is not a transcript job, or not a job id at all.
    expect((await callback(signedDelivery({ job_id: '00000000-0000-4000-8000-000000000000', result: body.result }))).status).toBe(404);
    expect((await callback(signedDelivery({ job_id: '123456', result: body.result }))).status).toBe(400);
    expect((await callback(signedDelivery({ job_id: jobId, result: 'done' }))).status).toBe(400);
    expect(await status(jobId)).toEqual(before);
    ml.status.set(jobId, { status: 'failed' });
  });

  it('a duplicate delivery answers 200 and changes nothing; a completed job never moves back', async () => {
    const { jobId } = await submitted();
    const delivery = signedDelivery({ job_id: jobId, result: whisperResult(media) });
    expect(await (await callback(delivery)).json()).toEqual({ status: 'received' });
    const completed = await status(jobId);
    // The server still says processing, but the job is done: the service stops asking.
    const polls = ml.statusPolls;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(ml.statusPolls - polls).toBeLessThanOrEqual(1);
    const duplicate = await callback(delivery);
    expect(duplicate.status).toBe(200);
    expect(await duplicate.json()).toEqual({ status: 'ignored' });
    const another = await callback(signedDelivery({ job_id: jobId, result: { text: 'other', segments: [], language: 'en' } }));
    expect(await another.json()).toEqual({ status: 'ignored' });
    const failure = await callback(signedDelivery({ job_id: jobId, error: { code: 'GPU_OOM', message: 'out of memory' } }));
    expect(await failure.json()).toEqual({ status: 'ignored' });
    expect(await status(jobId)).toEqual(completed);
    expect(completed.status).toBe('completed');
    expect(await t.get(DataSource).getRepository(TranscriptEntity).countBy({ jobId })).toBe(1);
  });

  it('a malformed result fails the job with ENGINE_BAD_RESULT and stores no transcript; a reported failure fails it', async () => {
    const bad = await submitted();
    const malformed = { text: 'x', language: 'en', segments: [{ start: 5, end: 1, text: 'backwards' }] };
    expect(await (await callback(signedDelivery({ job_id: bad.jobId, result: malformed }))).json()).toEqual({ status: 'received' });
    expect(await status(bad.jobId)).toMatchObject({ status: 'failed', error: { code: 'ENGINE_BAD_RESULT' } });
    expect(await t.get(DataSource).getRepository(TranscriptEntity).countBy({ jobId: bad.jobId })).toBe(0);

    const failing = await submitted();
    await callback(signedDelivery({ job_id: failing.jobId, error: { code: 'GPU_OOM', message: 'out of memory' } }));
    expect(await status(failing.jobId)).toMatchObject({ status: 'failed', error: { code: 'GPU_OOM', message: 'out of memory' } });
  });

  it('an ML server that stays down fails the job with ENGINE_UNAVAILABLE after retries', async () => {
    ml.mode = 'down';
    const { fileKey } = await uploadVideo(t, user.headers, media.mp4);
    const { jobId } = await (await requestProcess(t, user.headers, fileKey)).json();
    const last = (await followProgress(t, user.headers, jobId)).at(-1)!;
    expect(last).toMatchObject({ status: 'failed', error: { code: 'ENGINE_UNAVAILABLE' } });
    expect(last.error!.message).toMatch(/ml-server could not be reached after 2 tries/);
    ml.mode = 'accept';
  });
});
