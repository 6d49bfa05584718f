import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transcript } from '../src/engines/speech-to-text/speech-to-text.engine.js';
import { ObjectStorage } from '../src/storage/object-storage.js';
import { TranscriptEntity } from '../src/video/transcript.entity.js';
import { startS3Server, type S3TestServer } from './support/s3-server.js';
import { startOpenAiSpeechServer, type OpenAiSpeechServerDouble } from './support/speech-to-text-servers.js';
import { eventually, freePort, json, signIn, startTestApp, type SignedIn, type TestApp } from './support/test-app.js';
import { expectValidSubtitles, expectWordsInsideSegments, followProgress, requestProcess, uploadVideo } from './support/video-flow.js';
import { spokenVideo, type SpokenVideo } from './support/video-media.js';

const SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  'Subtitles help people follow a film in a noisy room.',
  'Every word of this video has its own time.',
  'The last sentence ends the test video.',
];
const API_KEY = 'sk-test-0123456789';
// 40 kB pieces are 9 s of 16 kHz mono MP3: the test video (over 9 s) goes in several. The double refuses files over
// 45 kB (OpenAI's 25 MB, scaled down), more than a piece and less than the whole audio, so it must be split.
const PIECE_BYTES = 40_000;
const ENGINE_LIMIT_BYTES = 45_000;

let media: SpokenVideo;
const anonymous: Record<string, string> = {};

async function startVideoApp(engine: OpenAiSpeechServerDouble, env: Record<string, string> = {}) {
  const port = await freePort();
  return startTestApp({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SPEECH_TO_TEXT_ENGINE: 'openai',
    STT_BASE_URL: engine.url,
    STT_API_KEY: API_KEY,
    STT_MODEL: 'whisper-large-v3',
    STT_MAX_CHUNK_BYTES: String(PIECE_BYTES),
    STT_RETRIES: '1',
    STT_RETRY_DELAY_MS: '50',
    VIDEO_MAX_UPLOAD_BYTES: String(1024 * 1024),
    ...env,
  });
}

/** The whole flow for one user: upload, process, progress over SSE, transcript, subtitles. */
async function transcribeAndCheck(t: TestApp, engine: OpenAiSpeechServerDouble, headers: Record<string, string>) {
  engine.expect(media.words, media.language);
  const before = engine.received.length;
  const { fileKey } = await uploadVideo(t, headers, media.mp4);
  const started = await requestProcess(t, headers, fileKey);
  expect(started.status).toBe(200);
  const { message, jobId } = await started.json();
  expect(message).toBe('Video processing started.');

  const frames = await followProgress(t, headers, jobId);
  expect(frames.at(-1)).toMatchObject({ job_id: jobId, status: 'completed', progress: 100 });
  const progress = frames.map((frame) => frame.progress);
  expect(progress).toEqual([...progress].sort((a, b) => a - b));
  expect(progress.some((value) => value > 0 && value < 100)).toBe(true);
  expect(await (await t.fetch(`/api/upload-video/status/${jobId}`, { headers })).json()).toMatchObject({ job_id: jobId, status: 'completed', progress: 100 });

  // What the engine was sent: 16 kHz mono audio, in pieces under its limit, as long as the video's audio.
  const pieces = engine.received.slice(before);
  // 9 s pieces (40 kB of 32 kb/s MP3 with a tenth of headroom)
  expect(pieces.length).toBe(Math.ceil(media.duration / 9));
  expect(pieces.length).toBeGreaterThanOrEqual(2);
  for (const piece of pieces) {
    expect(piece).toMatchObject({ sampleRate: 16_000, channels: 1, codec: 'mp3', contentType: 'audio/mpeg', model: 'whisper-large-v3', responseFormat: 'verbose_json', authorization: `Bearer ${API_KEY}` });
    expect(piece.granularities.sort()).toEqual(['segment', 'word']);
    expect(piece.bytes).toBeLessThanOrEqual(ENGINE_LIMIT_BYTES);
  }
  expect(pieces.reduce((sum, piece) => sum + piece.bytes, 0)).toBeGreaterThan(ENGINE_LIMIT_BYTES);
  expect(pieces.reduce((sum, piece) => sum + piece.duration, 0)).toBeCloseTo(media.duration, 0);

  const response = await t.fetch(`/api/upload-video/result/${jobId}`, { headers });
  expect(response.status).toBe(200);
  const transcript = (await response.json()) as Transcript & { job_id: string };
  expect(transcript).toMatchObject({ job_id: jobId, language: 'en', engine: { name: 'openai', model: 'whisper-large-v3' } });
  expect(transcript.duration).toBeCloseTo(media.duration, 0);
  expectWordsInsideSegments(transcript);
  // Every word once, in order, at the time it is said: the pieces' times were moved back by their offsets.
  const words = transcript.segments.flatMap((segment) => segment.words);
  expect(words.map((word) => word.word)).toEqual(media.words.map((word) => word.word));
  const off = words.filter((word, index) => Math.abs(word.start - media.words[index]!.start) > 0.35);
  // A word cut in two by a piece boundary is heard in one piece only, its time cut at the boundary.
  expect(off.length, JSON.stringify(off)).toBeLessThanOrEqual(pieces.length - 1);
  expect(transcript.text).toBe(SENTENCES.join(' '));
  await expectValidSubtitles(t, headers, jobId, transcript);
  return { jobId, fileKey, transcript };
}

