import { describe, expect, it } from 'vitest';
import { assertValidObjectKey } from './object-storage.js';
import { UrlSigner } from './url-signer.js';

describe(assertValidObjectKey.name, () => {
  it.each(['recordings/u1/take.wav', 'videos/anonymous/20250911_143020_abc12345_example.mp4', '토큰/녹음 1.wav', '.hidden/file'])(
    'accepts %s',
    (key) => expect(() => assertValidObjectKey(key)).not.toThrow(),
  );

  it.each(['', '/abs', '../up', 'a/../b', 'a/./b', 'a//b', 'trailing/', 'back\\slash', 'nul\u0000byte', 'new\nline', 'x'.repeat(1025)])(
    'rejects %j',
    (key) => expect(() => assertValidObjectKey(key)).toThrow(/Invalid object key/),
  );
});

describe(UrlSigner.name, () => {
  const sut = new UrlSigner('secret-secret-secret-secret-secret');
  const request = { method: 'GET' as const, key: 'a/b.wav', expires: 2_000_000_000 };

  it('verifies its own signature until the expiry', () => {
    const signature = sut.sign(request);
    expect(sut.verify(request, signature, 1_000)).toBe('valid');
    expect(sut.verify(request, signature, 2_000_000_001_000)).toBe('expired');
  });

  it('rejects a signature once anything signed changes', () => {
    const signature = sut.sign(request);
    expect(sut.verify({ ...request, key: 'a/c.wav' }, signature, 0)).toBe('invalid');
    expect(sut.verify({ ...request, method: 'PUT' }, signature, 0)).toBe('invalid');
    expect(sut.verify({ ...request, expires: request.expires + 1 }, signature, 0)).toBe('invalid');
    expect(sut.verify(request, `${signature}x`, 0)).toBe('invalid');
    expect(new UrlSigner('another-secret-another-secret-xx').verify(request, signature, 0)).toBe('invalid');
  });
});
