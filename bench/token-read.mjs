// Requests per second of GET /tokens/{id} on the service (Nest on Express, TypeORM, all its middleware) next
// to bare node:http + pg running the same SQL in the same run, and the ratio (goal: at least 30%).
// Run: npm run bench:tokens    (DATABASE_URL to use a server; otherwise an embedded PostgreSQL is started)
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { TokenEntity } from '../dist/src/catalog/token.entity.js';
import { tokenDetailQuery } from '../dist/src/catalog/tokens.service.js';
import { dataSourceOptions } from '../dist/src/database/data-source-options.js';
import { EmbeddedPostgres } from '../dist/src/database/embedded-postgres.js';
import { runMigrations } from '../dist/src/database/migrate.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const scratch = mkdtempSync(join(tmpdir(), 'bench-tokens-'));
chmodSync(scratch, 0o755);

let server = process.env.DATABASE_URL;
let embedded;
if (!server) {
  embedded = new EmbeddedPostgres({ dir: join(scratch, 'postgres'), port: 0, database: 'yousync', log: () => {} });
  server = await embedded.start();
}
const database = `yousync_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const url = new URL(server);
url.pathname = `/${database}`;
const databaseUrl = url.toString();
await runMigrations(databaseUrl);

// One token shaped like the demo catalog: two sentences, twelve words, a source URL.
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
const { rows: [actor] } = await db.query(`INSERT INTO actors (name, aliases) VALUES ('송강호', '{"Song Kang-ho"}') RETURNING id`);
const { rows: [source] } = await db.query(`INSERT INTO urls (url, youtube_id, title) VALUES ('https://youtu.be/dQw4w9WgXcQ', 'dQw4w9WgXcQ', 'Trailer') RETURNING id`);
const { rows: [token] } = await db.query(
  `INSERT INTO tokens (title, actor_id, url_id, start_time, end_time, language, tags, audio_key, audio_content_type)
   VALUES ('기생충', $1, $2, 60, 66, 'ko', '{drama}', 'tokens/1/clip.wav', 'audio/wav') RETURNING id`,
  [actor.id, source.id],
);
const sentences = [['오늘', '날씨가', '정말', '좋네요', '그렇지', '않아요'], ['우리', '같이', '산책', '갈까요', '지금', '바로']];
for (const [order, words] of sentences.entries()) {
  const { rows: [script] } = await db.query(
    `INSERT INTO scripts (token_id, "order", text, start_time, end_time) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [token.id, order, words.join(' '), order * 3, order * 3 + 2.8],
  );
  for (const [index, word] of words.entries()) {
    await db.query(
      `INSERT INTO script_words (script_id, "order", word, start_time, end_time, probability) VALUES ($1, $2, $3, $4, $5, 0.93)`,
      [script.id, index, word, order * 3 + index * 0.45, order * 3 + index * 0.45 + 0.4],
    );
  }
}
await db.end();

const dataSource = await new DataSource(dataSourceOptions(databaseUrl, 1)).initialize();
const [sql] = tokenDetailQuery(dataSource.getRepository(TokenEntity), token.id).getQueryAndParameters();
await dataSource.destroy();

async function serve(name, command, env, ready) {
  const child = spawn(process.execPath, command, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  while (!ready(output)) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.stdout.resume();
  return child;
}

async function measure(name, port) {
  const target = `http://127.0.0.1:${port}/tokens/${token.id}`;
  const check = await fetch(target);
  if (check.status !== 200) throw new Error(`${name}: GET ${target} answered ${check.status}`);
  await autocannon({ url: target, connections: CONNECTIONS, duration: 2 }); // warm-up
  const result = await autocannon({ url: target, connections: CONNECTIONS, duration: DURATION });
  if (result.non2xx || result.errors) throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, body: await check.json() };
}

const nestPort = 18_000 + (process.pid % 1000);
const barePort = nestPort + 1000;
const nest = await serve('service', ['dist/src/main.js'], {
  PORT: String(nestPort),
  DATABASE_URL: databaseUrl,
  DATA_DIR: join(scratch, 'data'),
  JOBS_WORKER: 'false',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
}, (output) => output.includes('listening'));
const bare = await serve('bare', ['bench/bare-token-server.mjs'], { PORT: String(barePort), DATABASE_URL: databaseUrl, TOKEN_SQL: sql }, (output) => output.includes('ready'));

const service = await measure('service', nestPort);
const baseline = await measure('bare', barePort);
const { audio_url: _a, ...serviceShape } = service.body;
const { audio_url: _b, ...bareShape } = baseline.body;
if (JSON.stringify(serviceShape) !== JSON.stringify(bareShape)) throw new Error('the two servers answer differently');

console.log(`GET /tokens/{id}, ${CONNECTIONS} connections, ${DURATION} s each, one token of 2 scripts and 12 words`);
console.log(`service (Nest + TypeORM, LOG_LEVEL=${process.env.LOG_LEVEL ?? 'info'}): ${service.rps.toFixed(0)} req/s  p50 ${service.p50} ms  p99 ${service.p99} ms`);
console.log(`bare node:http + pg, same SQL:    ${baseline.rps.toFixed(0)} req/s  p50 ${baseline.p50} ms  p99 ${baseline.p99} ms`);
const ratio = service.rps / baseline.rps;
console.log(`ratio: ${(ratio * 100).toFixed(0)}% of bare (goal: at least 30%) ${ratio >= 0.3 ? 'OK' : 'BELOW GOAL'}`);

nest.kill('SIGTERM');
bare.kill('SIGTERM');
await Promise.all([once(nest, 'exit'), once(bare, 'exit')]);
await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
await admin.end();
await embedded?.stop();
rmSync(scratch, { recursive: true, force: true });
