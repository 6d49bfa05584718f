import { HttpStatus } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { DomainError } from '../common/domain-error.js';

export interface StoredObject {
  key: string;
  size: number;
  contentType: string;
}

export interface ObjectDownload extends StoredObject {
  body: Readable;
}

export interface GetOptions {
  /** Only these bytes (inclusive, as an HTTP Range); `size` stays the whole object's size. */
  range?: { start: number; end: number };
}

export interface PutOptions {
  contentType: string;
}

export interface PresignOptions {
  expiresInSeconds?: number;
  /** PUT: the Content-Type the uploader must send. */
  contentType?: string;
  /**
   * PUT: the largest body the uploader may send. The local adapter enforces it (413, nothing kept); an S3 presigned
   * PUT cannot bound the size, so check it with head() before using the object.
   */
  maxBytes?: number;
  /** GET: served as an attachment with this file name. */
  downloadName?: string;
}

/**
 * Where files live. Two adapters: S3 (any S3-compatible endpoint) and the local disk under DATA_DIR, which signs
 * its own URLs, so presigned flows behave alike on both. Bodies always stream; no adapter holds a whole file.
 */
export abstract class ObjectStorage {
  abstract readonly driver: 'local' | 's3';
  abstract put(key: string, body: Readable, options: PutOptions): Promise<StoredObject>;
  /** Throws ObjectNotFoundError for a missing key. */
  abstract get(key: string, options?: GetOptions): Promise<ObjectDownload>;
  abstract head(key: string): Promise<StoredObject | null>;
  abstract delete(key: string): Promise<void>;
  abstract presignPut(key: string, options?: PresignOptions): Promise<string>;
  abstract presignGet(key: string, options?: PresignOptions): Promise<string>;
  /** Throws when the storage cannot be reached (health check). */
  abstract check(): Promise<void>;
  /**
   * Removes what puts that never finished left behind (a crash mid-upload): partial files, or multipart uploads
   * never completed nor aborted. Only those idle for longer than `olderThanMs`, so puts in flight are kept.
   * Returns how many were removed.
   */
  abstract removeAbandonedUploads(olderThanMs: number): Promise<number>;
}

export class ObjectNotFoundError extends DomainError {
  constructor(key: string) {
    super('OBJECT_NOT_FOUND', `No stored object at ${key}`, HttpStatus.NOT_FOUND);
  }
}

export class InvalidObjectKeyError extends DomainError {
  constructor(reason: string) {
    super('INVALID_OBJECT_KEY', `Invalid object key: ${reason}`, HttpStatus.BAD_REQUEST);
  }
}

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Keys are relative paths of safe segments: the local adapter maps them onto the disk. */
export function assertValidObjectKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidObjectKeyError('empty');
  if (Buffer.byteLength(key) > 1024) throw new InvalidObjectKeyError('longer than 1024 bytes');
  if (CONTROL_CHARACTERS.test(key)) throw new InvalidObjectKeyError('control characters');
  if (key.startsWith('/') || key.includes('\\')) throw new InvalidObjectKeyError('absolute or backslash path');
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') throw new InvalidObjectKeyError(`bad segment "${segment}"`);
  }
}
