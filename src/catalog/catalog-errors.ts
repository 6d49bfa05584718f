import { HttpStatus } from '@nestjs/common';
import { DomainError, NotFoundError } from '../common/domain-error.js';

export const tokenNotFound = (id: number) => new NotFoundError(`Token ${id}`, 'TOKEN_NOT_FOUND');
export const actorNotFound = (id: number) => new NotFoundError(`Actor ${id}`, 'ACTOR_NOT_FOUND');
export const urlNotFound = (id: number) => new NotFoundError(`URL ${id}`, 'URL_NOT_FOUND');
export const clipNotUploaded = (id: number) => new NotFoundError(`The clip audio of token ${id}`, 'CLIP_NOT_UPLOADED');
export const scriptNotFound = (id: number) => new NotFoundError(`Script ${id}`, 'SCRIPT_NOT_FOUND');

/** A body that refers to something that does not exist (400: the request, not the route, is wrong). */
export class UnknownReferenceError extends DomainError {
  constructor(what: string, id: number) {
    super('UNKNOWN_REFERENCE', `${what} ${id} does not exist`, HttpStatus.BAD_REQUEST);
  }
}

export class InvalidTimesError extends DomainError {
  constructor(start: number, end: number) {
    super('INVALID_TIMES', `end_time (${end}) must be after start_time (${start})`, HttpStatus.BAD_REQUEST);
  }
}

const PG_UNIQUE_VIOLATION = '23505';
// ON DELETE RESTRICT raises restrict_violation, NO ACTION raises foreign_key_violation.
const PG_REFERENCED = ['23001', '23503'];

export const isUniqueViolation = (error: unknown) =>
  (error as { driverError?: { code?: string } }).driverError?.code === PG_UNIQUE_VIOLATION;
export const isForeignKeyViolation = (error: unknown) =>
  PG_REFERENCED.includes((error as { driverError?: { code?: string } }).driverError?.code ?? '');
