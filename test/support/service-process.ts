import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * What the service does by default but these tests leave out unless they set it: the analyzer's warm-up
 * (1.5-3 s of CPU per process, on two cores shared with the other test files).
 */
const QUIET_START = { ANALYSIS_WARM_UP: 'false' };

export interface ServiceProcess {
  child: ChildProcess;
  pid: number;
  output(): string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Runs a built entry point (`main` = the web process, `worker`) as `npm start` / `npm run worker` would, with
 * exactly the environment given (plus PATH, HOME and QUIET_START), and captures what it prints.
 */
export function spawnService(entry: 'main' | 'worker', env: Record<string, string>): ServiceProcess {
  return watch(
    spawn(process.execPath, [join(ROOT, 'dist', 'src', `${entry}.js`)], {
      cwd: ROOT,
      env: { ...QUIET_START, PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

/**
 * Runs `npm start` or `npm run worker` itself, the process a terminal, Docker or systemd starts; its pid is npm's.
 * `--ignore-scripts` skips only the pre-script's rebuild: the e2e setup built dist/ already, and a rebuild would
 * delete it under the other test files. `detached` makes npm a process group leader, as in a terminal.
 */
export function spawnNpmScript(
  script: 'start' | 'worker',
  env: Record<string, string>,
  { detached = false }: { detached?: boolean } = {},
): ServiceProcess {
  const args = script === 'start' ? ['start', '--ignore-scripts'] : ['run', 'worker', '--ignore-scripts'];
  return watch(
    spawn('npm', args, {
      cwd: ROOT,
      env: { ...QUIET_START, PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached,
    }),
  );
}

function watch(child: ChildProcess): ServiceProcess {
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  return {
    child,
    pid: child.pid!,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Waits until GET /health answers 200 (returns the body), or the process exits, or the time runs out. */
export async function waitForHealth(service: ServiceProcess, baseUrl: string, timeoutMs = 60_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  let exited = false;
  void service.exited.then(() => (exited = true));
  while (Date.now() < until) {
    if (exited) throw new Error(`service exited before it was healthy:\n${service.output()}`);
    try {
      const response = await fetch(`${baseUrl}/health`);
      if (response.status === 200) return response.json();
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`service not healthy after ${timeoutMs} ms:\n${service.output()}`);
}
