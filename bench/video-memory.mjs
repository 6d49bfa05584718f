// Peak RSS growth and CPU time of the service while a large video (1 GiB by default) goes through presigned
// upload → audio extraction (ffmpeg, a child process) → a loopback OpenAI-compatible engine; goal: RSS growth
// under 64 MiB, the video never whole in memory. Also the service's own CPU per transcript, ffmpeg's apart.
// Run: npm run bench:video   (builds first; BENCH_VIDEO_BYTES=268435456 for a quicker run)
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { startService } from './support.mjs';

const TARGET = Number(process.env.BENCH_VIDEO_BYTES ?? 1024 * 1024 * 1024);
const scratch = mkdtempSync(join(tmpdir(), 'bench-video-'));
chmodSync(scratch, 0o755);
const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const run = (args) => {
  const result = spawnSync(ffmpeg.path, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`ffmpeg failed: ${args.join(' ')}`);
};

// A 10 s piece of noisy 640x360 video (hard to compress, so large) with a tone, looped by copy to the target size.
const piece = join(scratch, 'piece.mp4');
const video = join(scratch, 'video.mp4');
run(['-f', 'lavfi', '-i', 'nullsrc=s=640x360:r=25,geq=random(1)*255:128:128', '-f', 'lavfi', '-i', 'sine=frequency=300:sample_rate=44100',
  '-t', '10', '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '3M', '-maxrate', '3M', '-bufsize', '1M', '-c:a', 'aac', '-b:a', '128k', piece]);
const seconds = Math.max(10, Math.round((TARGET / statSync(piece).size) * 10));
run(['-stream_loop', '-1', '-i', piece, '-t', String(seconds), '-c', 'copy', video]);
const size = statSync(video).size;

// The loopback engine: reads each multipart upload through (never keeping it) and answers verbose_json.
const pieces = [];
const engine = createServer(async (req, res) => {
  let bytes = 0;
  for await (const chunk of req) bytes += chunk.length;
  pieces.push(bytes);
  res.writeHead(200, { 'content-type': 'application/json' }).end(
    JSON.stringify({ task: 'transcribe', language: 'english', duration: 1, text: 'tone', words: [{ word: 'tone', start: 0, end: 1 }], segments: [{ id: 0, start: 0, end: 1, text: ' tone' }] }),
  );
});
engine.listen(0, '127.0.0.1');
await once(engine, 'listening');

const port = 19_000 + (process.pid % 1000);
const base = `http://127.0.0.1:${port}`;
const { service, rss } = await startService(port, {
  PUBLIC_URL: base,
  DATA_DIR: join(scratch, 'data'),
  SEED_DEMO: 'false',
  SPEECH_TO_TEXT_ENGINE: 'openai',
  STT_BASE_URL: `http://127.0.0.1:${engine.address().port}/v1`,
  VIDEO_MAX_UPLOAD_BYTES: String(size + 1),
});

const ticks = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim() || 100);
/** CPU seconds of the service itself, and of its children it has reaped (ffmpeg). */
const cpu = () => {
  const fields = readFileSync(`/proc/${service.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { own: (Number(fields[11]) + Number(fields[12])) / ticks, children: (Number(fields[13]) + Number(fields[14])) / ticks };
};
const post = async (path, body, headers = {}) =>
  (await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })).json();
const { access_token } = await post('/auth/dev-login', { email: 'bench@example.com' });
const auth = { authorization: `Bearer ${access_token}` };

const baseline = rss();
let peak = baseline;
const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);

// 1. upload to the presigned URL
const { url, fileKey } = await post('/api/upload-video/generate-url', { filename: 'long.mp4', filetype: 'video/mp4' }, auth);
let cpuBefore = cpu();
let started = performance.now();
const put = await fetch(url, { method: 'PUT', headers: { 'content-type': 'video/mp4', 'content-length': String(size) }, body: Readable.toWeb(createReadStream(video)), duplex: 'half' });
if (put.status !== 200) throw new Error(`PUT answered ${put.status}`);
const uploadSeconds = (performance.now() - started) / 1000;
const uploadCpu = cpu().own - cpuBefore.own;
const uploadPeak = peak;

// 2. extraction and transcription
cpuBefore = cpu();
started = performance.now();
const { jobId } = await post('/api/upload-video/request-process', { fileKey }, auth);
let status;
for (;;) {
  status = await (await fetch(`${base}/api/upload-video/status/${jobId}`, { headers: auth })).json();
  if (status.status === 'completed' || status.status === 'failed') break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}
const processSeconds = (performance.now() - started) / 1000;
const after = cpu();
clearInterval(sampler);
peak = Math.max(peak, rss());
if (status.status !== 'completed') throw new Error(`the job failed: ${JSON.stringify(status)}`);

const goal = (growth) => (growth < 64 * 1024 * 1024 ? 'OK (< 64 MiB)' : 'OVER the 64 MiB goal');
console.log(`video: ${mib(size)} MiB MP4, ${seconds} s (640x360 noise at 3 Mb/s + AAC tone), local storage, loopback openai engine`);
console.log(`upload (presigned PUT): ${uploadSeconds.toFixed(1)} s (${mib(size / uploadSeconds)} MiB/s), service CPU ${uploadCpu.toFixed(2)} s, RSS growth ${mib(uploadPeak - baseline)} MiB`);
console.log(
  `transcript: ${processSeconds.toFixed(1)} s, ${pieces.length} piece(s) of ${pieces.map((bytes) => mib(bytes)).join(', ')} MiB sent; ` +
    `service's own CPU ${(after.own - cpuBefore.own).toFixed(2)} s, ffmpeg ${(after.children - cpuBefore.children).toFixed(2)} s`,
);
console.log(`service RSS: baseline ${mib(baseline)} MiB, peak ${mib(peak)} MiB, growth ${mib(peak - baseline)} MiB ${goal(peak - baseline)}`);

service.kill('SIGTERM');
await once(service, 'exit');
engine.close();
rmSync(scratch, { recursive: true, force: true });