beforeAll(async () => {
  media = await spokenVideo(SENTENCES);
}, 60_000);

describe('video transcripts with an OpenAI-compatible engine, on local storage', () => {
  let engine: OpenAiSpeechServerDouble;
  let t: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;

  beforeAll(async () => {
    engine = await startOpenAiSpeechServer({ maxFileBytes: ENGINE_LIMIT_BYTES, apiKey: API_KEY });
    t = await startVideoApp(engine, { VIDEO_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '40' });
    alice = await signIn(t, 'alice.video@example.com');
    bob = await signIn(t, 'bob.video@example.com');
  });
  afterAll(async () => {
    await t?.close();
    await engine?.close();
  });

  const stored = (key: string) => t.get(ObjectStorage).head(key);
  const transcriptRows = () => t.get(DataSource).getRepository(TranscriptEntity).count();

  it('upload → request-process → progress → a transcript with word timings inside its segments, SRT and VTT', async () => {
    const { jobId, fileKey } = await transcribeAndCheck(t, engine, alice.headers);
    expect(fileKey).toMatch(new RegExp(`^videos/${alice.user.id}/\\d{8}_\\d{6}_[0-9a-f]{8}_talk\\.mp4$`));
    const row = await t.get(DataSource).getRepository(TranscriptEntity).findOneByOrFail({ jobId });
    expect(row).toMatchObject({ ownerId: alice.user.id, sourceKey: fileKey, language: 'en' });
  });

  it('GET / and /health say which speech-to-text engine is configured; the routes are documented (and so attacked by the hostile-input test)', async () => {
    expect((await (await t.fetch('/')).json()).engines.speechToText).toBe(`openai at ${engine.url} (model whisper-large-v3)`);
    expect((await (await t.fetch('/health')).json()).details.engines).toMatchObject({ status: 'up', speechToText: expect.stringContaining('openai') });
    const document = await (await t.fetch('/docs-json')).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['generate-url', 'request-process', 'status/{jobId}', 'progress/{jobId}', 'result/{jobId}', 'result/{jobId}.srt', 'result/{jobId}.vtt', 'result'].map((path) => `/api/upload-video/${path}`)),
    );
  });

  it("another user's jobs and keys are 404; an anonymous caller cannot reach a signed-in user's", async () => {
    const { fileKey } = await uploadVideo(t, alice.headers, media.mp4);
    const started = await (await requestProcess(t, alice.headers, fileKey)).json();
    for (const headers of [bob.headers, anonymous]) {
      expect((await requestProcess(t, headers, fileKey)).status).toBe(404);
      for (const path of [`status/${started.jobId}`, `result/${started.jobId}`, `result/${started.jobId}.srt`, `result/${started.jobId}.vtt`, `progress/${started.jobId}`]) {
        const response = await t.fetch(`/api/upload-video/${path}`, { headers });
        expect(response.status, path).toBe(404);
        expect((await response.json()).code).toBe('VIDEO_JOB_NOT_FOUND');
      }
      expect((await t.fetch(`/api/upload-video/result/${started.jobId}`, { method: 'DELETE', headers })).status).toBe(404);
    }
    expect(await stored(fileKey)).not.toBeNull();
    await followProgress(t, alice.headers, started.jobId);
  });

  it('anonymous callers upload under videos/anonymous/ and follow their job by its id; a signed-in key is not theirs', async () => {
    engine.expect(media.words, media.language);
    const { fileKey } = await uploadVideo(t, anonymous, media.mp4, 'anon.mp4');
    expect(fileKey).toMatch(/^videos\/anonymous\/\d{8}_\d{6}_[0-9a-f]{8}_anon\.mp4$/);
    // A signed-in user cannot process an anonymous key either: keys belong to one kind of caller.
    expect((await requestProcess(t, alice.headers, fileKey)).status).toBe(404);
    const { jobId } = await (await requestProcess(t, anonymous, fileKey)).json();
    const frames = await followProgress(t, anonymous, jobId);
    expect(frames.at(-1)).toMatchObject({ status: 'completed' });
    const transcript = await (await t.fetch(`/api/upload-video/result/${jobId}`)).json();
    expect(transcript.text).toBe(SENTENCES.join(' '));
  });

  it('refuses types other than video and audio with 415, and keeps file names inside the caller prefix', async () => {
    for (const filetype of ['text/html', 'application/x-sh', 'image/png', 'video/mp4\r\nx-evil: 1']) {
      const response = await t.fetch('/api/upload-video/generate-url', json({ filename: 'a.mp4', filetype }, { headers: alice.headers }));
      expect(response.status, filetype).toBe(415);
      expect((await response.json()).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    const prefix = `videos/${alice.user.id}/`;
    for (const filename of ['../../etc/passwd', '..', '../anonymous/x.mp4', 'a/../../b.mp4', '..\\..\\win.mp4', '\u0007bell.mp4', 'x'.repeat(1000)]) {
      const { fileKey } = await uploadVideo(t, alice.headers, Buffer.from('not really a video'), filename);
      expect(fileKey.startsWith(prefix), fileKey).toBe(true);
      expect(fileKey.slice(prefix.length)).not.toContain('/');
      expect(fileKey.split('/')).not.toContain('..');
    }
    // Keys that climb out of the caller's prefix are not the caller's.
    const { fileKey } = await uploadVideo(t, bob.headers, media.mp4);
    for (const key of [`videos/${alice.user.id}/../${bob.user.id}/${fileKey.split('/').pop()}`, `${prefix}20250101_000000_abcdef12_../../${fileKey}`, fileKey.replace(bob.user.id, `${alice.user.id}/..`)]) {
      expect((await requestProcess(t, alice.headers, key)).status, key).toBe(404);
    }
  });

  it('a PUT over VIDEO_MAX_UPLOAD_BYTES to a local presigned URL gets 413 and nothing is kept', async () => {
    const { url, fileKey } = await (await t.fetch('/api/upload-video/generate-url', json({ filename: 'big.mp4', filetype: 'video/mp4' }, { headers: alice.headers }))).json();
    // Refused as soon as the Content-Length shows it, or as the bytes arrive: a client still sending may see the
    // connection close instead of reading the 413.
    const outcome = (response: Promise<Response>) => response.then((answer) => answer.status, () => 'connection closed');
    const announced = await outcome(fetch(url, { method: 'PUT', headers: { 'content-type': 'video/mp4' }, body: randomBytes(1024 * 1024 + 1) }));
    expect([413, 'connection closed']).toContain(announced);
    const chunks = [randomBytes(700 * 1024), randomBytes(700 * 1024)];
    const streamed = await outcome(
      fetch(url, {
        method: 'PUT',
        headers: { 'content-type': 'video/mp4' },
        body: new ReadableStream({ pull: (controller) => (chunks.length ? controller.enqueue(chunks.shift()!) : controller.close()) }),
        duplex: 'half',
      } as RequestInit),
    );
    expect([413, 'connection closed']).toContain(streamed);
    // Just over the limit in one small write: the 413 is read.
    const small = await (await t.fetch('/api/upload-video/generate-url', json({ filename: 'big.mp4', filetype: 'video/mp4' }, { headers: alice.headers }))).json();
    expect(small.url).toContain('maxBytes=1048576');
    const tampered = await fetch(small.url.replace('maxBytes=1048576', 'maxBytes=99999999'), { method: 'PUT', headers: { 'content-type': 'video/mp4' }, body: Buffer.from('x') });
    expect(tampered.status).toBe(403);
    expect(await stored(fileKey)).toBeNull();
    expect((await requestProcess(t, alice.headers, fileKey)).status).toBe(404);
  });

  it('an engine that stays down fails the job with ENGINE_UNAVAILABLE after retries; nonsense fails it with ENGINE_BAD_RESULT', async () => {
    const rows = await transcriptRows();
    for (const [mode, code] of [['down', 'ENGINE_UNAVAILABLE'], ['reset', 'ENGINE_UNAVAILABLE'], ['nonsense', 'ENGINE_BAD_RESULT']] as const) {
      engine.mode = mode;
      const { fileKey } = await uploadVideo(t, alice.headers, media.mp4);
      const { jobId } = await (await requestProcess(t, alice.headers, fileKey)).json();
      const last = (await followProgress(t, alice.headers, jobId)).at(-1)!;
      expect(last, mode).toMatchObject({ status: 'failed', error: { code } });
      if (code === 'ENGINE_UNAVAILABLE') expect(last.error!.message).toMatch(/after 2 tries/);
      expect(await (await t.fetch(`/api/upload-video/status/${jobId}`, { headers: alice.headers })).json()).toMatchObject({ status: 'failed', error: { code } });
      const result = await t.fetch(`/api/upload-video/result/${jobId}`, { headers: alice.headers });
      expect(result.status).toBe(404);
      expect((await result.json()).code).toBe('TRANSCRIPT_NOT_READY');
    }
    engine.mode = 'ok';
    expect(await transcriptRows()).toBe(rows);
  });

  it('a file without audio, or a playlist pointing elsewhere, fails with AUDIO_UNREADABLE and reaches nothing', async () => {
    const before = engine.received.length;
    let fetched = 0;
    const elsewhere = createServer((_req, res) => (fetched++, res.writeHead(200, { 'content-type': 'video/mp4' }).end(media.mp4)));
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const segment = `http://127.0.0.1:${(elsewhere.address() as { port: number }).port}/segment.mp4`;
    const playlist = Buffer.from(`#EXTM3U\n#EXT-X-TARGETDURATION:30\n#EXTINF:30,\n${segment}\n#EXTINF:10,\nfile:///etc/hostname\n#EXT-X-ENDLIST\n`);
    for (const bytes of [randomBytes(4096), playlist]) {
      const { fileKey } = await uploadVideo(t, alice.headers, bytes);
      const { jobId } = await (await requestProcess(t, alice.headers, fileKey)).json();
      const last = (await followProgress(t, alice.headers, jobId)).at(-1)!;
      expect(last).toMatchObject({ status: 'failed', error: { code: 'AUDIO_UNREADABLE' } });
      expect(last.error!.message).not.toMatch(/signature=|\/storage\//);
    }
    elsewhere.close();
    expect(fetched).toBe(0);
    expect(engine.received.length).toBe(before);
  });

  it('DELETE result removes the transcript, the job and the stored video', async () => {
    const { jobId, fileKey } = await transcribeAndCheck(t, engine, bob.headers);
    expect(await stored(fileKey)).not.toBeNull();
    const response = await t.fetch(`/api/upload-video/result/${jobId}`, { method: 'DELETE', headers: bob.headers });
    expect(response.status).toBe(204);
    expect(await stored(fileKey)).toBeNull();
    expect(await t.get(DataSource).getRepository(TranscriptEntity).countBy({ jobId })).toBe(0);
    expect((await t.fetch(`/api/upload-video/status/${jobId}`, { headers: bob.headers })).status).toBe(404);
  });

  it('rate-limits anonymous callers per address (429 with Retry-After), never signed-in ones', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 45 && !limited; i++) {
      const response = await t.fetch('/api/upload-video/generate-url', json({ filename: 'a.mp4', filetype: 'video/mp4' }));
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(limited, statuses.join(',')).toBeDefined();
    expect(limited!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await t.fetch('/api/upload-video/generate-url', json({ filename: 'a.mp4', filetype: 'video/mp4' }, { headers: alice.headers }))).status).toBe(200);
  });
});

