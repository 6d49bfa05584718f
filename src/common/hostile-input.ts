import { HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { DomainError } from './domain-error.js';

/** Deeper JSON than any body of this API needs; validators recurse, so deeper input would exhaust the stack. */
export const MAX_JSON_DEPTH = 32;

export class NulCharacterError extends DomainError {
  constructor(field: string) {
    super('NUL_CHARACTER', `${field} must not contain a NUL character (\\u0000)`, HttpStatus.BAD_REQUEST);
  }
}

export class JsonTooDeepError extends DomainError {
  readonly type = 'entity.verify.failed';
  constructor() {
    super('JSON_TOO_DEEP', `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`, HttpStatus.BAD_REQUEST);
  }
}

/**
 * Fails when raw JSON nests objects and arrays deeper than MAX_JSON_DEPTH. One pass over the bytes, before
 * parsing: brackets inside strings do not count.
 */
export function assertJsonDepth(body: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === 0x5c) i++; // backslash: the next byte is escaped
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) throw new JsonTooDeepError();
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--;
    }
  }
}

/** The path of the first string (value or key) in `value` that holds a NUL character, or undefined. */
export function findNulCharacter(value: unknown, path: string): string | undefined {
  const pending: Array<[unknown, string]> = [[value, path]];
  while (pending.length > 0) {
    const [current, at] = pending.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\0')) return at;
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push([item, `${at}[${index}]`]));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        if (key.includes('\0')) return at;
        pending.push([item, at ? `${at}.${key}` : key]);
      }
    }
  }
  return undefined;
}

/**
 * PostgreSQL text cannot hold NUL, so a NUL from outside would reach the database as a 500. Refused here, once,
 * for the path, the query and any parsed body (400 naming the field).
 */
export function rejectNulCharacters(req: Request, _res: Response, next: NextFunction): void {
  if (/%00/.test(req.path)) return next(new NulCharacterError('The path'));
  const inQuery = findNulCharacter(req.query, '');
  if (inQuery !== undefined) return next(new NulCharacterError(`Query parameter ${inQuery}`));
  const inBody = findNulCharacter(req.body, '');
  if (inBody !== undefined) return next(new NulCharacterError(inBody === '' ? 'The body' : `Body field ${inBody}`));
  next();
}
