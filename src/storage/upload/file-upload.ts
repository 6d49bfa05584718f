import { HttpStatus } from '@nestjs/common';
import busboy from 'busboy';
import type { Request } from 'express';
import { fileTypeFromBuffer } from 'file-type';
import { PassThrough, pipeline, type Readable } from 'node:stream';
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

export class TooManyFilesError extends DomainError {
  constructor(field: string) {
    super('TOO_MANY_FILES', `Send exactly one file, in the field "${field}"; this upload holds more`, HttpStatus.BAD_REQUEST);
  }
}

export class TooManyFieldsError extends DomainError {
  constructor(maxFields: number) {
    super('TOO_MANY_FIELDS', `The form has more than ${maxFields} fields besides the file`, HttpStatus.PAYLOAD_TOO_LARGE);
  }
}

export class MalformedUploadError extends DomainError {
  constructor(reason: string) {
    super('MALFORMED_MULTIPART', `The multipart/form-data body is malformed: ${reason}`, HttpStatus.BAD_REQUEST);
  }
}

export class UploadAbortedError extends DomainError {
  constructor() {
    super('UPLOAD_ABORTED', 'The upload was interrupted before the form was complete', HttpStatus.BAD_REQUEST);
  }
}

export class UploadTimeoutError extends DomainError {
  constructor(timeoutMs: number) {
    // The rest of a late body is not worth reading: the connection closes after the answer.
    super('UPLOAD_TIMEOUT', `The upload did not arrive within ${timeoutMs / 1000} s`, HttpStatus.REQUEST_TIMEOUT, {
      Connection: 'close',
    });
  }
}

export interface SniffedType {
  mime: string;
  ext: string;
}

export interface FileUploadOptions {
  field: string;
  maxBytes: number;
  /** The longest the whole request may take to arrive (UPLOAD_TIMEOUT_SECONDS); 408 after it. */
  timeoutMs: number;
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
const MAX_FIELDS = 20;

/**
 * Streams the one file of a multipart request into object storage: its type is detected from its first bytes,
 * its size is capped while it streams, and the file is never held in memory beyond the first few kilobytes.
 * The object is kept only when the whole form arrived and was valid: an abort, a timeout, a parser error or a
 * refused file at any point ends the storage write, deletes what was written and releases every handle.
 */
export async function receiveFileUpload(req: Request, storage: ObjectStorage, options: FileUploadOptions): Promise<ReceivedFile> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.maxBytes + MULTIPART_OVERHEAD) {
    req.resume();
    throw new UploadTooLargeError(options.maxBytes);
  }
  if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) throw new MissingFileError(options.field);

  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: options.maxBytes, fields: MAX_FIELDS } });
  } catch (error) {
    req.resume();
    throw new MalformedUploadError((error as Error).message);
  }

  // Every way an upload can go wrong ends in this one abort, whose reason is what the client is told.
  const upload = new AbortController();
  const fail = (error: unknown) => {
    if (!upload.signal.aborted) upload.abort(error);
  };
  const timer = setTimeout(() => fail(new UploadTimeoutError(options.timeoutMs)), options.timeoutMs);
  upload.signal.addEventListener(
    'abort',
    () => {
      clearTimeout(timer);
      req.unpipe(parser);
      // Ends the file stream being stored with the error, so the storage write fails and cleans up after itself.
      parser.destroy(upload.signal.reason as Error);
      // The rest of the body is read and dropped, so the error answer reaches a client still sending.
      if (!req.destroyed) req.resume();
    },
    { once: true },
  );

  let stored: Promise<ReceivedFile> | undefined;
  parser.on('file', (field, stream, info) => {
    if (field !== options.field) {
      stream.resume();
      return;
    }
    stored = store(stream, info.filename, storage, options, upload.signal);
    stored.catch(fail);
  });
  parser.on('filesLimit', () => fail(new TooManyFilesError(options.field)));
  parser.on('fieldsLimit', () => fail(new TooManyFieldsError(MAX_FIELDS)));
  parser.on('error', (error: Error) => fail(new MalformedUploadError(error.message)));
  req.on('error', () => fail(new UploadAbortedError()));
  req.once('close', () => {
    if (!req.complete) fail(new UploadAbortedError());
  });

  const formParsed = new Promise<void>((resolve, reject) => {
    parser.once('finish', resolve);
    upload.signal.addEventListener('abort', () => reject(upload.signal.reason), { once: true });
  });
  req.pipe(parser);

  try {
    await formParsed;
    if (!stored) throw new MissingFileError(options.field);
    const file = await stored;
    // Aborted after the form was parsed (e.g. the connection dropped while the last part was being stored).
    if (upload.signal.aborted) throw upload.signal.reason;
    return file;
  } catch (error) {
    fail(error);
    const file = await stored?.catch(() => undefined);
    if (file) await storage.delete(file.key).catch(() => undefined);
    throw upload.signal.reason;
  } finally {
    clearTimeout(timer);
  }
}

async function store(
  file: Readable,
  filename: string | undefined,
  storage: ObjectStorage,
  options: FileUploadOptions,
  signal: AbortSignal,
): Promise<ReceivedFile> {
  // The parser destroys this stream with the upload's error; its outcome is read through readHead and pipeline.
  file.on('error', () => undefined);
  const head = await readHead(file, SNIFF_BYTES);
  const type = head.length > 0 ? await fileTypeFromBuffer(head) : undefined;
  if (!type || !options.accept(type)) throw new UnsupportedMediaError(options.describe, type?.mime);
  signal.throwIfAborted();

  const body = new PassThrough();
  let tooLarge = false;
  file.once('limit', () => {
    tooLarge = true;
    body.destroy(new UploadTooLargeError(options.maxBytes));
  });
  body.write(head);
  // pipeline, not pipe: an error or early end of the file stream also ends the body the storage is reading.
  pipeline(file, body, () => undefined);

  const key = options.keyFor(type);
  try {
    const stored = await storage.put(key, body, { contentType: type.mime });
    if (tooLarge) throw new UploadTooLargeError(options.maxBytes);
    return { ...stored, type, filename };
  } catch (error) {
    await storage.delete(key).catch(() => undefined);
    throw tooLarge ? new UploadTooLargeError(options.maxBytes) : error;
  }
}

/** Reads at least `bytes` from the stream (or all of it, if shorter) without losing the rest. */
function readHead(stream: Readable, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const settle = (error?: Error) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', settle);
      stream.off('close', onClose);
      if (error) return reject(error);
      stream.pause();
      resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= bytes) settle();
    };
    const onEnd = () => settle();
    const onClose = () => settle(new UploadAbortedError());
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', settle);
    stream.once('close', onClose);
  });
}
