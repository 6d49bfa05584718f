import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
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
