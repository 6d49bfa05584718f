// Peak RSS growth of the service while a 1 GiB recording is uploaded to POST /tokens/{id}/upload-audio
// (goal: under 64 MiB): the upload must stream to storage, never sit in memory.
// Run: npm run bench:upload   (builds first; starts the service on a fresh embedded database with the demo catalog)
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService } from './support.mjs';

const SIZE = Number(process.env.BENCH_UPLOAD_BYTES ?? 1024 * 1024 * 1024);
const scratch = mkdtempSync(join(tmpdir(), 'bench-upload-'));
chmodSync(scratch, 0o755);
const port = 19_000 + (process.pid % 1000);
const base = `http://127.0.0.1:${port}`;

const { service, rss } = await startService(port, {
  DATA_DIR: join(scratch, 'data'),
  JOBS_WORKER: 'false', // measure the upload, not an analysis of it
  ANALYSIS_MAX_UPLOAD_BYTES: String(SIZE + 1024 * 1024),
});

const { access_token } = await (await fetch(`${base}/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@example.com' }) })).json();
const [token] = (await (await fetch(`${base}/tokens?limit=1`)).json()).items;

// A WAV header announcing the whole size, then silence, streamed in 1 MiB chunks as a multipart body.
const boundary = '----yousync-bench';
const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="long.wav"\r\nContent-Type: audio/wav\r\n\r\n`);
const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
const wavHeader = Buffer.alloc(44);
wavHeader.write('RIFF', 0);
wavHeader.writeUInt32LE(Math.min(0xffffffff, SIZE - 8), 4);
wavHeader.write('WAVEfmt ', 8);
wavHeader.writeUInt32LE(16, 16);
wavHeader.writeUInt16LE(1, 20);
wavHeader.writeUInt16LE(1, 22);
wavHeader.writeUInt32LE(16_000, 24);
wavHeader.writeUInt32LE(32_000, 28);
wavHeader.writeUInt16LE(2, 32);
wavHeader.writeUInt16LE(16, 34);
wavHeader.write('data', 36);
wavHeader.writeUInt32LE(Math.min(0xffffffff, SIZE - 44), 40);
const chunk = Buffer.alloc(1024 * 1024);
let sent = 0;
const body = new ReadableStream({
  pull(controller) {
    if (sent === 0) controller.enqueue(Buffer.concat([head, wavHeader]));
    if (sent >= SIZE - 44) {
      controller.enqueue(tail);
      return controller.close();
    }
    const size = Math.min(chunk.length, SIZE - 44 - sent);
    controller.enqueue(chunk.subarray(0, size));
    sent += size;
  },
});

globalThis.gc?.();
const baseline = rss();
let peak = baseline;
const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);
const started = performance.now();
const response = await fetch(`${base}/tokens/${token.id}/upload-audio`, {
  method: 'POST',
  headers: { authorization: `Bearer ${access_token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
  body,
  duplex: 'half',
});
const answer = await response.json();
clearInterval(sampler);
peak = Math.max(peak, rss());
const seconds = (performance.now() - started) / 1000;
if (response.status !== 200) throw new Error(`upload answered ${response.status}: ${JSON.stringify(answer)}`);

const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);
console.log(`POST /tokens/{id}/upload-audio, ${mib(SIZE)} MiB streamed in ${seconds.toFixed(1)} s (${mib(SIZE / seconds)} MiB/s), local storage`);
console.log(`service RSS: baseline ${mib(baseline)} MiB, peak ${mib(peak)} MiB, growth ${mib(peak - baseline)} MiB ${peak - baseline < 64 * 1024 * 1024 ? 'OK (< 64 MiB)' : 'OVER the 64 MiB goal'}`);

service.kill('SIGTERM');
await once(service, 'exit');
rmSync(scratch, { recursive: true, force: true });
