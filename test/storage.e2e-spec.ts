import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectNotFoundError, ObjectStorage } from '../src/storage/object-storage.js';
import { startS3Server, type S3TestServer } from './support/s3-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const adapters = [
  { name: 'local disk', s3: false },
  { name: 'S3 (s3rver)', s3: true },
];

describe.each(adapters)('object storage on $name', ({ s3 }) => {
  let t: TestApp;
  let server: S3TestServer | undefined;
  let storage: ObjectStorage;

  beforeAll(async () => {
    server = s3 ? await startS3Server() : undefined;
    t = await startTestApp(server?.env ?? {});
    storage = t.get(ObjectStorage);
  });
  afterAll(async () => {
    await t?.close();
    await server?.close();
  });

  it('uses the configured adapter and reports it healthy', async () => {
    expect(storage.driver).toBe(s3 ? 's3' : 'local');
    const health = await (await t.fetch('/health')).json();
    expect(health.details.storage).toMatchObject({ status: 'up', driver: storage.driver });
  });

  it('streams an object in and out byte for byte', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const stored = await storage.put('tests/round-trip.bin', Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), {
      contentType: 'application/x-test',
    });
    expect(stored).toEqual({ key: 'tests/round-trip.bin', size: bytes.length, contentType: 'application/x-test' });
    expect(await storage.head('tests/round-trip.bin')).toEqual(stored);
    const download = await storage.get('tests/round-trip.bin');
    expect(download.contentType).toBe('application/x-test');
    expect((await buffer(download.body)).equals(bytes)).toBe(true);
  });

  it('reads a byte range, reporting the whole size', async () => {
    const bytes = randomBytes(100_000);
    await storage.put('tests/range.bin', Readable.from([bytes]), { contentType: 'application/x-test' });
    const part = await storage.get('tests/range.bin', { range: { start: 1000, end: 1999 } });
    expect(part.size).toBe(bytes.length);
    expect((await buffer(part.body)).equals(bytes.subarray(1000, 2000))).toBe(true);
  });

  it('keeps Korean and spaced names in keys', async () => {
    await storage.put('tests/녹음 파일.wav', Readable.from([Buffer.from('RIFF')]), { contentType: 'audio/wav' });
    expect((await storage.head('tests/녹음 파일.wav'))?.size).toBe(4);
  });

  it('deletes, and reports a missing object as missing', async () => {
    await storage.put('tests/gone.txt', Readable.from([Buffer.from('x')]), { contentType: 'text/plain' });
    await storage.delete('tests/gone.txt');
    expect(await storage.head('tests/gone.txt')).toBeNull();
    await expect(storage.get('tests/gone.txt')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('refuses keys that escape or hide', async () => {
    for (const key of ['../secrets', 'a/../../b', '/etc/passwd', 'a//b', 'tab\there', '']) {
      await expect(storage.put(key, Readable.from([Buffer.from('x')]), { contentType: 'text/plain' })).rejects.toMatchObject({
        code: 'INVALID_OBJECT_KEY',
      });
    }
  });

  it('round-trips a presigned PUT then GET over plain HTTP', async () => {
    const bytes = randomBytes(256 * 1024);
    const putUrl = await storage.presignPut('uploads/presigned.mp4', { contentType: 'video/mp4' });
    const put = await fetch(putUrl, { method: 'PUT', headers: { 'content-type': 'video/mp4' }, body: bytes });
    expect(put.status).toBe(200);

    const getUrl = await storage.presignGet('uploads/presigned.mp4');
    const get = await fetch(getUrl);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await get.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('answers 403 to an expired presigned URL', async () => {
    await storage.put('uploads/expiring.txt', Readable.from([Buffer.from('soon gone')]), { contentType: 'text/plain' });
    const url = await storage.presignGet('uploads/expiring.txt', { expiresInSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await fetch(url)).status).toBe(403);
  });

  it('answers 403 to a tampered presigned URL', async () => {
    await storage.put('uploads/mine.txt', Readable.from([Buffer.from('mine')]), { contentType: 'text/plain' });
    await storage.put('uploads/theirs.txt', Readable.from([Buffer.from('theirs')]), { contentType: 'text/plain' });
    const url = new URL(await storage.presignGet('uploads/mine.txt'));

    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace('mine.txt', 'theirs.txt');
    expect((await fetch(otherKey)).status).toBe(403);

    const badSignature = new URL(url);
    const name = s3 ? 'X-Amz-Signature' : 'signature';
    const signature = badSignature.searchParams.get(name)!;
    badSignature.searchParams.set(name, `${signature.slice(0, -2)}${signature.endsWith('aa') ? 'bb' : 'aa'}`);
    expect((await fetch(badSignature)).status).toBe(403);

    const putUrl = await storage.presignPut('uploads/put-only.txt', { contentType: 'text/plain' });
    expect((await fetch(putUrl)).status).toBe(403); // a PUT signature does not allow a GET
  });

  // Last in this block: it stops the S3 server.
  it.runIf(s3)('answers /health 503, naming storage, when the S3 server is down', async () => {
    await server!.close();
    server = undefined;
    const response = await t.fetch('/health');
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.details.storage.status).toBe('down');
    expect(body.details.database.status).toBe('up');
  });
});
