import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, ListObjectsV2Command, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { readdirSync, readlinkSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, toneWav } from './support/audio.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { startS3Server, type S3TestServer } from './support/s3-server.js';
import { spawnService, waitForHealth, type ServiceProcess } from './support/service-process.js';
import { ADMIN_EMAIL, eventually, freePort, http, json } from './support/test-app.js';

// Reproducible "random" abort points: change the seed to explore, keep it to replay a failure.
const SEED = 20_250_911;
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const BOUNDARY = 'yousync-abort-test-boundary';
const DECLARED_LENGTH = 10_000_000;
const UPLOAD_TIMEOUT_SECONDS = 5;
// Bigger than one 5 MiB S3 part, so some aborts land while a multipart upload is in progress.
const RECORDING = Buffer.concat([toneWav(1), Buffer.alloc(9 * 1024 * 1024, 0x5a)]);

type AbortPoint = 'request headers' | 'part headers' | 'mid-file' | 'before the closing boundary';
const ABORT_POINTS: AbortPoint[] = ['request headers', 'part headers', 'mid-file', 'before the closing boundary'];

/** The bytes of a multipart upload, cut where the client disappears. */
function truncatedUpload(path: string, method: string, authorization: string, point: AbortPoint, next: () => number): Buffer {
  const head = Buffer.from(
    `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${authorization}\r\n` +
      `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${DECLARED_LENGTH}\r\n\r\n`,
  );
  const partHeaders = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="take.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
  );
  const between = (low: number, high: number) => low + Math.floor(next() * (high - low));
  switch (point) {
    case 'request headers':
      return head.subarray(0, between(1, head.length - 1));
    case 'part headers':
      return Buffer.concat([head, partHeaders.subarray(0, between(1, partHeaders.length - 1))]);
    case 'mid-file':
      return Buffer.concat([head, partHeaders, RECORDING.subarray(0, between(200_000, RECORDING.length - 1))]);
    case 'before the closing boundary':
      // The file part is complete (its boundary arrived), the form is not: "--" and the final CRLF never come.
      return Buffer.concat([head, partHeaders, RECORDING, Buffer.from(`\r\n--${BOUNDARY}`)]);
  }
}

/** Sends the bytes over a real socket, waits a moment for the service to take them in, then drops the connection. */
async function sendAndDisconnect(port: number, bytes: Buffer, lingerMs: number): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  for (let offset = 0; offset < bytes.length; offset += 64 * 1024) {
    if (!socket.write(bytes.subarray(offset, offset + 64 * 1024))) await new Promise((resolve) => socket.once('drain', resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, lingerMs));
  socket.destroy();
  return answer;
}

/** Sends the bytes and waits, without closing, for the service to answer and close the connection. */
async function sendAndWaitForAnswer(port: number, bytes: Buffer): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(bytes);
  await new Promise((resolve) => socket.once('close', resolve));
  return answer;
}

