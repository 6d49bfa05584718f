import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseClient } from './support/sse-client.js';
import { eventually, json, signIn, startTestApp, type SignedIn, type TestApp } from './support/test-app.js';
import { describeAudio } from './support/video-media.js';
import { sineMp3, startMusicServer, type MusicServerDouble } from './support/music-engine-servers.js';
import { isAlive, standIn, type Behaviour } from './support/yue-stand-in.js';


describe('music through the YuE runner, against a stand-in infer.py (YuE needs a GPU and model weights that are not here)', () => {
  let t: TestApp;
  let user: SignedIn;
  let yueDir: string;

  beforeAll(async () => {
    yueDir = await mkdtemp(join(tmpdir(), 'yousync-yue-'));
    await mkdir(join(yueDir, 'inference'));
    t = await startTestApp({ MUSIC_ENGINE: 'yue', YUE_DIR: yueDir, YUE_PYTHON: 'python3' });
    user = await signIn(t, 'yue@yousync.test');
  });
  afterAll(async () => {
    await t?.close();
    await rm(yueDir, { recursive: true, force: true });
  });

  const as = async (behaviour: Behaviour) => {
    await rm(join(yueDir, 'inference', 'pids.json'), { force: true });
    await writeFile(join(yueDir, 'inference', 'infer.py'), standIn(behaviour, ffmpeg.path));
    const response = await t.fetch(
      '/music/generate-music-async/',
      json({ genre_txt: 'inspiring female uplifting pop', lyrics_txt: 'first line\nsecond line\n\nhook line' }, { headers: user.headers }),
    );
    expect(response.status).toBe(200);
    return ((await response.json()) as { job_id: string }).job_id;
  };
  const statusOf = async (jobId: string) => (await t.fetch(`/music/job-status/${jobId}`, { headers: user.headers })).json();

  it('runs infer.py with YuE\'s flags, relays its progress over /music/events and serves its *_mixed.mp3', async () => {
    const stream = await SseClient.open(`${t.baseUrl}/music/events`, user.headers);
    const jobId = await as('song');
    await stream.waitFor((client) => client.json().some((frame) => frame.jobs[jobId]?.status === 'completed'), 60_000);
    await stream.close();
    const progress = stream.json().map((frame) => frame.jobs[jobId]?.progress).filter((value) => value !== undefined);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.some((value) => value > 0 && value < 100)).toBe(true);

    const record = JSON.parse(await readFile(join(yueDir, 'inference', 'record.json'), 'utf8'));
    expect(record.cwd).toBe(join(yueDir, 'inference'));
    expect(record.genre.trim()).toBe('inspiring female uplifting pop');
    expect(record.lyrics).toBe('[verse]\nfirst line\nsecond line\n\n[chorus]\nhook line\n');
    expect(record.argv).toEqual(expect.arrayContaining(['--stage1_model', 'm-a-p/YuE-s1-7B-anneal-en-cot', '--run_n_segments', '2', '--cuda_idx', '0']));

    const download = await t.fetch(`/music/download/${jobId}`, { headers: user.headers });
    expect(download.status).toBe(200);
    const audio = await describeAudio(Buffer.from(await download.arrayBuffer()));
    expect(audio).toMatchObject({ codec: 'mp3', channels: 2 });
    expect(audio.duration).toBeGreaterThan(2.5); // the vocoder mix (3 s), not the 1 s recons one
  });

  it('POST cancel kills infer.py and its children', async () => {
    const jobId = await as('hang');
    const pidsFile = join(yueDir, 'inference', 'pids.json');
    await eventually(async () => (existsSync(pidsFile) ? true : undefined), 30_000, 'infer.py to start');
    const pids = JSON.parse(await readFile(pidsFile, 'utf8')) as { python: number; sleep: number };
    expect(isAlive(pids.python) && isAlive(pids.sleep)).toBe(true);

    const canceled = await t.fetch(`/music/jobs/${jobId}/cancel`, { method: 'POST', headers: user.headers });
    expect(canceled.status).toBe(200);
    expect((await canceled.json()).status).toBe('canceled');
    await eventually(async () => (!isAlive(pids.python) && !isAlive(pids.sleep) ? true : undefined), 20_000, 'the process tree to die');
    expect((await statusOf(jobId)).status).toBe('canceled');
  });

  it("fails the job with infer.py's last error lines when it crashes", async () => {
    const jobId = await as('crash');
    const failed = await eventually(async () => {
      const status = await statusOf(jobId);
      return status.status === 'failed' ? status : undefined;
    }, 30_000, 'the job to fail');
    expect(failed.error_code).toBe('ENGINE_FAILED');
    expect(failed.error).toContain('RuntimeError: CUDA out of memory');
    expect(failed.download_url).toBeNull();
  });
});

