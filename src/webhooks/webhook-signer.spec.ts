import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { WebhookSignatureError } from './webhook-errors.js';
import { WebhookSigner } from './webhook-signer.js';

const SECRET = `whsec_${Buffer.from('unit-test-webhook-secret-0123456789').toString('base64')}`;
const OTHER = `whsec_${Buffer.from('another-secret-entirely-9876543210').toString('base64')}`;

/** A delivery signed as an engine signs it (the standardwebhooks reference implementation). */
const delivery = (body: string, options: { secret?: string; id?: string; at?: Date } = {}) => {
  const at = options.at ?? new Date();
  const id = options.id ?? 'msg_1';
  return {
    body: Buffer.from(body),
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(options.secret ?? SECRET).sign(id, at, body),
    },
  };
};

describe(WebhookSigner.name, () => {
  const sut = new WebhookSigner(SECRET);
  const body = '{"analysis_results":{"overall":80}}';

  it('accepts a valid delivery and returns its webhook id', () => {
    const { body: raw, headers } = delivery(body, { id: 'msg_42' });
    expect(sut.verify(raw, headers)).toBe('msg_42');
  });

  it('accepts a raw (not whsec_) secret as the same bytes the engine signs with', () => {
    const raw = new WebhookSigner('plain-shared-secret');
    const signed = new Webhook('plain-shared-secret', { format: 'raw' }).sign('msg_1', new Date(), body);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': signed };
    expect(raw.verify(Buffer.from(body), headers)).toBe('msg_1');
  });

  it.each([
    ['signed with another secret', () => delivery(body, { secret: OTHER })],
    ['an altered body', () => ({ ...delivery(body), body: Buffer.from(body.replace('80', '99')) })],
    ['a stale timestamp (6 minutes old)', () => delivery(body, { at: new Date(Date.now() - 6 * 60_000) })],
    ['a future timestamp (6 minutes ahead)', () => delivery(body, { at: new Date(Date.now() + 6 * 60_000) })],
    ['no signature headers', () => ({ body: Buffer.from(body), headers: {} })],
  ])('refuses %s with WEBHOOK_SIGNATURE_INVALID', (_name, make) => {
    const { body: raw, headers } = make();
    expect(() => sut.verify(raw, headers)).toThrow(WebhookSignatureError);
  });

  it("signs a job's callback URL so that it verifies for that job only", () => {
    const url = sut.callbackUrl('https://api.example.com/cb', '6f1c1a52-3c1e-4a55-9a55-0d7e1d2f9b10');
    const signature = new URL(url).searchParams.get('signature');
    expect(new URL(url).searchParams.get('job_id')).toBe('6f1c1a52-3c1e-4a55-9a55-0d7e1d2f9b10');
    expect(sut.isCallbackFor('6f1c1a52-3c1e-4a55-9a55-0d7e1d2f9b10', signature)).toBe(true);
    expect(sut.isCallbackFor('00000000-0000-4000-8000-000000000000', signature)).toBe(false);
    expect(new WebhookSigner(OTHER).isCallbackFor('6f1c1a52-3c1e-4a55-9a55-0d7e1d2f9b10', signature)).toBe(false);
    expect(sut.isCallbackFor('6f1c1a52-3c1e-4a55-9a55-0d7e1d2f9b10', undefined)).toBe(false);
  });
});
