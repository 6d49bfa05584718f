import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { startSigV4VerifyingProxy } from './sigv4-verifying-proxy.js';

export interface S3TestServer {
  endpoint: string;
  bucket: string;
  /** The variables that point the service at this server. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A real S3-compatible server (s3rver) on a loopback port, with one bucket, storing in a temporary directory,
 * behind a proxy that verifies presigned URLs' signatures as S3 does (s3rver does not).
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
  const proxy = await startSigV4VerifyingProxy(`http://127.0.0.1:${port}`, { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, 'us-east-1');
  const endpoint = proxy.endpoint;
  return {
    endpoint,
    bucket,
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