describe('video transcripts with an OpenAI-compatible engine, on S3 (presigned PUT to s3rver)', () => {
  let engine: OpenAiSpeechServerDouble;
  let s3: S3TestServer;
  let t: TestApp;

  beforeAll(async () => {
    engine = await startOpenAiSpeechServer({ maxFileBytes: ENGINE_LIMIT_BYTES, apiKey: API_KEY });
    s3 = await startS3Server();
    t = await startVideoApp(engine, s3.env);
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
    await engine?.close();
  });

  it('a video over VIDEO_MAX_UPLOAD_BYTES (S3 cannot bound a presigned PUT) gets 413 at request-process and is deleted; nothing is queued', async () => {
    const alice = await signIn(t, 'big.s3@example.com');
    const jobsBefore = await t.get(DataSource).query(`SELECT count(*)::int AS n FROM jobs`);
    const { fileKey } = await uploadVideo(t, alice.headers, randomBytes(1024 * 1024 + 1));
    expect(await t.get(ObjectStorage).head(fileKey)).not.toBeNull();
    const response = await requestProcess(t, alice.headers, fileKey);
    expect(response.status).toBe(413);
    expect((await response.json()).code).toBe('UPLOAD_TOO_LARGE');
    expect(await t.get(ObjectStorage).head(fileKey)).toBeNull();
    expect(await t.get(DataSource).query(`SELECT count(*)::int AS n FROM jobs`)).toEqual(jobsBefore);
    expect((await requestProcess(t, alice.headers, fileKey)).status).toBe(404);
  });

  it('upload → request-process → progress → a transcript with word timings inside its segments, SRT and VTT', async () => {
    const alice = await signIn(t, 'alice.s3@example.com');
    const { fileKey } = await transcribeAndCheck(t, engine, alice.headers);
    expect(await t.get(ObjectStorage).head(fileKey)).toMatchObject({ size: media.mp4.length, contentType: 'video/mp4' });
  });
});

describe('video transcripts with no engine configured (the embedded default)', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('request-process answers 503 ENGINE_NOT_CONFIGURED naming the variables; nothing is queued, the video is kept', async () => {
    t = await startTestApp();
    const alice = await signIn(t, 'alice.none@example.com');
    const { fileKey } = await uploadVideo(t, alice.headers, Buffer.from('a video'));
    const response = await requestProcess(t, alice.headers, fileKey);
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.code).toBe('ENGINE_NOT_CONFIGURED');
    expect(body.message).toMatch(/SPEECH_TO_TEXT_ENGINE.*STT_BASE_URL.*ML_SERVER_URL/);
    expect(await t.get(DataSource).query(`SELECT count(*)::int AS n FROM jobs WHERE type = 'video-transcript'`)).toEqual([{ n: 0 }]);
    expect(await t.get(ObjectStorage).head(fileKey)).not.toBeNull();
    expect((await (await t.fetch('/')).json()).engines.speechToText).toBe('none');
    expect((await (await t.fetch('/health')).json()).details.engines.speechToText).toBe('none');
  });
});
