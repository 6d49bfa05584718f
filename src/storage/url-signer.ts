import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedRequest {
  method: 'GET' | 'PUT';
  key: string;
  expires: number;
  contentType?: string;
  downloadName?: string;
  /** PUT: the largest body accepted. */
  maxBytes?: number;
}

/** HMAC-SHA256 signatures for the local adapter's URLs: method, key, expiry and any constrained header. */
export class UrlSigner {
  constructor(private readonly secret: string) {}

  sign(request: SignedRequest): string {
    const canonical = [
      request.method,
      request.key,
      String(request.expires),
      request.contentType ?? '',
      request.downloadName ?? '',
      // Only when set, so URLs signed before the field existed stay valid.
      ...(request.maxBytes !== undefined ? [String(request.maxBytes)] : []),
    ].join('\n');
    return createHmac('sha256', this.secret).update(canonical).digest('base64url');
  }

  verify(request: SignedRequest, signature: string, now = Date.now()): 'valid' | 'expired' | 'invalid' {
    const expected = Buffer.from(this.sign(request));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return request.expires * 1000 < now ? 'expired' : 'valid';
  }
}
