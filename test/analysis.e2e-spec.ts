import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../src/engines/audio/wav.js';
import { multipart, toneWav } from './support/audio.js';
import { demoTokens, type FixtureToken } from './support/catalog-fixtures.js';
import { SseClient } from './support/sse-client.js';
import { eventually, json, signIn, signInAdmin, startTestApp, type SignedIn, type TestApp } from './support/test-app.js';

const MAX_UPLOAD = 2 * 1024 * 1024;

describe('dubbing analysis with the built-in analyzer', () => {
  let t: TestApp;
  let dubber: SignedIn;
  let other: SignedIn;
  let token: FixtureToken;

  beforeAll(async () => {
    t = await startTestApp({ ANALYSIS_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) });
    dubber = await signIn(t, 'dubber@example.com');
    other = await signIn(t, 'other@example.com');
    [token] = await demoTokens(t);
  });
  afterAll(() => t?.close());

  const upload = (tokenId: number, content: Buffer, who: SignedIn | null = dubber, filename = 'take.wav') =>
    t.fetch(`/tokens/${tokenId}/upload-audio`, { method: 'POST', body: multipart('file', filename, content), headers: who?.headers ?? {} });
  const recordings = () => {
    const dir = join(t.dataDir, 'storage', 'objects', 'recordings');
    return existsSync(dir) ? readdirSync(dir, { recursive: true }).filter((entry) => String(entry).includes('.')) : [];
  };
  const streamToken = async (who: SignedIn) => (await (await t.fetch('/auth/stream-token', { method: 'POST', headers: who.headers })).json()).stream_token;

  it('upload → the SSE stream shows rising progress → completed with the result; polling agrees; my page lists it', async () => {
    const response = await upload(token.id, token.clip);
    expect(response.status).toBe(200);
    const accepted = await response.json();
    expect(accepted).toMatchObject({ status: 'processing', job_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(typeof accepted.message).toBe('string');

    // As a browser would: EventSource with a stream token in the query.
    const stream = await SseClient.open(`${t.baseUrl}/tokens/analysis-progress/${accepted.job_id}?stream_token=${await streamToken(dubber)}`);
    expect(stream.status).toBe(200);
    await stream.finished(30_000);
    const events = stream.json();
    expect(stream.messages.every((message) => message.event === undefined && message.id)).toBe(true);
    const progress = events.map((event) => event.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(new Set(events.map((event) => event.message)).size).toBeGreaterThanOrEqual(3);
    const last = events.at(-1);
    expect(last).toMatchObject({ status: 'completed', progress: 100 });
    expect(last.result.overall).toBeGreaterThanOrEqual(90);
    expect(last.result.words).toHaveLength(token.words.length);
    expect(last.result.words[0]).toMatchObject({ script_word_id: token.words[0]!.id, error_type: 'none' });

    const polled = await (await t.fetch(`/tokens/analysis-result/${accepted.job_id}`, { headers: dubber.headers })).json();
    expect(polled).toMatchObject({ status: 'completed', token_id: String(token.id), progress: 100, result: last.result });

    const dubbed = await (await t.fetch('/mypage/my-dubbed-tokens', { headers: dubber.headers })).json();
    expect(dubbed).toEqual([
      expect.objectContaining({ token: expect.objectContaining({ id: token.id }), attempts: 1, best_overall: last.result.overall }),
    ]);
    const status = await (await t.fetch(`/mypage/tokens/${token.id}/analysis-status`, { headers: dubber.headers })).json();
    expect(status).toMatchObject({ has_analysis: true, in_progress: false, attempts: 1, latest: { job_id: accepted.job_id, overall: last.result.overall } });
  });

  it('draws the pitch contours and word boundaries as SVG', async () => {
    const { job_id } = await (await upload(token.id, token.clip)).json();
    await eventually(async () => ((await (await t.fetch(`/tokens/analysis-result/${job_id}`, { headers: dubber.headers })).json()).status === 'completed' ? true : undefined));
    const response = await t.fetch(`/tokens/analysis-result/${job_id}/plot.svg`, { headers: dubber.headers });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('image/svg+xml');
    const svg = await response.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.match(/<path d="M/g)?.length).toBe(2); // the actor's contour and the user's
    expect(svg).toContain(token.words[0]!.word);
    expect((await t.fetch(`/tokens/analysis-result/${job_id}/plot.svg`, { headers: other.headers })).status).toBe(404);
    // Not an SSE route: a stream token is not accepted in the query string.
    expect((await t.fetch(`/tokens/analysis-result/${job_id}/plot.svg?stream_token=${await streamToken(dubber)}`)).status).toBe(401);
  });

  it('fails a silent recording with NO_SPEECH and a clear message', async () => {
    const silence = encodeWav(new Int16Array(16_000 * 3), 16_000);
    const { job_id } = await (await upload(token.id, silence)).json();
    const stream = await SseClient.open(`${t.baseUrl}/tokens/analysis-progress/${job_id}`, dubber.headers);
    await stream.finished(30_000);
    const last = stream.json().at(-1);
    expect(last).toMatchObject({ status: 'failed', error_code: 'NO_SPEECH' });
    expect(last.message).toMatch(/speech/i);
    const polled = await (await t.fetch(`/tokens/analysis-result/${job_id}`, { headers: dubber.headers })).json();
    expect(polled).toMatchObject({ status: 'failed', error_code: 'NO_SPEECH', result: null });
  });

  describe('refuses bad uploads and keeps nothing', () => {
    it('413 over the size limit', async () => {
      const before = recordings();
      const response = await upload(token.id, Buffer.concat([toneWav(0.5), Buffer.alloc(MAX_UPLOAD)]));
      expect(response.status).toBe(413);
      expect(recordings()).toEqual(before);
    });

    it('415 for a file that is not audio', async () => {
      const before = recordings();
      const response = await upload(token.id, Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), dubber, 'take.mp3');
      expect(response.status).toBe(415);
      expect(recordings()).toEqual(before);
    });

    it('404 for an unknown token, 400 for a malformed one, 401 without signing in', async () => {
      expect((await upload(999999, toneWav(0.5))).status).toBe(404);
      expect((await upload('abc' as unknown as number, toneWav(0.5))).status).toBe(400);
      expect((await upload(token.id, toneWav(0.5), null)).status).toBe(401);
    });

    it('409 for a token that has no clip yet', async () => {
      const admin = await signInAdmin(t);
      const actor = (await (await t.fetch('/actors?limit=1')).json()).items[0];
      const bare = await (await t.fetch('/tokens', json({ title: 'No clip', actor_id: actor.id, start_time: 0, end_time: 2, language: 'ko' }, { headers: admin.headers }))).json();
      expect((await upload(bare.id, toneWav(0.5))).status).toBe(409);
    });
  });

  it("another user's analysis answers 404 everywhere", async () => {
    const { job_id } = await (await upload(token.id, token.clip)).json();
    expect((await t.fetch(`/tokens/analysis-result/${job_id}`, { headers: other.headers })).status).toBe(404);
    expect((await t.fetch(`/tokens/analysis-progress/${job_id}`, { headers: other.headers })).status).toBe(404);
    expect((await t.fetch(`/tokens/analysis-result/${job_id}`)).status).toBe(401);
    expect((await t.fetch('/tokens/analysis-result/not-a-job', { headers: dubber.headers })).status).toBe(404);
    expect(await (await t.fetch('/mypage/my-dubbed-tokens', { headers: other.headers })).json()).toEqual([]);
  });

  it('my page: overview in one response; deleting my results removes rows and recordings so I can dub again', async () => {
    await eventually(async () => {
      const status = await (await t.fetch(`/mypage/tokens/${token.id}/analysis-status`, { headers: dubber.headers })).json();
      return status.in_progress ? undefined : status;
    });
    await t.fetch('/mypage/bookmarks/', json({ token_id: token.id }, { headers: dubber.headers }));
    const overview = await (await t.fetch('/mypage/overview', { headers: dubber.headers })).json();
    expect(overview.bookmarks).toHaveLength(1);
    expect(overview.dubbed_tokens).toHaveLength(1);
    expect(overview.recent_results.length).toBeGreaterThanOrEqual(3);
    expect(overview.averages.count).toBeGreaterThanOrEqual(2);
    expect(overview.averages.overall).toBeGreaterThan(0);

    const mine = recordings().filter((entry) => String(entry).startsWith(dubber.user.id));
    expect(mine.length).toBeGreaterThan(0);
    const deleted = await t.fetch(`/mypage/tokens/${token.id}/my-results`, { method: 'DELETE', headers: dubber.headers });
    expect(deleted.status).toBe(200);
    expect((await deleted.json()).deleted).toBe(overview.recent_results.length);
    expect(recordings().filter((entry) => String(entry).startsWith(dubber.user.id))).toEqual([]);
    const status = await (await t.fetch(`/mypage/tokens/${token.id}/analysis-status`, { headers: dubber.headers })).json();
    expect(status).toMatchObject({ has_analysis: false, attempts: 0, latest: null });
    expect((await upload(token.id, token.clip)).status).toBe(200);
    expect((await t.fetch('/mypage/tokens/999999/my-results', { method: 'DELETE', headers: dubber.headers })).status).toBe(404);
  });
});
