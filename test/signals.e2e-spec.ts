import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnNpmScript, waitForHealth, type ServiceProcess } from './support/service-process.js';
import { eventually, freePort } from './support/test-app.js';

const SHUTDOWN_TIMEOUT_SECONDS = 20;

let dataDir: string;
const postgresDir = () => join(dataDir, 'data', 'postgres');
const postmasterPid = () => Number(readFileSync(join(postgresDir(), 'postmaster.pid'), 'utf8').split('\n')[0]);
/** A process that has exited but is not reaped yet (a zombie) counts as gone. */
const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};
/** The postmaster removes its pid file, then exits: give it a moment. */
const gone = (pid: number) => eventually(async () => (alive(pid) ? undefined : true), 3000, `process ${pid} to exit`).then(() => true);

const running: ServiceProcess[] = [];
afterEach(async () => {
  // npm, the service and a server it may have left: nothing of a failed test outlives it.
  for (const service of running.splice(0)) {
    if (service.child.exitCode === null && service.child.signalCode === null) {
      try {
        process.kill(-service.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await service.exited;
  }
  if (existsSync(join(postgresDir(), 'postmaster.pid'))) {
    const pid = postmasterPid();
    if (alive(pid)) process.kill(pid, 'SIGQUIT');
    await eventually(async () => (alive(pid) ? undefined : true), 10_000, 'the embedded PostgreSQL to stop');
  }
});

/** `npm start` / `npm run worker` in its own process group (as a terminal or a process manager runs it). */
const start = (script: 'start' | 'worker', env: Record<string, string> = {}) => {
  const service = spawnNpmScript(
    script,
    {
      NODE_ENV: 'test',
      DATA_DIR: join(dataDir, 'data'),
      SEED_DEMO: 'false',
      SHUTDOWN_TIMEOUT_SECONDS: String(SHUTDOWN_TIMEOUT_SECONDS),
      ...env,
    },
    { detached: true },
  );
  running.push(service);
  return service;
};

const startWeb = async (env: Record<string, string> = {}) => {
  const port = await freePort();
  const service = start('start', { PORT: String(port), ...env });
  await waitForHealth(service, `http://127.0.0.1:${port}`);
  return { service, port };
};

/** A sign-in whose body arrives in two halves: in flight from the first half until `finish()`. */
function signInInFlight(port: number) {
  const body = Buffer.from(JSON.stringify({ email: 'in.flight@example.com' }));
  const call = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/auth/dev-login',
    headers: { 'content-type': 'application/json', 'content-length': body.length },
  });
  const response = new Promise<{ status: number; body: any }>((resolve, reject) => {
    call.on('error', reject);
    call.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      res.on('error', reject);
    });
  });
  call.write(body.subarray(0, 10));
  return { response, finish: () => call.end(body.subarray(10)) };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'yousync-signals-'));
  await chmod(dataDir, 0o755); // as root, PostgreSQL runs as the user postgres, which must reach it
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('npm start, signalled alone as Docker, systemd or kill <pid> do', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} to npm's pid: a request in flight completes, the process exits 0, the embedded PostgreSQL is stopped`, async () => {
      const { service, port } = await startWeb();
      const postmaster = postmasterPid();
      expect(alive(postmaster)).toBe(true);

      const inFlight = signInInFlight(port);
      await pause(500); // the server has the request's headers
      process.kill(service.pid, signal); // npm alone, not its process group
      await pause(500);
      inFlight.finish();

      const { status, body } = await inFlight.response;
      expect(status).toBe(200);
      expect(body.access_token).toEqual(expect.any(String));
      const code = await Promise.race([service.exited, pause(SHUTDOWN_TIMEOUT_SECONDS * 1000).then(() => 'still running')]);
      expect(code).toBe(0);
      expect(await gone(postmaster)).toBe(true);
      expect(existsSync(join(postgresDir(), 'postmaster.pid'))).toBe(false);
      expect(service.output()).toContain(`${signal} received: shutting down`);
    });
  }

  it('prints one line at info on start: where it listens, the database (no password), storage, engines, docs', async () => {
    const { service, port } = await startWeb({ LOG_LEVEL: 'info' });
    const lines = service
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      database: expect.stringMatching(/^embedded PostgreSQL on 127\.0\.0\.1:\d+ in .*postgres$/),
      storage: expect.stringContaining('local disk'),
      engines: { analysis: 'builtin', textToSpeech: expect.stringContaining('builtin') },
      docs: `http://localhost:${port}/docs`,
    });
    expect(lines[0].msg).toContain(`listening on 0.0.0.0:${port}`);
    const password = readFileSync(join(dataDir, 'data', 'secrets', 'postgres-password'), 'utf8').trim();
    expect(service.output()).not.toContain(password);
    process.kill(service.pid, 'SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('Ctrl-C in a terminal (SIGINT to npm and the service at once) is one request to stop, not two', async () => {
    const { service, port } = await startWeb();
    const inFlight = signInInFlight(port);
    await pause(500);
    process.kill(-service.pid, 'SIGINT'); // the whole process group, as the terminal does
    await pause(500);
    inFlight.finish();
    expect((await inFlight.response).status).toBe(200);
    expect(await service.exited).toBe(0);
    expect(service.output()).not.toContain('stopping now');
  });

  it('a second signal stops at once, without waiting for the request in flight, and stops the embedded PostgreSQL', async () => {
    const { service, port } = await startWeb();
    const postmaster = postmasterPid();
    const inFlight = signInInFlight(port); // never finished: a graceful stop would wait for it
    inFlight.response.catch(() => undefined);
    await pause(500);
    process.kill(service.pid, 'SIGTERM');
    await pause(1500);
    expect(service.child.exitCode).toBeNull(); // still draining
    const second = Date.now();
    process.kill(service.pid, 'SIGTERM');
    const code = await service.exited;
    expect(Date.now() - second).toBeLessThan(5000);
    expect(code).toBe(128 + 15);
    expect(service.output()).toContain('SIGTERM received again: stopping now');
    expect(await gone(postmaster)).toBe(true);
  });
});

describe('npm run worker, signalled alone', () => {
  it('SIGTERM to npm: the worker exits 0 and stops its embedded PostgreSQL', async () => {
    const worker = start('worker', { LOG_LEVEL: 'info' });
    await eventually(async () => (worker.output().includes('running jobs') ? true : undefined), 60_000, 'worker start');
    const postmaster = postmasterPid();
    process.kill(worker.pid, 'SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(await gone(postmaster)).toBe(true);
  });
});
