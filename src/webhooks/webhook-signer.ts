import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { WebhookSignatureError } from './webhook-errors.js';

const SIGNED_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/**
 * One engine's shared secret, used both ways: it verifies the engine's Standard Webhooks deliveries
 * (HMAC-SHA256 over id.timestamp.body, five minutes' tolerance) and signs the callback URL this service gives
 * the engine for one job, so a delivery cannot be replayed against a job it was not sent for.
 */
export class WebhookSigner {
  private readonly webhook: Webhook;
  private readonly key: Buffer;

  /** A Standard Webhooks secret ("whsec_" + base64) is decoded; any other string is used as it is. */
  constructor(secret: string) {
    this.webhook = secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(secret, { format: 'raw' });
    this.key = Buffer.from(secret, 'utf8');
  }

  /** Verifies a delivery; returns its webhook id. */
  verify(rawBody: Buffer | undefined, headers: Record<string, string | string[] | undefined>): string {
    const signed: Record<string, string> = {};
    for (const name of SIGNED_HEADERS) {
      const value = headers[name];
      if (typeof value === 'string') signed[name] = value;
    }
    try {
      this.webhook.verify(rawBody ?? Buffer.alloc(0), signed);
    } catch (error) {
      throw new WebhookSignatureError(error instanceof WebhookVerificationError ? error.message : 'malformed');
    }
    return signed['webhook-id']!;
  }

  /** `url?job_id=<id>&signature=<HMAC of the id>`: the URL an engine calls back for this job. */
  callbackUrl(url: string, jobId: string): string {
    return `${url}?job_id=${encodeURIComponent(jobId)}&signature=${this.callbackSignature(jobId)}`;
  }

  /** Whether `signature` is the one `callbackUrl` put in this job's URL. */
  isCallbackFor(jobId: string, signature: unknown): boolean {
    if (typeof signature !== 'string') return false;
    const expected = Buffer.from(this.callbackSignature(jobId));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private callbackSignature(jobId: string): string {
    return createHmac('sha256', this.key).update(`callback\n${jobId}`).digest('base64url');
  }
}
