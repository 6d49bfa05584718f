import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import type { Logger as NestPinoLogger, Params } from 'nestjs-pino';
import { pino, type Logger } from 'pino';
import type { AppConfig } from './config/app-config.js';

const REQUEST_ID = /^[\w.-]{1,128}$/;

/** Gives the request its id (X-Request-Id when sane, else a new one) and echoes it; runs before anything else. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  req.id = id;
  res.setHeader('X-Request-Id', id);
  return id;
}

/** Structured JSON logs with one request id per request: taken from X-Request-Id when sane, echoed back. */
export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      genReqId: (req, res) => (req.id as string | undefined) ?? assignRequestId(req, res),
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
      // One short line per request: what was asked, by whom, how it ended. Headers stay out of the logs (they
      // carry tokens and cookies, and serialising them all costs more than the request itself).
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    },
  };
}

/** The process's own lines (start-up, shutdown), in the same JSON and at the same level as the request logs. */
export function processLogger(config: AppConfig): Logger {
  return pino({ level: config.logLevel });
}

// Nest's own start-up narration (every module loaded, every route mapped) and the demo catalog's report.
const START_UP_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'NestApplicationContext',
  'DemoCatalogSeeder',
]);

/**
 * Nest's logger, through pino, with the start-up chatter at debug: at info a start prints the one line that says
 * what the service runs on (see start-up-summary.ts), not eighty route mappings.
 */
export class QuietStartLogger implements LoggerService {
  constructor(private readonly logger: NestPinoLogger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams.at(-1);
    if (typeof context === 'string' && START_UP_CONTEXTS.has(context)) this.logger.debug(message, ...optionalParams);
    else this.logger.log(message, ...optionalParams);
  }
  error(message: unknown, ...optionalParams: unknown[]): void {
    this.logger.error(message, ...optionalParams);
  }
  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.logger.warn(message, ...optionalParams);
  }
  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.logger.debug(message, ...optionalParams);
  }
  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.logger.verbose(message, ...optionalParams);
  }
  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.logger.fatal(message, ...optionalParams);
  }
}
