import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { spawnService, type ServiceProcess } from './support/service-process.js';
import { eventually, json, signIn, startTestApp, type SignedIn, type TestApp } from './support/test-app.js';

const LYRICS = '[verse]\n여름이 왔네 햇살이 빛나네\n바다로 가자 우리 함께\n\n[chorus]\n파도 소리 들리네\n노을이 지면 노래해요';
// Long enough that a worker is still generating it when it is killed.
const LONG_LYRICS = Array.from({ length: 6 }, (_, i) => `[${i % 2 ? 'chorus' : 'verse'}]\n${LYRICS.split('\n').slice(1, 3).join('\n')}`).join('\n\n');

interface JobRow {
  id: string;
  status: string;
  attempts: number;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

async function musicJobs(url: string): Promise<JobRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<JobRow>(
      `SELECT id, status, attempts, created_at, started_at, completed_at FROM jobs WHERE type = 'music-generation' ORDER BY created_at, id`,
    );
    return rows;
  } finally {
    await client.end();
  }
}

describe('music queue with MUSIC_CONCURRENCY=1 across two web processes and a worker', () => {
  let db: TestDatabase;
  let dataDir: string;
  let webs: TestApp[] = [];
  let workers: ServiceProcess[] = [];
  let user: SignedIn;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    // One DATA_DIR: the same local storage and the same signing secrets, as instances behind a load balancer share.
    // A heartbeat of 5 s (stale after 15 s): on CI's two busy cores the in-process web apps, which share this test's
    // event loop with the synthesizer, missed a 2 s one, and the reaper handed a running job on (seen once).
    dataDir = await mkdtemp(join(tmpdir(), 'yousync-music-cluster-'));
    env = { DATA_DIR: dataDir, MUSIC_CONCURRENCY: '1', JOBS_HEARTBEAT_SECONDS: '5', JOBS_POLL_SECONDS: '0.5' };
    webs = [await startTestApp(env, db), await startTestApp(env, db)];
    user = await signIn(webs[0]!, 'music-queue@yousync.test');
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    for (const web of webs) await web.close();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const startWorker = async () => {
    const worker = spawnService('worker', { NODE_ENV: 'test', ...env, DATABASE_URL: db.url, LOG_LEVEL: 'info' });
    workers.push(worker);
    await eventually(async () => (worker.output().includes('running jobs') ? true : undefined), 30_000, 'worker start');
    return worker;
  };
  const submit = async (web: TestApp, lyrics: string) => {
    const response = await web.fetch('/music/generate-music-async/', json({ genre_txt: 'dance', lyrics_txt: lyrics }, { headers: user.headers }));
    expect(response.status).toBe(200);
    return ((await response.json()) as { job_id: string }).job_id;
  };
  const allFinished = (ids: string[], timeoutMs: number) =>
    eventually(
      async () => {
        const rows = (await musicJobs(db.url)).filter((row) => ids.includes(row.id));
        return rows.length === ids.length && rows.every((row) => ['completed', 'failed', 'canceled'].includes(row.status)) ? rows : undefined;
      },
      timeoutMs,
      'every job to finish',
    );

  it('runs five jobs one at a time, in the order they were queued, whichever process takes them', async () => {
    await startWorker();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await submit(webs[i % 2]!, LYRICS));
    const rows = await allFinished(ids, 120_000);

    expect(rows.map((row) => row.status)).toEqual(Array(5).fill('completed'));
    expect(rows.map((row) => row.id)).toEqual(ids);
    for (let i = 1; i < rows.length; i++) {
      // Never two at once: each starts after the one before it completed, so they also complete in queue order.
      expect(rows[i]!.started_at!.getTime(), `job ${i} started before job ${i - 1} completed`).toBeGreaterThanOrEqual(
        rows[i - 1]!.completed_at!.getTime(),
      );
    }
    const statuses = await Promise.all(ids.map(async (id) => (await webs[1]!.fetch(`/music/job-status/${id}`, { headers: user.headers })).json()));
    expect(statuses.map((status) => status.status)).toEqual(Array(5).fill('completed'));
  });

  it('loses no job when the worker generating it is killed', async () => {
    // Only worker processes run jobs now: the web processes stop theirs by closing, new ones start without.
    for (const web of webs) await web.close();
    webs = [await startTestApp({ ...env, JOBS_WORKER: 'false' }, db)];
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    const doomed = await startWorker();
    const ids = [await submit(webs[0]!, LONG_LYRICS), await submit(webs[0]!, LYRICS)];
    await eventually(async () => ((await musicJobs(db.url)).find((row) => row.id === ids[0])?.status === 'processing' ? true : undefined), 30_000, 'generation to start');
    doomed.child.kill('SIGKILL');
    await doomed.exited;

    // Nobody heartbeats the attempt: the web process's reaper hands it back to the queue; a new worker finishes both.
    await startWorker();
    const rows = await allFinished(ids, 120_000);
    expect(rows.map((row) => row.status)).toEqual(['completed', 'completed']);
    expect(rows[0]!.attempts).toBe(2);
    const download = await webs[0]!.fetch(`/music/download/${ids[0]}`, { headers: user.headers });
    expect(download.status).toBe(200);
    expect(Number(download.headers.get('content-length'))).toBeGreaterThan(10_000);
  });
});