describe('music through a remote seed 004 server (a loopback double speaking its API)', () => {
  let server: MusicServerDouble;
  let t: TestApp;
  let user: SignedIn;

  beforeAll(async () => {
    server = await startMusicServer(await sineMp3(2));
    t = await startTestApp({ MUSIC_ENGINE: 'remote', MUSIC_REMOTE_URL: server.url, MUSIC_REMOTE_POLL_SECONDS: '0.1' });
    user = await signIn(t, 'remote-music@yousync.test');
  });
  afterAll(async () => {
    await t?.close();
    await server?.close();
  });

  it("submits the genre and tagged lyrics, follows the server's job and stores its MP3 byte for byte", async () => {
    const response = await t.fetch('/music/generate-music-async/', json({ genre_txt: '잔잔한 피아노', lyrics_txt: 'one\n\ntwo' }, { headers: user.headers }));
    const { job_id } = await response.json();
    await eventually(async () => ((await (await t.fetch(`/music/job-status/${job_id}`, { headers: user.headers })).json()).status === 'completed' ? true : undefined), 30_000, 'completion');
    expect(server.submissions).toEqual([{ genre_txt: '잔잔한 피아노', lyrics_txt: '[verse]\none\n\n[chorus]\ntwo\n' }]);
    const download = await t.fetch(`/music/download/${job_id}`, { headers: user.headers });
    expect(Buffer.from(await download.arrayBuffer()).equals(server.mp3)).toBe(true);
  });

  it("fails the job with the server's error text", async () => {
    server.behaviour.fail = 'CUDA error: out of memory';
    const { job_id } = await (await t.fetch('/music/generate-music-async/', json({ genre_txt: 'rock', lyrics_txt: 'la' }, { headers: user.headers }))).json();
    const failed = await eventually(async () => {
      const status = await (await t.fetch(`/music/job-status/${job_id}`, { headers: user.headers })).json();
      return status.status === 'failed' ? status : undefined;
    }, 30_000, 'failure');
    expect(failed).toMatchObject({ error_code: 'ENGINE_FAILED', error: expect.stringContaining('CUDA error: out of memory') });
  });
});

describe('a YuE generation past MUSIC_DEADLINE_SECONDS (stand-in infer.py)', () => {
  let t: TestApp;
  let yueDir: string;

  beforeAll(async () => {
    yueDir = await mkdtemp(join(tmpdir(), 'yousync-yue-deadline-'));
    await mkdir(join(yueDir, 'inference'));
    await writeFile(join(yueDir, 'inference', 'infer.py'), standIn('hang', ffmpeg.path));
    t = await startTestApp({ MUSIC_ENGINE: 'yue', YUE_DIR: yueDir, MUSIC_DEADLINE_SECONDS: '10' });
  });
  afterAll(async () => {
    await t?.close();
    await rm(yueDir, { recursive: true, force: true });
  });

  it('fails with DEADLINE_EXCEEDED and leaves no process behind', async () => {
    const user = await signIn(t, 'deadline@yousync.test');
    const { job_id } = await (await t.fetch('/music/generate-music-async/', json({ genre_txt: 'pop', lyrics_txt: 'la' }, { headers: user.headers }))).json();
    const pidsFile = join(yueDir, 'inference', 'pids.json');
    await eventually(async () => (existsSync(pidsFile) ? true : undefined), 30_000, 'infer.py to start');
    const pids = JSON.parse(await readFile(pidsFile, 'utf8')) as { python: number; sleep: number };
    const failed = await eventually(async () => {
      const status = await (await t.fetch(`/music/job-status/${job_id}`, { headers: user.headers })).json();
      return status.status === 'failed' ? status : undefined;
    }, 30_000, 'the deadline');
    expect(failed.error_code).toBe('DEADLINE_EXCEEDED');
    await eventually(async () => (!isAlive(pids.python) && !isAlive(pids.sleep) ? true : undefined), 20_000, 'the process tree to die');
  });
});
