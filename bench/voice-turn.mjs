// The voice service's own overhead per full turn, with loopback OpenAI-compatible chat and speech engines that
// answer at once (goal: p50 under 50 ms), and the time from POST /voice/turns to the first reply.delta on its
// SSE stream (turn stored, job queued and picked up, first delta through PostgreSQL NOTIFY to the stream).
// Run: npm run bench:voice   (builds first; BENCH_VOICE_TURNS=100 for more turns)
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService } from './support.mjs';

const TURNS = Number(process.env.BENCH_VOICE_TURNS ?? 40);
const scratch = mkdtempSync(join(tmpdir(), 'bench-voice-'));
chmodSync(scratch, 0o755);

// 44-byte header + 0.1 s of silence at 16 kHz: a valid WAV for the speech engine to answer with.
const wav = Buffer.alloc(44 + 3200);
wav.write('RIFF', 0);
wav.writeUInt32LE(36 + 3200, 4);
wav.write('WAVEfmt ', 8);
wav.writeUInt32LE(16, 16);
wav.writeUInt16LE(1, 20);
wav.writeUInt16LE(1, 22);
wav.writeUInt32LE(16000, 24);
wav.writeUInt32LE(32000, 28);
wav.writeUInt16LE(2, 32);
wav.writeUInt16LE(16, 34);
wav.write('data', 36);
wav.writeUInt32LE(3200, 40);

let engineMs = 0;
const engine = createServer(async (req, res) => {
  const started = performance.now();
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if (req.url === '/v1/chat/completions') {
    const words = 'Sure, here is a short answer to your question.'.split(' ');
    if (body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const word of words) res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: `${word} ` } }] })}\n\n`);
      res.end('data: [DONE]\n\n');
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { content: words.join(' ') } }] }));
    }
  } else {
    res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav);
  }
  engineMs += performance.now() - started;
});
engine.listen(0, '127.0.0.1');
await once(engine, 'listening');
const engineUrl = `http://127.0.0.1:${engine.address().port}/v1`;

const port = 19_500 + (process.pid % 400);
const base = `http://127.0.0.1:${port}`;
const { service } = await startService(port, {
  PUBLIC_URL: base,
  DATA_DIR: join(scratch, 'data'),
  SEED_DEMO: 'false',
  TEXT_GENERATION_ENGINE: 'openai',
  LLM_BASE_URL: engineUrl,
  TEXT_TO_SPEECH_ENGINE: 'openai',
  TTS_BASE_URL: engineUrl,
  JOBS_POLL_SECONDS: '0.5',
});

const post = async (path, body, headers = {}) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const { access_token } = await (await post('/auth/dev-login', { email: 'bench-voice@example.com' })).json();
const auth = { authorization: `Bearer ${access_token}` };
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
const fmt = (ms) => `${ms.toFixed(1)} ms`;

// 1. Full turns (run-full-pipeline, text in, non-streamed chat, speech): wall time minus time spent in the engines.
for (let i = 0; i < 5; i++) await (await post('/voice/run-full-pipeline', { text: `warm up ${i}` }, auth)).json();
const totals = [];
const overheads = [];
for (let i = 0; i < TURNS; i++) {
  engineMs = 0;
  const started = performance.now();
  const turn = await (await post('/voice/run-full-pipeline', { text: `question ${i}` }, auth)).json();
  const total = performance.now() - started;
  if (!turn.success) throw new Error(`turn failed: ${JSON.stringify(turn.errors)}`);
  totals.push(total);
  overheads.push(total - engineMs);
}

// 2. Streamed turns: request to first reply.delta, and to done.
const firstDeltas = [];
const dones = [];
for (let i = 0; i < Math.min(TURNS, 20); i++) {
  const started = performance.now();
  const { events } = await (await post('/voice/turns', { text: `streamed ${i}` }, auth)).json();
  const response = await fetch(`${base}${events}`, { headers: { accept: 'text/event-stream', ...auth } });
  const decoder = new TextDecoder();
  let buffer = '';
  let first;
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    if (first === undefined && buffer.includes('event: reply.delta')) first = performance.now() - started;
    if (buffer.includes('event: done') || buffer.includes('event: error')) break;
  }
  firstDeltas.push(first ?? NaN);
  dones.push(performance.now() - started);
}

console.log(`voice turns with instant loopback engines (${TURNS} full turns, ${firstDeltas.length} streamed)`);
console.log(`  full turn (run-full-pipeline): p50 ${fmt(percentile(totals, 50))}, p95 ${fmt(percentile(totals, 95))}`);
console.log(`  service overhead per full turn (wall time minus engine time): p50 ${fmt(percentile(overheads, 50))}, p95 ${fmt(percentile(overheads, 95))} (goal p50 < 50 ms)`);
console.log(`  streamed turn, request to first reply.delta: p50 ${fmt(percentile(firstDeltas, 50))}, p95 ${fmt(percentile(firstDeltas, 95))}`);
console.log(`  streamed turn, request to done: p50 ${fmt(percentile(dones, 50))}, p95 ${fmt(percentile(dones, 95))}`);

service.kill('SIGTERM');
await once(service, 'exit');
engine.close();
rmSync(scratch, { recursive: true, force: true });
