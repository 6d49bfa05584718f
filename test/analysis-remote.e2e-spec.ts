import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisResultEntity } from '../src/analysis/analysis-result.entity.js';
import { WebhookSigner } from '../src/webhooks/webhook-signer.js';
import { startAnalysisServer, signedDelivery, WEBHOOK_SECRET, type AnalysisServerDouble } from './support/analysis-server.js';
import { multipart } from './support/audio.js';
import { demoTokens, type FixtureToken } from './support/catalog-fixtures.js';
import { SseClient } from './support/sse-client.js';
import { eventually, freePort, http, signIn, startTestApp, type SignedIn, type TestApp } from './support/test-app.js';

const RESULT = {
  overall: 81,
  timing: 77,
  pronunciation: 88,
  intonation: 70,
  fluency: 90,
  completeness: 100,
  words: [],
  engine: { name: 'gpu-analyzer', version: '2.1' },
};

describe('dubbing analysis on the remote analysis server (seeds protocol, signed webhooks)', () => {
  let analysisServer: AnalysisServerDouble;
  let t: TestApp;
  let dubber: SignedIn;
  let token: FixtureToken;

  beforeAll(async () => {
    analysisServer = await startAnalysisServer();
    const port = await freePort();
    t = await startTestApp({
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ANALYSIS_ENGINE: 'remote',
      ANALYSIS_SERVER_URL: analysisServer.url,
      ANALYSIS_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ANALYSIS_REMOTE_RETRIES: '2',
      ANALYSIS_REMOTE_RETRY_DELAY_MS: '50',
    });
    dubber = await signIn(t, 'remote.dubber@example.com');
    [token] = await demoTokens(t);
  });
  afterAll(async () => {
    await t?.close();
    await analysisServer?.close();
  });

  const job = async (id: string) => (await t.fetch(`/tokens/analysis-result/${id}`, { headers: dubber.headers })).json();
  /** The URL the analysis server is given for a job: the job id and this service's signature of it. */
  const webhookUrl = (jobId: string) => new WebhookSigner(WEBHOOK_SECRET).callbackUrl(`${t.baseUrl}/tokens/webhook/analysis-complete`, jobId);
  const post = (url: string, delivery: { body: string; headers: Record<string, string> }) =>
    http(url, { method: 'POST', body: delivery.body, headers: delivery.headers });
  const deliver = (jobId: string, delivery: { body: string; headers: Record<string, string> }) => post(webhookUrl(jobId), delivery);

  /** Uploads and waits until the analysis server has the request. */
  async function submitted() {
    const before = analysisServer.requests.length;
    const { job_id } = await (await t.fetch(`/tokens/${token.id}/upload-audio`, { method: 'POST', body: multipart('file', 'take.wav', token.clip), headers: dubber.headers })).json();
    await eventually(async () => (analysisServer.requests.length > before ? true : undefined));
    // Handed over and waiting: nothing but the webhook changes the job from here (no race with the runner).
    await eventually(async () => ((await job(job_id)).message === 'Waiting for the engine to report back' ? true : undefined));
    return { jobId: job_id as string, request: analysisServer.requests.at(-1)! };
  }

  it('sends the seeds request with presigned URLs the server can fetch; a signed webhook completes the job', async () => {
    const { jobId, request } = await submitted();
    expect(request).toMatchObject({ job_id: jobId, token_id: token.id, webhook_url: webhookUrl(jobId) });
    expect(request.webhook_url).toMatch(new RegExp(`/tokens/webhook/analysis-complete\\?job_id=${jobId}&signature=[\\w-]{43}$`));
    expect(request.words.map((word) => word.script_word_id)).toEqual(token.words.map((word) => word.id));
    const recording = Buffer.from(await (await http(request.audio_url)).arrayBuffer());
    expect(recording.equals(token.clip)).toBe(true);
    expect((await http(request.reference_audio_url)).status).toBe(200);

    const stream = await SseClient.open(`${t.baseUrl}/tokens/analysis-progress/${jobId}`, dubber.headers);
    const response = await deliver(jobId, signedDelivery({ analysis_results: RESULT }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'received' });
    await stream.finished();
    expect(stream.json().at(-1)).toMatchObject({ status: 'completed', progress: 100, result: RESULT });
    expect(await job(jobId)).toMatchObject({ status: 'completed', result: RESULT });
    const row = await t.get(DataSource).getRepository(AnalysisResultEntity).findOneByOrFail({ jobId });
    expect(row).toMatchObject({ overall: 81, timing: 77, pronunciation: 88, intonation: 70, fluency: 90, completeness: 100 });
  });

  it('answers 401 to forged, unsigned and stale webhooks, and changes nothing', async () => {
    const { jobId } = await submitted();
    const before = await job(jobId);
    const forged = signedDelivery({ analysis_results: RESULT }, { secret: `whsec_${Buffer.from('not-the-secret-at-all-123').toString('base64')}` });
    const unsigned = { body: JSON.stringify({ analysis_results: RESULT }), headers: { 'content-type': 'application/json' } };
    const stale = signedDelivery({ analysis_results: RESULT }, { timestamp: new Date(Date.now() - 6 * 60_000) });
    const tampered = signedDelivery({ analysis_results: RESULT });
    tampered.body = tampered.body.replace('81', '99');
    for (const [name, delivery] of Object.entries({ forged, unsigned, stale, tampered })) {
      const response = await deliver(jobId, delivery);
      expect(response.status, name).toBe(401);
      expect((await response.json()).code).toBe('WEBHOOK_SIGNATURE_INVALID');
    }
    expect(await job(jobId)).toEqual(before);
    expect(before.status).toBe('processing');
  });

  it('a duplicate delivery answers 200 and changes nothing; a completed job never moves back', async () => {
    const { jobId } = await submitted();
    const delivery = signedDelivery({ analysis_results: RESULT });
    expect(await (await deliver(jobId, delivery)).json()).toEqual({ status: 'received' });
    const duplicate = await deliver(jobId, delivery);
    expect(duplicate.status).toBe(200);
    expect(await duplicate.json()).toEqual({ status: 'ignored' });
    const different = await deliver(jobId, signedDelivery({ analysis_results: { ...RESULT, overall: 5 } }));
    expect(await different.json()).toEqual({ status: 'ignored' });
    const failure = await deliver(jobId, signedDelivery({ error: { code: 'GPU_OOM', message: 'out of memory' } }));
    expect(await failure.json()).toEqual({ status: 'ignored' });
    expect(await job(jobId)).toMatchObject({ status: 'completed', result: RESULT });
  });

  it("a delivery replayed to another job's URL, or to its own, changes nothing", async () => {
    const x = await submitted();
    const y = await submitted();
    const delivery = signedDelivery({ analysis_results: RESULT });
    const yBefore = await job(y.jobId);

    const unsignedUrl = await post(`${t.baseUrl}/tokens/webhook/analysis-complete?job_id=${y.jobId}`, delivery);
    expect(unsignedUrl.status).toBe(401);
    const xSignatureOnY = await post(x.request.webhook_url.replace(x.jobId, y.jobId), delivery);
    expect(xSignatureOnY.status).toBe(401);
    expect((await xSignatureOnY.json()).code).toBe('WEBHOOK_SIGNATURE_INVALID');
    const namesAnotherJob = signedDelivery({ job_id: x.jobId, analysis_results: RESULT });
    expect((await post(y.request.webhook_url, namesAnotherJob)).status).toBe(401);
    expect(await job(y.jobId)).toEqual(yBefore);

    // The analysis server calls back exactly the URL it was given.
    expect(await (await post(x.request.webhook_url, delivery)).json()).toEqual({ status: 'received' });
    const replayedToOwn = await post(x.request.webhook_url, delivery);
    expect(replayedToOwn.status).toBe(200);
    expect(await replayedToOwn.json()).toEqual({ status: 'ignored' });
    const replayedToY = await post(y.request.webhook_url, delivery);
    expect([200, 401]).toContain(replayedToY.status);
    if (replayedToY.status === 200) expect(await replayedToY.json()).toEqual({ status: 'ignored' });
    expect(await job(y.jobId)).toEqual(yBefore);
    expect(yBefore.status).toBe('processing');
  });

  it('a webhook for an unknown job is 404, a malformed body 400 (both still need the signature)', async () => {
    expect((await deliver('00000000-0000-4000-8000-000000000000', signedDelivery({ analysis_results: RESULT }))).status).toBe(404);
    const { jobId } = await submitted();
    expect((await deliver(jobId, signedDelivery({ analysis_results: 'great' }))).status).toBe(400);
    expect((await deliver('nope', signedDelivery({ analysis_results: RESULT }))).status).toBe(400);
  });

  it('an analysis server that stays down fails the job with ENGINE_UNAVAILABLE after retries', async () => {
    for (const mode of ['reset', 'error'] as const) {
      analysisServer.mode = mode;
      const { job_id } = await (await t.fetch(`/tokens/${token.id}/upload-audio`, { method: 'POST', body: multipart('file', 'take.wav', token.clip), headers: dubber.headers })).json();
      const stream = await SseClient.open(`${t.baseUrl}/tokens/analysis-progress/${job_id}`, dubber.headers);
      await stream.finished();
      const last = stream.json().at(-1);
      expect(last, mode).toMatchObject({ status: 'failed', error_code: 'ENGINE_UNAVAILABLE' });
      expect(last.message).toMatch(/could not be reached after 3 tries/);
    }
    analysisServer.mode = 'accept';
  });
});
