import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectStorage } from '../src/storage/object-storage.js';
import { SseClient } from './support/sse-client.js';
import { eventually, json, signIn, startTestApp, type SignedIn, type TestApp } from './support/test-app.js';
import { describeAudio } from './support/video-media.js';

const GENRE = '신나는 K-POP';
const SHORT_LYRICS = '여름이 왔네 햇살이 빛나네\n바다로 가자 우리 함께';
const LONG_LYRICS = [SHORT_LYRICS, '파도 소리 들리네 모래 위를 걸어요\n노을이 지면 우리 노래해요', SHORT_LYRICS].join('\n\n');
const NOT_FOUND = '해당 작업을 찾을 수 없습니다.';
const BUSY = '현재 다른 음악 생성 요청이 처리 중입니다. 잠시 후 다시 시도해주세요.';

type Frame = { active_job: string | null; jobs: Record<string, { status: string; progress: number }> };

/** The statuses a job went through on a `/music/events` stream, repeats folded. */
const statusesOf = (stream: SseClient, jobId: string) =>
  stream
    .json<Frame>()
    .map((frame) => frame.jobs[jobId]?.status)
    .filter((status): status is string => status !== undefined)
    .filter((status, index, all) => status !== all[index - 1]);

describe('music generation (seed 004) on the built-in engine', () => {
  let t: TestApp;
  let a: SignedIn;
  let b: SignedIn;

  beforeAll(async () => {
    t = await startTestApp();
    a = await signIn(t, 'music-a@yousync.test');
    b = await signIn(t, 'music-b@yousync.test');
  });
  afterAll(async () => {
    await t?.close();
  });

  const generate = async (user: SignedIn, lyrics = SHORT_LYRICS, genre = GENRE) => {
    const response = await t.fetch('/music/generate-music-async/', json({ genre_txt: genre, lyrics_txt: lyrics }, { headers: user.headers }));
    expect(response.status).toBe(200);
    return (await response.json()) as { job_id: string; status: string };
  };
  const completed = (user: SignedIn, jobId: string) =>
    eventually(
      async () => {
        const status = await (await t.fetch(`/music/job-status/${jobId}`, { headers: user.headers })).json();
        if (status.status === 'failed') throw new Error(`generation failed: ${JSON.stringify(status)}`);
        return status.status === 'completed' ? status : undefined;
      },
      60_000,
      `job ${jobId} to complete`,
    );
  const download = async (user: SignedIn, jobId: string) => {
    const response = await t.fetch(`/music/download/${jobId}`, { headers: user.headers });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    return Buffer.from(await response.arrayBuffer());
  };

  let firstJob: string;

  it('async: /music/events shows queued, processing, completed; the download is an MP3 whose length follows the lyrics', async () => {
    const stream = await SseClient.open(`${t.baseUrl}/music/events`, a.headers);
    expect(stream.status).toBe(200);
    await stream.waitFor((client) => client.messages.length >= 1);
    expect(stream.messages[0]).toMatchObject({ event: 'job_update' });
    expect(stream.json<Frame>()[0]).toEqual({ active_job: null, jobs: {} });

    const created = await generate(a);
    expect(created).toEqual({ job_id: expect.any(String), status: 'queued' });
    firstJob = created.job_id;
    await stream.waitFor((client) => client.json<Frame>().some((frame) => frame.jobs[firstJob]?.status === 'completed'), 60_000);
    await stream.close();
    expect(statusesOf(stream, firstJob)).toEqual(['queued', 'processing', 'completed']);
    expect(stream.json<Frame>().some((frame) => frame.active_job === firstJob)).toBe(true);
    expect(stream.messages.every((message) => message.event === 'job_update')).toBe(true);

    const status = await (await t.fetch(`/music/job-status/${firstJob}`, { headers: a.headers })).json();
    expect(status).toMatchObject({
      job_id: firstJob,
      status: 'completed',
      error: null,
      progress: 100,
      queue_position: null,
      download_url: `/music/download/${firstJob}`,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      completed_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(JSON.stringify(status)).not.toMatch(/file_path|\/tmp|storage\//);

    const short = await describeAudio(await download(a, firstJob));
    expect(short).toMatchObject({ codec: 'mp3', sampleRate: 44_100, channels: 2 });
    const longJob = (await generate(a, LONG_LYRICS)).job_id;
    await completed(a, longJob);
    const long = await describeAudio(await download(a, longJob));
    // Three paragraphs of lyrics against one: clearly longer, not a fixed length.
    expect(long.duration).toBeGreaterThan(short.duration * 1.8);
  });

  it('answers a Range request with the part (206) and the whole size', async () => {
    const whole = await download(a, firstJob);
    const part = await t.fetch(`/music/download/${firstJob}`, { headers: { ...a.headers, range: 'bytes=100-1099' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-1099/${whole.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(whole.subarray(100, 1100))).toBe(true);
    const beyond = await t.fetch(`/music/download/${firstJob}`, { headers: { ...a.headers, range: `bytes=${whole.length + 10}-` } });
    expect(beyond.status).toBe(416);
  });

  it('sync: answers with the MP3 and its headers; a second sync request meanwhile gets 429 with Retry-After', async () => {
    const first = t.fetch('/music/generate-music-sync/', json({ genre_txt: '슬픈 발라드', lyrics_txt: LONG_LYRICS }, { headers: a.headers }));
    await eventually(
      async () => ((await (await t.fetch('/music/status', { headers: a.headers })).json()).active_job ? true : undefined),
      20_000,
      'the sync generation to start',
    );

    const second = await t.fetch('/music/generate-music-sync/', json({ genre_txt: GENRE, lyrics_txt: SHORT_LYRICS }, { headers: b.headers }));
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await second.json()).toMatchObject({ detail: BUSY, code: 'MUSIC_ENGINE_BUSY', queue_size: expect.any(Number) });

    const response = await first;
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    const jobId = response.headers.get('x-job-id');
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${jobId}.mp3"`);
    const audio = await describeAudio(Buffer.from(await response.arrayBuffer()));
    expect(audio).toMatchObject({ codec: 'mp3', sampleRate: 44_100, channels: 2 });
    expect(audio.duration).toBeGreaterThan(5);
    // B's refused request stored nothing.
    expect(await (await t.fetch('/music/jobs', { headers: b.headers })).json()).toEqual({});
  });

  it("job-status and download answer with seed 004's 404 and 400 bodies", async () => {
    for (const path of [`/music/job-status/${randomUUID()}`, `/music/download/${randomUUID()}`, '/music/job-status/not-a-job']) {
      const response = await t.fetch(path, { headers: a.headers });
      expect(response.status, path).toBe(404);
      expect((await response.json()).detail).toBe(NOT_FOUND);
    }
    const { job_id } = await generate(a);
    expect((await t.fetch(`/music/jobs/${job_id}/cancel`, { method: 'POST', headers: a.headers })).status).toBe(200);
    const notReady = await t.fetch(`/music/download/${job_id}`, { headers: a.headers });
    expect(notReady.status).toBe(400);
    expect((await notReady.json()).detail).toBe('다운로드할 수 없습니다. 현재 상태: canceled');
    const again = await t.fetch(`/music/jobs/${job_id}/cancel`, { method: 'POST', headers: a.headers });
    expect(again.status).toBe(409);
  });

  it('refuses bad input with 400 naming the field, and stores nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ lyrics_txt: SHORT_LYRICS }, 'genre_txt'],
      [{ genre_txt: GENRE }, 'lyrics_txt'],
      [{ genre_txt: '   ', lyrics_txt: SHORT_LYRICS }, 'genre_txt'],
      [{ genre_txt: 'x'.repeat(201), lyrics_txt: SHORT_LYRICS }, 'genre_txt'],
      [{ genre_txt: GENRE, lyrics_txt: 'x'.repeat(5001) }, 'lyrics_txt'],
      [{ genre_txt: GENRE, lyrics_txt: 42 }, 'lyrics_txt'],
      [{ genre_txt: GENRE, lyrics_txt: SHORT_LYRICS, seed: -1 }, 'seed'],
    ];
    const before = await (await t.fetch('/music/jobs', { headers: b.headers })).json();
    for (const [body, field] of cases) {
      for (const route of ['generate-music-async', 'generate-music-sync']) {
        const response = await t.fetch(`/music/${route}/`, json(body, { headers: b.headers }));
        expect(response.status, `${route} ${JSON.stringify(body).slice(0, 80)}`).toBe(400);
        expect(JSON.stringify((await response.json()).message)).toContain(field);
      }
    }
    expect(await (await t.fetch('/music/jobs', { headers: b.headers })).json()).toEqual(before);
  });

  it("user B never sees user A's jobs in jobs, events, status or downloads", async () => {
    const bStream = await SseClient.open(`${t.baseUrl}/music/events`, b.headers);
    await bStream.waitFor((client) => client.messages.length >= 1);
    const aJob = (await generate(a)).job_id;
    await completed(a, aJob);

    const aJobs = await (await t.fetch('/music/jobs', { headers: a.headers })).json();
    expect(Object.keys(aJobs)).toContain(aJob);
    const bJobs = await (await t.fetch('/music/jobs', { headers: b.headers })).json();
    expect(Object.keys(bJobs)).not.toContain(aJob);
    expect(Object.keys(bJobs)).not.toContain(firstJob);
    expect(await (await t.fetch('/music/status', { headers: b.headers })).json()).toMatchObject({ active_job: null, job_count: 0 });
    expect((await (await t.fetch('/music/status', { headers: a.headers })).json()).job_count).toBeGreaterThanOrEqual(3);
    for (const path of [`/music/job-status/${aJob}`, `/music/download/${aJob}`, `/music/events?job_id=${aJob}`]) {
      const response = await t.fetch(path, { headers: b.headers });
      expect(response.status, path).toBe(404);
    }
    expect((await t.fetch(`/music/jobs/${aJob}/cancel`, { method: 'POST', headers: b.headers })).status).toBe(404);
    expect((await t.fetch(`/music/jobs/${aJob}`, { method: 'DELETE', headers: b.headers })).status).toBe(404);
    await bStream.close();
    // B's stream carried only B's (empty) state, never a frame about A's job.
    expect(bStream.json<Frame>().every((frame) => frame.active_job === null && Object.keys(frame.jobs).length === 0)).toBe(true);
    await download(a, aJob);
  });

  it('DELETE removes the job, its track and its MP3', async () => {
    const { job_id } = await generate(a);
    await completed(a, job_id);
    const storage = t.get(ObjectStorage);
    expect(await storage.head(`music/${job_id}.mp3`)).not.toBeNull();
    expect((await t.fetch(`/music/jobs/${job_id}`, { method: 'DELETE', headers: a.headers })).status).toBe(204);
    expect((await t.fetch(`/music/job-status/${job_id}`, { headers: a.headers })).status).toBe(404);
    expect(await storage.head(`music/${job_id}.mp3`)).toBeNull();
  });

  it('answers anonymous callers 401 while MUSIC_ALLOW_ANONYMOUS is off', async () => {
    const body = { genre_txt: GENRE, lyrics_txt: SHORT_LYRICS };
    for (const [path, init] of [
      ['/music/generate-music-async/', json(body)],
      ['/music/generate-music-sync/', json(body)],
      ['/music/jobs', {}],
      ['/music/status', {}],
      ['/music/events', {}],
      [`/music/job-status/${firstJob}`, {}],
      [`/music/download/${firstJob}`, {}],
      [`/music/jobs/${firstJob}/cancel`, { method: 'POST' }],
      [`/music/jobs/${firstJob}`, { method: 'DELETE' }],
    ] as const) {
      const response = await t.fetch(path, init);
      expect(response.status, path).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    }
  });
});

describe('music generation with MUSIC_ALLOW_ANONYMOUS=true', () => {
  let t: TestApp;
  let scratch: string;

  beforeAll(async () => {
    t = await startTestApp({ MUSIC_ALLOW_ANONYMOUS: 'true', MUSIC_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '4' });
    scratch = await mkdtemp(join(tmpdir(), 'yousync-music-seed-'));
  });
  afterAll(async () => {
    await t?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it("seed 004's Python example flow, its base URL moved to /music, completes against the service", async () => {
    // The seed document's client, as written, but for base_url (and a shorter wait between polls).
    const script = SEED_PYTHON_CLIENT.replace('http://localhost:8080', `${t.baseUrl}/music`).replace('time.sleep(5)', 'time.sleep(1)');
    await writeFile(join(scratch, 'client.py'), script);
    const { stdout } = await promisify(execFile)('python3', ['client.py'], { cwd: scratch, timeout: 90_000 });
    expect(stdout).toContain('현재 상태: completed');
    const [file] = (await readdir(scratch)).filter((name) => name.startsWith('generated_') && name.endsWith('.mp3'));
    expect(file).toBeDefined();
    expect(await describeAudio(await readFile(join(scratch, file!)))).toMatchObject({ codec: 'mp3', channels: 2 });
  });

  it('serves an anonymous job only by its id, and rate-limits anonymous generation per address', async () => {
    const job = await (await t.fetch('/music/generate-music-async/', json({ genre_txt: 'lo-fi', lyrics_txt: 'la la la' }))).json();
    expect((await t.fetch(`/music/job-status/${job.job_id}`)).status).toBe(200);
    expect(await (await t.fetch('/music/jobs')).json()).toEqual({});
    const stream = await SseClient.open(`${t.baseUrl}/music/events?job_id=${job.job_id}`);
    await stream.finished(60_000);
    expect(statusesOf(stream, job.job_id).at(-1)).toBe('completed');
    // Opened after the job finished: its state once, then the end.
    const late = await SseClient.open(`${t.baseUrl}/music/events?job_id=${job.job_id}`);
    await late.finished(5_000);
    expect(late.json<Frame>()).toEqual([{ active_job: null, jobs: { [job.job_id]: expect.objectContaining({ status: 'completed' }) } }]);

    // The Python flow made one, this test one: of four per minute, two are left, then 429.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await t.fetch('/music/generate-music-async/', json({ genre_txt: '', lyrics_txt: '' }))).status);
    expect(statuses).toEqual([400, 400, 429]);
  });
});

const SEED_PYTHON_CLIENT = `import requests
import time
import json

base_url = "http://localhost:8080"

# 비동기 음악 생성 요청
def request_music_generation(genre_txt, lyrics_txt):
    data = {
        "genre_txt": genre_txt,
        "lyrics_txt": lyrics_txt
    }

    response = requests.post(f"{base_url}/generate-music-async/", json=data)

    if response.status_code == 200:
        return response.json()
    else:
        print(f"오류 발생: {response.text}")
        return None

# 작업 상태 확인
def check_job_status(job_id):
    response = requests.get(f"{base_url}/job-status/{job_id}")

    if response.status_code == 200:
        return response.json()
    else:
        print(f"상태 확인 오류: {response.text}")
        return None

# 음악 다운로드
def download_music(job_id, output_path):
    response = requests.get(f"{base_url}/music/download/{job_id}", stream=True)

    if response.status_code == 200:
        with open(output_path, "wb") as f:
            for chunk in response.iter_content(chunk_size=8192):
                f.write(chunk)
        print(f"음악 파일이 {output_path}에 저장되었습니다.")
        return True
    else:
        print(f"다운로드 오류: {response.text}")
        return False

# 사용 예시
def example():
    # 1. 비동기 음악 생성 요청
    result = request_music_generation(
        "신나는 K-POP",
        "여름이 왔네 햇살이 빛나네\\n바다로 가자 우리 함께"
    )

    if not result:
        return

    job_id = result["job_id"]
    print(f"작업 ID: {job_id}")

    # 2. 작업 완료될 때까지 상태 확인
    while True:
        status = check_job_status(job_id)

        if not status:
            break

        print(f"현재 상태: {status['status']}")

        if status["status"] == "completed":
            # 3. 음악 다운로드
            download_music(job_id, f"generated_{job_id}.mp3")
            break
        elif status["status"] == "failed":
            print(f"음악 생성 실패: {status.get('error', '알 수 없는 오류')}")
            break

        # 5초 대기 후 다시 확인
        time.sleep(5)

if __name__ == "__main__":
    example()
`;
