import { HttpStatus } from '@nestjs/common';

/**
 * An error a module reports to its callers: a stable machine-readable code, a message for people, and the HTTP
 * status it maps to when it reaches a client. The global exception filter is the only place that maps it.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: HttpStatus = HttpStatus.BAD_REQUEST,
    readonly headers: Record<string, string> = {},
    /** Further fields of the error body a client reads (e.g. a queue position); never code, message or status. */
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, code = 'NOT_FOUND') {
    super(code, `${what} not found`, HttpStatus.NOT_FOUND);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string) {
    super(code, message, HttpStatus.CONFLICT);
  }
}
