import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { eventually, signIn, startTestApp, type SignedIn, type TestApp } from './support/test-app.js';

describe('a database outage', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  let user: SignedIn;
  const someJob = '6f1c1a52-3c1e-4a55-9a55-0d7e1d2f9b10';

  beforeAll(async () => {
    database = await createTestDatabase();
    const direct = new URL(database.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    t = await startTestApp({ JOBS_WORKER: 'false' }, { ...database, url: proxied.toString() });
    user = await signIn(t, 'outage@example.com');
  });
  afterAll(async () => {
    await proxy?.restore().catch(() => undefined);
    await t?.close();
    await proxy?.close();
    await database?.drop();
  });

  it('answers 503 DATABASE_UNAVAILABLE during an owned-job lookup, not 404, and 404 again once it is back', async () => {
    expect((await t.fetch(`/tokens/analysis-result/${someJob}`, { headers: user.headers })).status).toBe(404);
    await proxy.cut();
    for (const path of [`/tokens/analysis-result/${someJob}`, `/jobs/${someJob}`]) {
      const response = await t.fetch(path, { headers: user.headers });
      expect(response.status, path).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    }
    await proxy.restore();
    await eventually(async () =>
      (await t.fetch(`/tokens/analysis-result/${someJob}`, { headers: user.headers })).status === 404 ? true : undefined,
    );
  });
});
