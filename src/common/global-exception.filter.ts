import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from './domain-error.js';

/** The one error body of the service (CONTRACT.md, Errors). `detail` is what the seeds' clients read. */
export interface ErrorBody {
  statusCode: number;
  message: string | string[];
  error: string;
  code?: string;
  detail: string;
  requestId?: string;
}

// Network errors of the driver, and SQLSTATE classes 08 (connection exception), 57P (shutdown) and 53300.
const UNAVAILABLE_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|08...|57P0[123]|53300)$/;
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|connection error|not queryable/i;

/** Whether an error means PostgreSQL could not be reached (503: the request may succeed later), not a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 4; depth++) {
    if (typeof current.code === 'string' && UNAVAILABLE_CODES.test(current.code)) return true;
    if (typeof current.message === 'string' && UNAVAILABLE_MESSAGES.test(current.message)) return true;
    current = (current.driverError ?? current.cause) as typeof current;
  }
  return false;
}

const reasonPhrase = (status: number) =>
  (HttpStatus[status] ?? 'Error')
    .toLowerCase()
    .split('_')
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');

/** Turns every error into the error body, with the request id; a client's mistake never becomes a 500. */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request & { id?: string }>();
    const res = http.getResponse<Response>();
    const { status, body, headers } = this.describe(exception);
    body.requestId = req.id === undefined ? undefined : String(req.id);
    if (status >= 500) {
      this.logger.error({ err: exception, requestId: body.requestId }, `${req.method} ${req.originalUrl} failed`);
    }
    if (res.headersSent) {
      // A streaming response (SSE, download) broke after it started: nothing can be sent, just end it.
      if (!res.writableEnded) res.end();
      return;
    }
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.status(status).json(body);
  }

  private describe(exception: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
    // Nest wraps an error Express middleware raised with an HTTP status (the body parser's) in an HttpException.
    if (exception instanceof HttpException && exception.cause instanceof DomainError) return this.describe(exception.cause);
    if (exception instanceof DomainError) {
      return {
        status: exception.status,
        body: { ...exception.fields, ...this.body(exception.status, exception.message, exception.code) },
        headers: exception.headers,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const malformedJson = (exception.cause as { type?: string } | undefined)?.type === 'entity.parse.failed';
      const message = malformedJson
        ? `Malformed JSON in request body: ${exception.message}`
        : typeof response === 'string'
          ? response
          : ((response as { message?: string | string[] }).message ?? exception.message);
      const code = typeof response === 'object' ? (response as { code?: string }).code : undefined;
      const headers: Record<string, string> = {};
      if (status === HttpStatus.TOO_MANY_REQUESTS) {
        const retryAfter = (response as { retryAfter?: number }).retryAfter;
        if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
      }
      // Fields an exception chose to carry (e.g. the health check's details) stay in the body.
      const extra = typeof response === 'object' ? response : {};
      return { status, body: { ...extra, ...this.body(status, message, code) }, headers };
    }
    // Errors raised by Express middleware (body parser, etc.) carry their HTTP status.
    const expressStatus = (exception as { status?: unknown; statusCode?: unknown })?.status;
    if (typeof expressStatus === 'number' && expressStatus >= 400 && expressStatus < 500) {
      const type = (exception as { type?: string }).type;
      const message =
        type === 'entity.parse.failed'
          ? 'Malformed JSON in request body'
          : type === 'entity.too.large'
            ? 'Request body too large'
            : ((exception as Error).message ?? reasonPhrase(expressStatus));
      return { status: expressStatus, body: this.body(expressStatus, message), headers: {} };
    }
    if (isDatabaseUnavailable(exception)) {
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        body: this.body(HttpStatus.SERVICE_UNAVAILABLE, 'The database is unavailable; try again shortly', 'DATABASE_UNAVAILABLE'),
        headers: { 'Retry-After': '5' },
      };
    }
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: this.body(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error', 'INTERNAL'),
      headers: {},
    };
  }

  private body(status: number, message: string | string[], code?: string): ErrorBody {
    return {
      statusCode: status,
      message,
      error: reasonPhrase(status),
      ...(code ? { code } : {}),
      detail: Array.isArray(message) ? message.join('; ') : message,
    };
  }
}
