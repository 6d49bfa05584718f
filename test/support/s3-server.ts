import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { startSigV4VerifyingProxy } from './sigv4-verifying-proxy.js';

export interface S3TestServer {
  endpoint: string;
  bucket: string;
  /** Where s3rver keeps the bucket's multipart uploads in progress, one directory each (named by upload id). */
  uploadsDir: string;
  /** The variables that point the service at this server. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A real S3-compatible server (s3rver) on a loopback port, with one bucket, storing in a temporary directory,
 * behind a proxy that verifies presigned URLs' signatures as S3 does (s3rver does not). s3rver also lacks
 * ListMultipartUploads and AbortMultipartUpload (it answers NotImplemented / MethodNotAllowed); the proxy answers
 * those two from s3rver's own store of uploads in progress, as S3 would.
 */
export async function startS3Server(bucket = 'yousync'): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'yousync-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = (await server.run()) as { port: number };
  const uploadsDir = join(directory, bucket, '._S3rver_uploads');
  const proxy = await startSigV4VerifyingProxy(
    `http://127.0.0.1:${port}`,
    { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    'us-east-1',
    (req, res) => answerMultipartUploads(req, res, bucket, uploadsDir),
  );
  const endpoint = proxy.endpoint;
  return {
    endpoint,
    bucket,
    uploadsDir,
    env: {
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: 'true',
    },
    close: async () => {
      await proxy.close();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** ListMultipartUploads (one page) and AbortMultipartUpload over s3rver's upload directories. */
async function answerMultipartUploads(req: IncomingMessage, res: ServerResponse, bucket: string, uploadsDir: string): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://s3');
  if (req.method === 'GET' && url.pathname.replace(/\/$/, '') === `/${bucket}` && url.searchParams.has('uploads')) {
    const ids = await readdir(uploadsDir).catch(() => [] as string[]);
    const uploads = await Promise.all(
      ids.map(async (id) => {
        const key = await readFile(join(uploadsDir, id, 'key'), 'utf8');
        const { mtime } = await stat(join(uploadsDir, id));
        return `<Upload><Key>${xml(key)}</Key><UploadId>${id}</UploadId><Initiated>${mtime.toISOString()}</Initiated></Upload>`;
      }),
    );
    req.resume();
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
        `<Bucket>${bucket}</Bucket><IsTruncated>false</IsTruncated>${uploads.join('')}</ListMultipartUploadsResult>`,
    );
    return true;
  }
  const uploadId = url.searchParams.get('uploadId');
  if (req.method === 'DELETE' && uploadId && url.pathname.startsWith(`/${bucket}/`)) {
    req.resume();
    if (!/^[0-9a-f]+$/.test(uploadId) || !(await stat(join(uploadsDir, uploadId)).catch(() => null))) {
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code></Error>');
      return true;
    }
    await rm(join(uploadsDir, uploadId), { recursive: true, force: true });
    res.writeHead(204);
    res.end();
    return true;
  }
  return false;
}
