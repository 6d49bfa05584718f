import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import type { Logger } from 'pino';
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

export interface StopHandlers {
  /** Stops accepting, drains, releases everything; the process exits 0 when it resolves. */
  shutdown(): Promise<void>;
  /** On a second signal, or when the shutdown overruns: releases at once what must not outlive the process. */
  stopNow?(): void;
}

/**
 * A terminal's Ctrl-C reaches both npm and the service (one process group), and npm forwards its own copy:
 * a repeat this soon after the first signal is the same request, not a second one.
 */
const SAME_REQUEST_MS = 1000;

/**
 * Installed first thing in a process: the first SIGINT or SIGTERM starts the graceful shutdown named by `ready`
 * (a signal during start-up runs it as soon as start-up is done); a second one, a second or more later, stops
 * at once. Gives up (exit 1) when the shutdown takes well over the shutdown timeout.
 */
export function stopOnSignal(config: AppConfig, log: Pick<Logger, 'info' | 'warn' | 'error'>): { ready(handlers: StopHandlers): void } {
  let handlers: StopHandlers | undefined;
  let firstAt: number | undefined;
  let began = false;

  const stopNow = (code: number) => {
    try {
      handlers?.stopNow?.();
    } finally {
      process.exit(code);
    }
  };
  const begin = () => {
    if (began || !handlers) return;
    began = true;
    handlers.shutdown().then(
      () => process.exit(0),
      (error: Error) => {
        log.error(`shutdown failed: ${error.message}`);
        stopNow(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt === undefined) {
      firstAt = Date.now();
      log.info(handlers ? `${signal} received: shutting down` : `${signal} received: shutting down once started`);
      setTimeout(() => {
        log.error('shutdown took too long: stopping now');
        stopNow(1);
      }, config.shutdownTimeoutMs + 10_000).unref();
      begin();
    } else if (Date.now() - firstAt >= SAME_REQUEST_MS) {
      log.warn(`${signal} received again: stopping now, without draining`);
      stopNow(128 + constants.signals[signal]);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    ready(given) {
      handlers = given;
      if (firstAt !== undefined) begin();
    },
  };
}

/** Runs a process's main function; a failure to start is printed and ends the process with status 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: Error) => {
    console.error(`failed to start: ${error.stack ?? error.message}`);
    process.exit(1);
  });
}
