// Run: npm run bench:start-up
// Time from `npm start` (as a user runs it) to a healthy GET /health: a first start on a fresh data directory
// (embedded PostgreSQL initialised, migrations, demo catalog) and a restart on existing data. The build is
// brought up to date once before timing, so each figure is what a user sees when nothing was edited.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROUNDS = Number(process.env.ROUNDS ?? 3);

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function startUntilHealthy(dataDir) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  for (;;) {
    const healthy = await fetch(`http://127.0.0.1:${port}/health`).then((response) => response.ok, () => false);
    if (healthy) break;
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
    await sleep(25);
  }
  const elapsed = performance.now() - started;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return elapsed;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

await new Promise((resolve, reject) =>
  spawn('node', ['scripts/build.mjs', '--if-stale'], { stdio: 'inherit' }).once('exit', (code) => (code === 0 ? resolve() : reject(new Error('build failed')))),
);
const first = [];
const restart = [];
for (let round = 0; round < ROUNDS; round++) {
  const dataDir = await mkdtemp(join(tmpdir(), 'yousync-bench-start-'));
  await chmod(dataDir, 0o755); // as root, the embedded PostgreSQL runs as `postgres`, which must reach it
  first.push(await startUntilHealthy(dataDir));
  restart.push(await startUntilHealthy(dataDir));
  await rm(dataDir, { recursive: true, force: true });
}
console.log(`Node ${process.version}, ${ROUNDS} rounds`);
console.log(`first start (fresh DATA_DIR) to healthy /health: median ${seconds(median(first))} of ${first.map(seconds).join(', ')}`);
console.log(`restart (existing data) to healthy /health:      median ${seconds(median(restart))} of ${restart.map(seconds).join(', ')}`);
