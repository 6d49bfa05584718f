import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, signInAdmin, startTestApp, type TestApp } from './support/test-app.js';

describe('platform', () => {
  let t: TestApp;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ DIAGNOSTIC_JOBS: 'true' });
    admin = (await signInAdmin(t)).headers;
  });
  afterAll(() => t?.close());

  it('GET / names the service', async () => {
    const response = await t.fetch('/');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ service: 'yousync-backend', status: 'ok' });
  });

  it('GET /health reports database, storage and queue up', async () => {
    const response = await t.fetch('/health');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.status).toBe('ok');
    expect(body.details).toMatchObject({
      database: { status: 'up' },
      storage: { status: 'up', driver: 'local' },
      queue: { status: 'up' },
    });
  });

  it('serves Swagger UI at /docs and the OpenAPI document at /docs-json', async () => {
    const ui = await t.fetch('/docs');
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    const document = await (await t.fetch('/docs-json')).json();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/', '/health', '/jobs/{id}', '/jobs/{id}/events']));
    expect(document.components.securitySchemes).toHaveProperty('bearer');
  });

  it('asks browsers to upgrade to https only when PUBLIC_URL is https (so /docs works over http from any host)', async () => {
    const plain = (await t.fetch('/docs')).headers;
    expect(plain.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(plain.get('strict-transport-security')).toBeNull();

    const behindHttps = await startTestApp({ PUBLIC_URL: 'https://api.yousync.test' });
    try {
      const headers = (await behindHttps.fetch('/docs')).headers;
      expect(headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
      expect(headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    } finally {
      await behindHttps.close();
    }
  });

  it('exposes Prometheus metrics for HTTP requests and jobs', async () => {
    await t.fetch('/');
    await t.fetch('/jobs/diagnostic', json({ steps: 1, step_ms: 0 }, { headers: admin }));
    const text = await (await t.fetch('/metrics')).text();
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/",status_code="200"\} \d+/);
    expect(text).toContain('http_request_duration_seconds_bucket');
    expect(text).toMatch(/jobs\{type="diagnostic",status="(queued|processing|completed)"\} 1/);
  });

  it('echoes a sane X-Request-Id and puts the request id in error bodies', async () => {
    const response = await t.fetch('/jobs/not-a-uuid', { headers: { 'x-request-id': 'abc-123', ...admin } });
    expect(response.headers.get('x-request-id')).toBe('abc-123');
    const body = await response.json();
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', requestId: 'abc-123' });
    const generated = await t.fetch('/jobs/not-a-uuid', { headers: { 'x-request-id': 'bad id with spaces', ...admin } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe('bad input gets 400 in the error body, never 500', () => {
    it('malformed JSON', async () => {
      const response = await t.fetch('/jobs/diagnostic', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...admin },
        body: '{"steps": 2,',
      });
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(body.message).toMatch(/Malformed JSON/);
      expect(body.requestId).toBeTruthy();
    });

    it('unknown fields', async () => {
      const response = await t.fetch('/jobs/diagnostic', json({ steps: 2, admin: true }, { headers: admin }));
      expect(response.status).toBe(400);
      expect((await response.json()).message).toContain('property admin should not exist');
    });

    it('wrong types', async () => {
      const response = await t.fetch('/jobs/diagnostic', json({ steps: 'many' }, { headers: admin }));
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.message).toEqual(expect.arrayContaining([expect.stringContaining('steps must be an integer')]));
      expect(body.detail).toContain('steps');
    });

    it('a JSON body that is not an object', async () => {
      const response = await t.fetch('/jobs/diagnostic', json([1, 2], { headers: admin }));
      expect(response.status).toBe(400);
    });

    it('a body over the size limit', async () => {
      const response = await t.fetch('/jobs/diagnostic', json({ steps: 1, padding: 'x'.repeat(2 * 1024 * 1024) }, { headers: admin }));
      expect(response.status).toBe(413);
      expect((await response.json()).statusCode).toBe(413);
    });

    it('a malformed id', async () => {
      const response = await t.fetch('/jobs/123', { headers: admin });
      expect(response.status).toBe(400);
    });

    it('an unknown route', async () => {
      const response = await t.fetch('/no/such/route');
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });
  });

  it('sends security headers and CORS for configured origins only', async () => {
    const allowed = await t.fetch('/', { headers: { origin: 'http://localhost:3000' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(allowed.headers.get('x-content-type-options')).toBe('nosniff');
    const other = await t.fetch('/', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
