import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../src/events/event-bus.js';
import { SseService } from '../src/events/sse.service.js';
import { JobsService } from '../src/jobs/jobs.service.js';
import { SseClient } from './support/sse-client.js';
import { eventually, json, signIn, signInAdmin, startTestApp, type TestApp } from './support/test-app.js';

describe('jobs: durable work with live progress', () => {
  let t: TestApp;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ DIAGNOSTIC_JOBS: 'true', SSE_HEARTBEAT_SECONDS: '0.2', JOBS_HEARTBEAT_SECONDS: '0.5' });
    admin = (await signInAdmin(t)).headers;
  });
  afterAll(() => t?.close());

  const queue = async (body: Record<string, unknown>) => {
    const response = await t.fetch('/jobs/diagnostic', json(body, { headers: admin }));
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; status: string };
  };
  const poll = async (id: string) => (await t.fetch(`/jobs/${id}`, { headers: admin })).json();

  it('runs a job: the SSE stream shows rising progress, then the result; polling agrees', async () => {
    const job = await queue({ steps: 4, step_ms: 150 });
    expect(job.status).toBe('queued');
    const stream = await SseClient.open(`${t.baseUrl}/jobs/${job.id}/events`, admin);
    expect(stream.status).toBe(200);
    expect(stream.headers?.get('content-type')).toContain('text/event-stream');
    await stream.finished();

    const snapshots = stream.json();
    expect(stream.messages.every((message) => message.event === 'job' && /^\d+$/.test(message.id ?? ''))).toBe(true);
    const progress = snapshots.map((snapshot) => snapshot.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(new Set(progress).size).toBeGreaterThanOrEqual(4);
    const last = snapshots.at(-1);
    expect(last).toMatchObject({ status: 'completed', progress: 100, attempts: 1, result: { steps: 4, attempt: 1 } });
    expect(await poll(job.id)).toMatchObject({ status: 'completed', progress: 100, result: last.result });
  });

  it('retries a retryable failure with backoff and completes on a later attempt', async () => {
    const job = await queue({ steps: 2, step_ms: 50, fail_attempts: 1 });
    const done = await eventually(async () => {
      const state = await poll(job.id);
      return state.status === 'completed' ? state : undefined;
    });
    expect(done).toMatchObject({ attempts: 2, result: { attempt: 2 } });
    const messages = (await t.get(JobsService).eventsAfter(job.id)).map((event) => event.snapshot.message);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/Attempt 1 failed .*attempt 1 fails on purpose.*retrying/)]));
  });

  it('cancels a running job, which then stays canceled', async () => {
    const job = await queue({ steps: 50, step_ms: 100 });
    await eventually(async () => ((await poll(job.id)).progress > 0 ? true : undefined));
    const canceled = await t.fetch(`/jobs/${job.id}/cancel`, { method: 'POST', headers: admin });
    expect(canceled.status).toBe(200);
    expect((await canceled.json()).status).toBe('canceled');
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(await poll(job.id)).toMatchObject({ status: 'canceled' });
    expect((await t.fetch(`/jobs/${job.id}/cancel`, { method: 'POST', headers: admin })).status).toBe(409);
  });

  it('answers 404 for an unknown job and 400 for a malformed id', async () => {
    const unknown = '/jobs/00000000-0000-4000-8000-000000000000';
    expect((await t.fetch(unknown, { headers: admin })).status).toBe(404);
    expect((await t.fetch(`${unknown}/events`, { headers: admin })).status).toBe(404);
    expect((await t.fetch('/jobs/nope/events', { headers: admin })).status).toBe(400);
  });

  it("hides a job from other users (404) and needs a signed-in caller (401)", async () => {
    const job = await queue({ steps: 1, step_ms: 0 });
    const other = await signIn(t, 'someone-else@yousync.test');
    expect((await t.fetch(`/jobs/${job.id}`, { headers: other.headers })).status).toBe(404);
    expect((await t.fetch(`/jobs/${job.id}/cancel`, { method: 'POST', headers: other.headers })).status).toBe(404);
    expect((await t.fetch(`/jobs/${job.id}`)).status).toBe(401);
    expect((await t.fetch('/jobs/diagnostic', json({ steps: 1 }, { headers: other.headers }))).status).toBe(403);
  });

  describe('SSE', () => {
    it('accepts a stream token in the query (EventSource cannot send headers), and nothing else there', async () => {
      const job = await queue({ steps: 2, step_ms: 50 });
      const { stream_token } = await (await t.fetch('/auth/stream-token', { method: 'POST', headers: admin })).json();
      const stream = await SseClient.open(`${t.baseUrl}/jobs/${job.id}/events?stream_token=${stream_token}`);
      expect(stream.status).toBe(200);
      await stream.finished();
      expect(stream.json().at(-1).status).toBe('completed');
      // A stream token is not an access token, and an access token is not accepted in a query string.
      expect((await t.fetch(`/jobs/${job.id}`, { headers: { authorization: `Bearer ${stream_token}` } })).status).toBe(401);
      const access = admin.authorization!.slice('Bearer '.length);
      expect((await t.fetch(`/jobs/${job.id}/events?stream_token=${access}`)).status).toBe(401);
      expect((await t.fetch(`/jobs/${job.id}/events`)).status).toBe(401);
    });

    it('sends heartbeat comments while nothing happens', async () => {
      const job = await queue({ steps: 1, step_ms: 3000 });
      const stream = await SseClient.open(`${t.baseUrl}/jobs/${job.id}/events`, admin);
      await stream.waitFor((client) => client.comments >= 3, 5000);
      await stream.close();
    });

    it('a client that disconnects leaves no subscription behind', async () => {
      const bus = t.get(EventBus);
      const sse = t.get(SseService);
      const job = await queue({ steps: 20, step_ms: 100 });
      const topic = `job:${job.id}`;
      await eventually(async () => ((await poll(job.id)).status === 'processing' ? true : undefined));
      const before = bus.subscriptionCount(topic);
      const streamsBefore = sse.openStreams;

      const clients = await Promise.all([1, 2, 3].map(() => SseClient.open(`${t.baseUrl}/jobs/${job.id}/events`, admin)));
      await Promise.all(clients.map((client) => client.waitFor((c) => c.messages.length > 0)));
      expect(bus.subscriptionCount(topic)).toBe(before + 3);
      expect(sse.openStreams).toBe(streamsBefore + 3);

      await Promise.all(clients.map((client) => client.close()));
      await eventually(async () => (bus.subscriptionCount(topic) === before ? true : undefined), 5000, 'unsubscribe');
      expect(sse.openStreams).toBe(streamsBefore);
      await t.fetch(`/jobs/${job.id}/cancel`, { method: 'POST', headers: admin });
    });

    it('resumes after Last-Event-ID without loss or duplicates', async () => {
      const job = await queue({ steps: 12, step_ms: 120 });
      const first = await SseClient.open(`${t.baseUrl}/jobs/${job.id}/events`, admin);
      await first.waitFor((client) => client.messages.length >= 3);
      await first.close();
      const lastId = first.messages.at(-1)!.id!;
      await new Promise((resolve) => setTimeout(resolve, 400)); // events happen while the client is away

      const second = await SseClient.open(`${t.baseUrl}/jobs/${job.id}/events`, { ...admin, 'last-event-id': lastId });
      await second.finished();

      const received = [...first.messages, ...second.messages].map((message) => message.id);
      const stored = (await t.get(JobsService).eventsAfter(job.id))
        .map((event) => event.id)
        .filter((id) => BigInt(id) >= BigInt(first.messages[0]!.id!));
      expect(received).toEqual(stored);
      expect(new Set(received).size).toBe(received.length);
      expect(second.json().at(-1).status).toBe('completed');
    });

    it('ends at once, with the final state, for a job that already finished', async () => {
      const job = await queue({ steps: 1, step_ms: 0 });
      await eventually(async () => ((await poll(job.id)).status === 'completed' ? true : undefined));
      const stream = await SseClient.open(`${t.baseUrl}/jobs/${job.id}/events`, admin);
      await stream.finished(3000);
      expect(stream.json()).toEqual([expect.objectContaining({ status: 'completed', progress: 100 })]);
    });
  });
});
