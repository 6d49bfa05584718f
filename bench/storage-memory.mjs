// Peak RSS growth while 200 MiB go into each storage adapter and come back out, streamed.
// Run: npm run bench:storage   (builds first; imports the compiled adapters from dist/)
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LocalObjectStorage } from '../dist/src/storage/local-object-storage.js';
import { createS3Client, S3ObjectStorage } from '../dist/src/storage/s3-object-storage.js';
import { UrlSigner } from '../dist/src/storage/url-signer.js';
import { mib, rssMeter, startS3rver } from './support.mjs';

const TOTAL = 200 * 1024 * 1024;
const CHUNK = randomBytes(1024 * 1024);

function source() {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= TOTAL) return this.push(null);
      sent += CHUNK.length;
      this.push(CHUNK);
    },
  });
}

async function measure(name, storage) {
  const meter = rssMeter();
  const started = performance.now();
  await storage.put('bench/200mib.bin', source(), { contentType: 'application/octet-stream' });
  const { body } = await storage.get('bench/200mib.bin');
  const hash = createHash('sha256');
  let read = 0;
  for await (const chunk of body) {
    read += chunk.length;
    hash.update(chunk);
  }
  const seconds = (performance.now() - started) / 1000;
  const { growth, baseline } = meter.stop();
  if (read !== TOTAL) throw new Error(`${name}: read back ${read} bytes, expected ${TOTAL}`);
  await storage.delete('bench/200mib.bin');
  console.log(
    `${name.padEnd(6)} put+get ${mib(TOTAL)} MiB in ${seconds.toFixed(1)} s: peak RSS growth ${mib(growth)} MiB ` +
      `(baseline ${mib(baseline)} MiB) ${growth < 64 * 1024 * 1024 ? 'OK (< 64 MiB)' : 'OVER the 64 MiB goal'}`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'bench-local-'));
await measure('local', new LocalObjectStorage(dir, new UrlSigner('x'.repeat(32)), 'http://localhost', 60));
rmSync(dir, { recursive: true, force: true });

const s3 = await startS3rver('bench');
const client = createS3Client({ endpoint: s3.endpoint, bucket: 'bench', region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true });
await measure('s3', new S3ObjectStorage(client, 'bench', 60));
s3.stop();
