import { existsSync } from 'node:fs';
import { AppConfig, loadAppConfig } from './config/app-config.js';
import { ConfigurationError } from './config/environment.js';

/** Loads `.env` when present, then validates the configuration; a bad value stops the process, naming it. */
export function loadConfigOrExit(overrides: Record<string, string> = {}): AppConfig {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadAppConfig({ ...process.env, ...overrides });
  } catch (error) {
    if (error instanceof ConfigurationError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/** Runs `shutdown` once on SIGINT or SIGTERM, then exits; gives up (exit 1) after the shutdown timeout. */
export function runUntilSignal(config: AppConfig, log: (message: string) => void, shutdown: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received: shutting down`);
    setTimeout(() => {
      log('shutdown took too long: exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 10_000).unref();
    shutdown().then(
      () => process.exit(0),
      (error: Error) => {
        log(`shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Runs a process's main function; a failure to start is printed and ends the process with status 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: Error) => {
    console.error(`failed to start: ${error.stack ?? error.message}`);
    process.exit(1);
  });
}
