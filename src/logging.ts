import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
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
