import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../../src/app.module.js';
import { loadAppConfig, type AppConfig } from '../../src/config/app-config.js';
import { configureApp } from '../../src/configure-app.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/** A fetch Response whose JSON the tests read field by field. */
export type TestResponse = Omit<Response, 'json'> & { json(): Promise<any> };

export const http = (url: string | URL, init?: RequestInit) => fetch(url, init) as Promise<TestResponse>;

export const ADMIN_EMAIL = 'admin@yousync.test';

export interface TestApp {
  app: NestExpressApplication;
  baseUrl: string;
  config: AppConfig;
  database: TestDatabase;
  dataDir: string;
  get<T>(token: abstract new (...args: any[]) => T): T;
  fetch(path: string, init?: RequestInit): Promise<TestResponse>;
  close(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The real application (every module, real PostgreSQL, real HTTP on a loopback port) on a database of its own
 * and a data directory of its own. `env` sets variables as a user would.
 */
export async function startTestApp(env: Record<string, string> = {}, database?: TestDatabase): Promise<TestApp> {
  const db = database ?? (await createTestDatabase());
  const dataDir = await mkdtemp(join(tmpdir(), 'yousync-test-data-'));
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const config = loadAppConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '5',
    LOG_LEVEL: 'silent',
    JOBS_POLL_SECONDS: '0.5',
    ADMIN_EMAILS: ADMIN_EMAIL,
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    ...env,
  });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, databaseUrl: db.url }), {
    bodyParser: false,
    logger: false,
    bufferLogs: true,
  });
  configureApp(app, config);
  await app.listen(port, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    baseUrl,
    config,
    database: db,
    dataDir,
    get: (token) => app.get(token),
    fetch: (path, init) => http(`${baseUrl}${path}`, init),
    close: async () => {
      await app.close();
      if (!database) await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const json = (body: unknown, init: RequestInit = {}): RequestInit => ({
  method: 'POST',
  ...init,
  headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
  body: JSON.stringify(body),
});

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; role: 'user' | 'admin' };
  /** Headers that authenticate a request as this user. */
  headers: Record<string, string>;
}

/** Signs in through the development login (on by default outside production). */
export async function signIn(t: TestApp, email: string): Promise<SignedIn> {
  const response = await t.fetch('/auth/dev-login', json({ email }));
  if (response.status !== 200) throw new Error(`dev-login failed: ${response.status} ${await response.text()}`);
  const body = await response.json();
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    user: body.user,
    headers: { authorization: `Bearer ${body.access_token}` },
  };
}

export const signInAdmin = (t: TestApp) => signIn(t, ADMIN_EMAIL);
