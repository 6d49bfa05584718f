import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnService, waitForHealth, type ServiceProcess } from './support/service-process.js';
import { SseClient } from './support/sse-client.js';
import { ADMIN_EMAIL, eventually, freePort, http, json, signInAdmin, startTestApp, type TestApp } from './support/test-app.js';

const running: ServiceProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop('SIGKILL')));
});

const start = (entry: 'main' | 'worker', env: Record<string, string>) => {
  // debug: the tests read the start-up progress (database initialised, started, migrations applied).
  const service = spawnService(entry, { NODE_ENV: 'test', LOG_LEVEL: 'debug', ...env });
  running.push(service);
  return service;
};

describe('the web process on its embedded defaults', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'yousync-fresh-'));
    await chmod(dataDir, 0o755); // as root, PostgreSQL runs as the user postgres, which must reach it
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('starts with no database configured, is healthy, warms the analyzer once it listens, stops cleanly, and a second start reuses the data', async () => {
    const port = await freePort();
    // A DATA_DIR that does not exist yet, as on a fresh clone; the analyzer's warm-up on, as by default.
    const env = { PORT: String(port), DATA_DIR: join(dataDir, 'data'), DIAGNOSTIC_JOBS: 'true', ADMIN_EMAILS: ADMIN_EMAIL, ANALYSIS_WARM_UP: 'true' };
    const baseUrl = `http://127.0.0.1:${port}`;

    const first = start('main', env);
    const health = await waitForHealth(first, baseUrl);
    expect(health.details).toMatchObject({ database: { status: 'up' }, storage: { status: 'up' }, queue: { status: 'up' } });
    const login = await (await http(`${baseUrl}/auth/dev-login`, json({ email: ADMIN_EMAIL }))).json();
    const headers = { authorization: `Bearer ${login.access_token}` };
    const job = await (await http(`${baseUrl}/jobs/diagnostic`, json({ steps: 1, step_ms: 0 }, { headers }))).json();
    const read = async () => (await http(`${baseUrl}/jobs/${job.id}`, { headers })).json();
    await eventually(async () => ((await read()).status === 'completed' ? true : undefined));
    const catalog = await (await http(`${baseUrl}/tokens?tag=synthetic`)).json();
    expect(catalog.total).toBeGreaterThanOrEqual(10); // the demo catalog came with the fresh data directory
    await eventually(async () => (first.output().includes('Analysis warmed up') ? true : undefined), 30_000, 'warm-up');
    expect(first.output().indexOf('Analysis warmed up'), 'after the server listens').toBeGreaterThan(first.output().indexOf('YouSync listening'));
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.output()).toContain('embedded PostgreSQL started');
    expect(existsSync(join(dataDir, 'data', 'postgres', 'postmaster.pid'))).toBe(false); // the server was stopped too

    const second = start('main', env);
    await waitForHealth(second, baseUrl);
    expect(second.output()).not.toContain('initialised');
    expect(second.output()).not.toContain('applied migrations');
    const again = await read(); // the same session: the signing secret was kept in DATA_DIR too
    expect(again).toMatchObject({ id: job.id, status: 'completed' });
    expect(await second.stop('SIGTERM')).toBe(0);
  });

  it('starts with an empty catalog when SEED_DEMO=false', async () => {
    const port = await freePort();
    const service = start('main', { PORT: String(port), DATA_DIR: join(dataDir, 'empty'), SEED_DEMO: 'false' });
    await waitForHealth(service, `http://127.0.0.1:${port}`);
    expect((await (await http(`http://127.0.0.1:${port}/tokens`)).json()).total).toBe(0);
    expect(await service.stop('SIGTERM')).toBe(0);
  });

  it('refuses to start in production with the development login on, saying why', async () => {
    const service = start('main', {
      NODE_ENV: 'production',
      AUTH_DEV_LOGIN: 'true',
      JWT_SECRET: 'j'.repeat(40),
      STORAGE_SIGNING_SECRET: 's'.repeat(40),
      DATA_DIR: dataDir,
    });
    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(/AUTH_DEV_LOGIN: must not be true when NODE_ENV=production/);
  });

  it('refuses to start on a bad variable and names it', async () => {
    const service = start('main', { PORT: 'abc', DATA_DIR: dataDir });
    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(/PORT.*(integer|number).*"abc"/);
  });
});

describe('web process and worker processes on one database', () => {
  let web: TestApp;
  let admin: Record<string, string>;
  let workerEnv: Record<string, string>;
  let dataDir: string;

  beforeAll(async () => {
    // The web process runs no jobs itself; it only reaps the attempts of dead workers.
    web = await startTestApp({ DIAGNOSTIC_JOBS: 'true', JOBS_WORKER: 'false', JOBS_HEARTBEAT_SECONDS: '0.3' });
    admin = (await signInAdmin(web)).headers;
    dataDir = await mkdtemp(join(tmpdir(), 'yousync-worker-'));
    workerEnv = {
      DATABASE_URL: web.database.url,
      DATA_DIR: dataDir,
      JOBS_HEARTBEAT_SECONDS: '0.3',
      JOBS_POLL_SECONDS: '0.5',
    };
  });
  afterAll(async () => {
    await web?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const readyWorker = async () => {
    const worker = start('worker', workerEnv);
    await eventually(async () => (worker.output().includes('running jobs') ? true : undefined), 30_000, 'worker start');
    return worker;
  };
  const queue = async (body: Record<string, unknown>) =>
    (await (await web.fetch('/jobs/diagnostic', json(body, { headers: admin }))).json()) as { id: string };
  const poll = async (id: string) => (await web.fetch(`/jobs/${id}`, { headers: admin })).json();

  it('a job queued through the web process runs in the worker; its progress streams from the web process', async () => {
    const worker = await readyWorker();
    const job = await queue({ steps: 5, step_ms: 150 });
    const stream = await SseClient.open(`${web.baseUrl}/jobs/${job.id}/events`, admin);
    await stream.finished();

    const snapshots = stream.json();
    const progress = snapshots.map((snapshot) => snapshot.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.filter((value) => value > 0 && value < 100).length).toBeGreaterThanOrEqual(3);
    expect(snapshots.at(-1)).toMatchObject({ status: 'completed', result: { pid: worker.pid } });
  });

  it('a job whose worker is killed mid-run is retried after restart and completes; none stays processing', async () => {
    const doomed = await readyWorker();
    const job = await queue({ steps: 25, step_ms: 200 });
    await eventually(async () => ((await poll(job.id)).progress >= 20 ? true : undefined), 30_000, 'progress');
    doomed.child.kill('SIGKILL');
    await doomed.exited;

    // Nobody heartbeats the attempt any more: the web process's reaper hands it back to the queue.
    await eventually(async () => ((await poll(job.id)).status === 'queued' ? true : undefined), 15_000, 'requeue');
    const survivor = await readyWorker();
    const done = await eventually(
      async () => {
        const state = await poll(job.id);
        return ['completed', 'failed'].includes(state.status) ? state : undefined;
      },
      30_000,
      'completion',
    );
    expect(done).toMatchObject({ status: 'completed', attempts: 2, result: { attempt: 2, pid: survivor.pid } });
  });
});
