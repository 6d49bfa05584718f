import { Webhook } from 'standardwebhooks';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { NotFoundError } from '../common/domain-error.js';
import type { JobsService } from '../jobs/jobs.service.js';
import { JobCallbacks, type JobCallback } from './job-callbacks.service.js';
import type { WebhookDeliveries } from './webhook-deliveries.service.js';
import { WebhookSigner } from './webhook-signer.js';

const SECRET = `whsec_${Buffer.from('unit-test-webhook-secret-0123456789').toString('base64')}`;
const JOB = '6f1c1a52-3c1e-4a55-9a55-0d7e1d2f9b10';

/** The service's dependencies: the delivery log keeps ids in memory, the jobs service answers as told. */
function dependencies() {
  const seen = new Set<string>();
  const deliveries = {
    accept: vi.fn(async (route: string, id: string) => (seen.has(`${route}:${id}`) ? false : (seen.add(`${route}:${id}`), true))),
    forget: vi.fn(async (route: string, id: string) => void seen.delete(`${route}:${id}`)),
  };
  const jobs = {
    findById: vi.fn(async (id: string) => (id === JOB ? { id, type: 'analysis' } : null)),
    complete: vi.fn(async () => ({ id: JOB })),
    fail: vi.fn(async () => ({ id: JOB })),
  };
  return { deliveries, jobs };
}

describe(JobCallbacks.name, () => {
  let sut: JobCallbacks;
  let deps: ReturnType<typeof dependencies>;
  const signer = new WebhookSigner(SECRET);
  const callback: JobCallback = {
    route: 'test',
    jobType: 'analysis',
    signer,
    unconfigured: 'no secret',
    notFound: () => new NotFoundError('Job'),
    invalidJobId: () => new NotFoundError('Job id'),
    read: (body) => ({ result: body.result as Record<string, unknown> }),
  };
  const request = (body: object, id = 'msg_1', url = signer.callbackUrl('http://x/cb', JOB)) => {
    const raw = JSON.stringify(body);
    const at = new Date();
    return {
      query: Object.fromEntries(new URL(url).searchParams),
      rawBody: Buffer.from(raw),
      headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(SECRET).sign(id, at, raw) },
    };
  };

  beforeEach(() => {
    deps = dependencies();
    sut = new JobCallbacks(deps.deliveries as unknown as WebhookDeliveries, deps.jobs as unknown as JobsService);
  });

  it('completes the job once; the same delivery again (duplicate webhook id) is ignored', async () => {
    const delivery = request({ result: { score: 1 } });
    expect(await sut.receive(callback, delivery)).toEqual({ status: 'received' });
    expect(await sut.receive(callback, delivery)).toEqual({ status: 'ignored' });
    expect(deps.jobs.complete).toHaveBeenCalledTimes(1);
  });

  it('answers ignored, and changes nothing, for a job that already finished', async () => {
    deps.jobs.complete.mockResolvedValueOnce(null as never);
    expect(await sut.receive(callback, request({ result: {} }))).toEqual({ status: 'ignored' });
  });

  it("refuses a delivery at another job's URL, or whose body names another job", async () => {
    const other = request({ result: {} }, 'msg_2', signer.callbackUrl('http://x/cb', JOB).replace(JOB, '00000000-0000-4000-8000-000000000000'));
    await expect(sut.receive(callback, other)).rejects.toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    await expect(sut.receive(callback, request({ job_id: 'another', result: {} }, 'msg_3'))).rejects.toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    expect(deps.jobs.complete).not.toHaveBeenCalled();
  });

  it('forgets a delivery it could not apply, so the retry is applied', async () => {
    deps.jobs.complete.mockRejectedValueOnce(new Error('database down'));
    const delivery = request({ result: {} }, 'msg_4');
    await expect(sut.receive(callback, delivery)).rejects.toThrow('database down');
    expect(await sut.receive(callback, delivery)).toEqual({ status: 'received' });
  });

  it('refuses every delivery when no secret is configured', async () => {
    await expect(sut.receive({ ...callback, signer: undefined }, request({ result: {} }))).rejects.toMatchObject({
      code: 'WEBHOOK_SIGNATURE_INVALID',
      message: expect.stringContaining('no secret'),
    });
  });

  it('takes the job id from the signed body when the callback says so (one fixed URL for every job)', async () => {
    const inBody = { ...callback, jobIdIn: 'body' as const };
    const fixedUrl = 'http://x/result';
    expect(await sut.receive(inBody, request({ job_id: JOB, result: { text: 'hi' } }, 'msg_5', fixedUrl))).toEqual({ status: 'received' });
    expect(deps.jobs.complete).toHaveBeenCalledWith(JOB, { text: 'hi' }, expect.anything());
    await expect(sut.receive(inBody, request({ result: {} }, 'msg_6', fixedUrl))).rejects.toMatchObject({ message: 'Job id not found' });
    const tampered = request({ job_id: JOB, result: {} }, 'msg_7', fixedUrl);
    tampered.rawBody = Buffer.from(JSON.stringify({ job_id: '00000000-0000-4000-8000-000000000000', result: {} }));
    await expect(sut.receive(inBody, tampered)).rejects.toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    // Without the mode, a fixed URL carries no job id: the query decides, as before.
    await expect(sut.receive(callback, request({ job_id: JOB, result: {} }, 'msg_8', fixedUrl))).rejects.toMatchObject({ message: 'Job id not found' });
  });
});