const openDescriptors = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
const descriptorsUnder = (pid: number, dir: string) =>
  readdirSync(`/proc/${pid}/fd`)
    .map((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.startsWith(dir));

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** Waits until the descriptor count has not changed for a while (idle keep-alive connections closed, pools settled). */
async function settledDescriptors(pid: number): Promise<number> {
  let last = openDescriptors(pid);
  let stableSince = Date.now();
  const until = Date.now() + 20_000;
  while (Date.now() - stableSince < 6_000 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = openDescriptors(pid);
    if (now !== last) [last, stableSince] = [now, Date.now()];
  }
  return last;
}

const adapters = [
  { name: 'local disk', s3: false },
  { name: 'S3 (s3rver)', s3: true },
];

describe.each(adapters)('aborted and broken uploads on $name storage', ({ s3 }) => {
  let database: TestDatabase;
  let server: S3TestServer | undefined;
  let s3Client: S3Client | undefined;
  let service: ServiceProcess;
  let dataDir: string;
  let port: number;
  let baseUrl: string;
  let admin: string;
  let dubber: string;
  let tokenId: number;

  const storageDir = () => join(dataDir, 'storage');
  const signIn = async (email: string) => `Bearer ${(await (await http(`${baseUrl}/auth/dev-login`, json({ email }))).json()).access_token}`;

  /** Everything stored: objects (local: every file, partial ones included) and multipart uploads in progress. */
  async function stored(): Promise<{ objects: string[]; uploadsInProgress: string[] }> {
    if (!s3) return { objects: (await filesUnder(storageDir())).map((file) => file.slice(storageDir().length)), uploadsInProgress: [] };
    const listed = await s3Client!.send(new ListObjectsV2Command({ Bucket: server!.bucket }));
    return {
      objects: (listed.Contents ?? []).map((object) => object.Key!),
      uploadsInProgress: await readdir(server!.uploadsDir).catch(() => []),
    };
  }

  async function startMultipartUpload(key: string): Promise<string> {
    const { UploadId } = await s3Client!.send(new CreateMultipartUploadCommand({ Bucket: server!.bucket, Key: key }));
    await s3Client!.send(
      new UploadPartCommand({ Bucket: server!.bucket, Key: key, UploadId, PartNumber: 1, Body: Buffer.alloc(5 * 1024 * 1024) }),
    );
    return UploadId!;
  }

  /** Waits for the clean-up in flight (the last abort's) to finish, then compares. */
  async function storedBackTo(expected: Awaited<ReturnType<typeof stored>>) {
    const same = async () => JSON.stringify(await stored()) === JSON.stringify(expected);
    await eventually(async () => ((await same()) ? true : undefined), 20_000, 'stored objects back to the baseline').catch(() => undefined);
    expect(await stored()).toEqual(expected);
  }

  const HOUR_AGO = () => new Date(Date.now() - 3600_000);
  // In flight in another instance: touched a minute ahead, so it stays fresh however long the start takes.
  const FRESH = () => new Date(Date.now() + 60_000);

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'yousync-aborts-'));
    await chmod(dataDir, 0o755);
    server = s3 ? await startS3Server() : undefined;
    if (server) {
      s3Client = new S3Client({
        endpoint: server.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      });
    }
    port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await service?.stop('SIGKILL');
    s3Client?.destroy();
    await server?.close();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('removes at start what a crash left behind (older than twice the upload timeout), and keeps fresh uploads', async () => {
    let oldUpload = '';
    let freshUpload = '';
    const partialDir = join(storageDir(), 'partial');
    if (s3) {
      oldUpload = await startMultipartUpload('recordings/crashed/old.wav');
      freshUpload = await startMultipartUpload('recordings/crashed/fresh.wav');
      await utimes(join(server!.uploadsDir, oldUpload), HOUR_AGO(), HOUR_AGO());
      await utimes(join(server!.uploadsDir, freshUpload), FRESH(), FRESH());
    } else {
      await mkdir(partialDir, { recursive: true });
      await writeFile(join(partialDir, 'old-crash'), Buffer.alloc(300_000));
      await utimes(join(partialDir, 'old-crash'), HOUR_AGO(), HOUR_AGO());
      await writeFile(join(partialDir, 'in-flight-elsewhere'), Buffer.alloc(1000));
      await utimes(join(partialDir, 'in-flight-elsewhere'), FRESH(), FRESH());
    }

    service = spawnService('main', {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      ADMIN_EMAILS: ADMIN_EMAIL,
      SEED_DEMO: 'false',
      // No analysis runs: the process holds only what serving uploads needs.
      JOBS_WORKER: 'false',
      UPLOAD_TIMEOUT_SECONDS: String(UPLOAD_TIMEOUT_SECONDS),
      ...(server?.env ?? {}),
    });
    await waitForHealth(service, baseUrl);

    if (s3) {
      await eventually(async () => ((await stored()).uploadsInProgress.includes(oldUpload) ? undefined : true), 10_000, 'the sweep');
      expect((await stored()).uploadsInProgress).toEqual([freshUpload]);
      await s3Client!.send(new AbortMultipartUploadCommand({ Bucket: server!.bucket, Key: 'recordings/crashed/fresh.wav', UploadId: freshUpload }));
    } else {
      await eventually(async () => ((await readdir(partialDir)).includes('old-crash') ? undefined : true), 10_000, 'the sweep');
      expect(await readdir(partialDir)).toEqual(['in-flight-elsewhere']);
      await rm(join(partialDir, 'in-flight-elsewhere'));
    }
  });

  describe('with a token and one complete upload stored', () => {
    let baseline: { descriptors: number; stored: Awaited<ReturnType<typeof stored>> };

    beforeAll(async () => {
      admin = await signIn(ADMIN_EMAIL);
      dubber = await signIn('dubber@yousync.test');
      const headers = { authorization: admin };
      const actor = await (await http(`${baseUrl}/actors`, json({ name: 'Abort Tester' }, { headers }))).json();
      const token = await (
        await http(`${baseUrl}/tokens`, json({ title: 'Aborts', actor_id: actor.id, start_time: 0, end_time: 1, language: 'en' }, { headers }))
      ).json();
      tokenId = token.id;
      const clip = await http(`${baseUrl}/tokens/${tokenId}/audio`, { method: 'PUT', headers, body: multipart('file', 'clip.wav', toneWav(0.5)) });
      expect(clip.status).toBe(200);
      const recording = await http(`${baseUrl}/tokens/${tokenId}/upload-audio`, {
        method: 'POST',
        headers: { authorization: dubber },
        body: multipart('file', 'take.wav', RECORDING),
      });
      expect(recording.status).toBe(200);

      baseline = { descriptors: await settledDescriptors(service.pid), stored: await stored() };
      expect(baseline.stored.objects.length).toBeGreaterThanOrEqual(2); // the clip and the recording
      expect(baseline.stored.uploadsInProgress).toEqual([]);
    });

    it('20 uploads aborted at random points leave no open file, no partial file and no upload in progress', async () => {
      const next = random(SEED + (s3 ? 1 : 0));
      const seen = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const point = ABORT_POINTS[i % ABORT_POINTS.length]!;
        // Both routes that receive uploads: a dubber's recording and an admin's clip.
        const [method, path, authorization] =
          i % 2 === 0 ? ['POST', `/tokens/${tokenId}/upload-audio`, dubber] : ['PUT', `/tokens/${tokenId}/audio`, admin];
        const bytes = truncatedUpload(path, method, authorization, point, next);
        const linger = point === 'before the closing boundary' ? 500 + next() * 1000 : next() * 300;
        const answer = await sendAndDisconnect(port, bytes, linger);
        expect(answer).not.toMatch(/^HTTP\/1\.1 (2|5)/);
        seen.add(`${point}:${bytes.length}`);
      }
      expect(seen.size).toBeGreaterThan(ABORT_POINTS.length); // the cuts differ, not only the kinds

      await storedBackTo(baseline.stored);
      expect(descriptorsUnder(service.pid, storageDir())).toEqual([]);
      await eventually(
        async () => {
          const now = openDescriptors(service.pid);
          return now <= baseline.descriptors ? now : undefined;
        },
        30_000,
        `open descriptors back to ${baseline.descriptors} (now ${openDescriptors(service.pid)})`,
      );
      expect((await http(`${baseUrl}/health`)).status).toBe(200);
    });

    it('answers 408 to an upload that stalls past UPLOAD_TIMEOUT_SECONDS and keeps nothing of it', async () => {
      const bytes = Buffer.concat([
        Buffer.from(
          `POST /tokens/${tokenId}/upload-audio HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${dubber}\r\n` +
            `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${DECLARED_LENGTH}\r\n\r\n` +
            `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="take.wav"\r\n\r\n`,
        ),
        RECORDING.subarray(0, 6 * 1024 * 1024),
      ]);
      const started = Date.now();
      const answer = await sendAndWaitForAnswer(port, bytes);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(answer).toContain('"code":"UPLOAD_TIMEOUT"');
      expect(Date.now() - started).toBeGreaterThanOrEqual(UPLOAD_TIMEOUT_SECONDS * 1000 - 500);
      await storedBackTo(baseline.stored);
      expect(descriptorsUnder(service.pid, storageDir())).toEqual([]);
    });

    it.runIf(!s3)('answers 400 to two files in one upload, 413 to too many fields, 400 to malformed multipart; keeps nothing', async () => {
      const upload = (body: RequestInit['body'], contentType?: string) =>
        http(`${baseUrl}/tokens/${tokenId}/upload-audio`, {
          method: 'POST',
          headers: { authorization: dubber, ...(contentType ? { 'content-type': contentType } : {}) },
          body,
        });

      const twoFiles = multipart('file', 'take.wav', toneWav(0.5));
      twoFiles.append('file', new Blob([toneWav(0.5)]), 'second.wav');
      let response = await upload(twoFiles);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ statusCode: 400, code: 'TOO_MANY_FILES', error: 'Bad Request' });

      const otherField = multipart('file', 'take.wav', toneWav(0.5));
      otherField.append('extra', new Blob([toneWav(0.5)]), 'extra.wav');
      expect((await upload(otherField)).status).toBe(400);

      const fields = multipart('file', 'take.wav', toneWav(0.5));
      for (let i = 0; i < 21; i++) fields.append(`note${i}`, 'x');
      response = await upload(fields);
      expect(response.status).toBe(413);
      const body = await response.json();
      expect(body).toMatchObject({ statusCode: 413, code: 'TOO_MANY_FIELDS' });
      expect(body.detail).toContain('more than 20 fields');

      const malformed: Array<[string, string]> = [
        ['multipart/form-data', 'no boundary'],
        [`multipart/form-data; boundary=${BOUNDARY}`, `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\nRIFF`],
        [`multipart/form-data; boundary=${BOUNDARY}`, `--${BOUNDARY}\r\n${'X'.repeat(20_000)}\r\n\r\nRIFF\r\n--${BOUNDARY}--\r\n`],
      ];
      for (const [contentType, text] of malformed) {
        response = await upload(text, contentType);
        expect(response.status, `${contentType} ${text.slice(0, 60)}`).toBe(400);
        expect((await response.json()).code).toBe('MALFORMED_MULTIPART');
      }

      expect(await stored()).toEqual(baseline.stored);
    });
  });
});
