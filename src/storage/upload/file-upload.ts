import { HttpStatus } from '@nestjs/common';
import busboy from 'busboy';
import type { Request } from 'express';
import { fileTypeFromBuffer } from 'file-type';
import { PassThrough, type Readable } from 'node:stream';
import { DomainError } from '../../common/domain-error.js';
import type { ObjectStorage, StoredObject } from '../object-storage.js';

export class UploadTooLargeError extends DomainError {
  constructor(maxBytes: number) {
    super('UPLOAD_TOO_LARGE', `The file is larger than ${maxBytes} bytes`, HttpStatus.PAYLOAD_TOO_LARGE);
  }
}

export class UnsupportedMediaError extends DomainError {
  constructor(what: string, detected?: string) {
    super(
      'UNSUPPORTED_MEDIA_TYPE',
      `The file is not ${what}${detected ? ` (its content looks like ${detected})` : ' (its content is not recognised)'}`,
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    );
  }
}

export class MissingFileError extends DomainError {
  constructor(field: string) {
    super('FILE_REQUIRED', `Send the file as multipart/form-data in the field "${field}"`, HttpStatus.BAD_REQUEST);
  }
}

export interface SniffedType {
  mime: string;
  ext: string;
}

export interface FileUploadOptions {
  field: string;
  maxBytes: number;
  /** Decides from the detected type (from the bytes, never the client's claim); undefined when unrecognised. */
  accept(type: SniffedType | undefined): boolean;
  /** Describes acceptable files for the 415 message, e.g. "audio (wav, mp3, …)". */
  describe: string;
  keyFor(type: SniffedType): string;
}

export interface ReceivedFile extends StoredObject {
  type: SniffedType;
  filename?: string;
}

// Enough bytes for file-type to recognise every format it knows.
const SNIFF_BYTES = 4100;
// Multipart framing around the file; a declared length beyond max + this is refused before reading.
const MULTIPART_OVERHEAD = 64 * 1024;

/**
 * Streams one file of a multipart request into object storage: its type is detected from its first bytes,
 * its size is capped while it streams, and a refused or broken upload leaves nothing stored. The file is never
 * held in memory beyond the first few kilobytes.
 */
export async function receiveFileUpload(req: Request, storage: ObjectStorage, options: FileUploadOptions): Promise<ReceivedFile> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.maxBytes + MULTIPART_OVERHEAD) {
    req.resume();
    throw new UploadTooLargeError(options.maxBytes);
  }
  if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) throw new MissingFileError(options.field);

  return new Promise<ReceivedFile>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: options.maxBytes, fields: 20, parts: 25 } });
    } catch {
      reject(new MissingFileError(options.field));
      return;
    }
    let handled: Promise<ReceivedFile> | undefined;
    let settled = false;
    const finish = (error?: unknown, file?: ReceivedFile) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.resume();
      if (error) reject(error);
      else resolve(file!);
    };

    parser.on('file', (field, stream, info) => {
      if (field !== options.field || handled) {
        stream.resume();
        return;
      }
      handled = store(stream, info.filename, storage, options);
      handled.then((file) => finish(undefined, file), finish);
    });
    parser.on('error', () => finish(new MissingFileError(options.field)));
    parser.on('close', () => {
      if (!handled) finish(new MissingFileError(options.field));
    });
    req.on('aborted', () => finish(new DomainError('UPLOAD_ABORTED', 'The upload was interrupted', HttpStatus.BAD_REQUEST)));
    req.pipe(parser);
  });
}

async function store(file: Readable, filename: string | undefined, storage: ObjectStorage, options: FileUploadOptions) {
  const head = await readHead(file, SNIFF_BYTES);
  const type = head.length > 0 ? await fileTypeFromBuffer(head) : undefined;
  if (!type || !options.accept(type)) {
    file.resume();
    throw new UnsupportedMediaError(options.describe, type?.mime);
  }

  const body = new PassThrough();
  let tooLarge = false;
  file.once('limit', () => {
    tooLarge = true;
    body.destroy(new UploadTooLargeError(options.maxBytes));
  });
  body.write(head);
  file.pipe(body);

  const key = options.keyFor(type);
  try {
    const stored = await storage.put(key, body, { contentType: type.mime });
    if (tooLarge) throw new UploadTooLargeError(options.maxBytes);
    return { ...stored, type, filename };
  } catch (error) {
    file.resume();
    await storage.delete(key).catch(() => undefined);
    throw tooLarge ? new UploadTooLargeError(options.maxBytes) : error;
  }
}

/** Reads at least `bytes` from the stream (or all of it, if shorter) without losing the rest. */
function readHead(stream: Readable, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const done = () => {
      stream.off('data', onData);
      stream.off('end', done);
      stream.off('error', reject);
      stream.pause();
      resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= bytes) done();
    };
    stream.on('data', onData);
    stream.once('end', done);
    stream.once('error', reject);
  });
}
