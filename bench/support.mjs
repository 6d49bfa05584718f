import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Samples this process's RSS every few milliseconds; `stop()` returns the peak growth over the baseline. */
export function rssMeter() {
  globalThis.gc?.();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return { baseline, peak, growth: peak - baseline };
    },
  };
}

export const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);

/** An S3-compatible server (s3rver) in a child process, so its memory is not counted as ours. */
export async function startS3rver(bucket) {
  const directory = mkdtempSync(join(tmpdir(), 'bench-s3-'));
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import S3rver from 's3rver';
       const s = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: ${JSON.stringify(directory)},
         configureBuckets: [{ name: ${JSON.stringify(bucket)}, configs: [] }] });
       const { port } = await s.run(); console.log(port);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = await once(child.stdout, 'data');
  return { endpoint: `http://127.0.0.1:${String(line).trim()}`, stop: () => child.kill() };
}

/**
 * The built service (dist/) in a child process on `port`, with only PATH and HOME from this environment plus
 * `env`; resolves once GET /health answers. `rss()` reads the child's resident memory.
 */
export async function startService(port, env) {
  const base = `http://127.0.0.1:${port}`;
  const service = spawn(process.execPath, ['dist/src/main.js'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  service.stdout.resume();
  for (;;) {
    if (service.exitCode !== null) throw new Error('the service exited before it was healthy');
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${service.pid}/status`, 'utf8'))[1]) * 1024;
  return { service, base, rss };
}
