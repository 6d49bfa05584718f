import { Controller, Get, HttpStatus, Put, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { pipeline, Transform } from 'node:stream';
import { DomainError } from '../common/domain-error.js';
import { Public } from '../common/public.decorator.js';
import { LocalObjectStorage } from './local-object-storage.js';
import { ObjectNotFoundError, ObjectStorage } from './object-storage.js';
import { UploadTooLargeError } from './upload/file-upload.js';
import { UrlSigner } from './url-signer.js';

class SignatureError extends DomainError {
  constructor(reason: 'expired' | 'invalid') {
    super(
      reason === 'expired' ? 'SIGNED_URL_EXPIRED' : 'SIGNED_URL_INVALID',
      reason === 'expired' ? 'This signed URL has expired' : 'This signed URL is not valid',
      HttpStatus.FORBIDDEN,
    );
  }
}

/** The targets of the local adapter's presigned URLs (with the S3 adapter, clients talk to S3 instead). */
@ApiTags('storage')
@Public()
@Controller('storage')
export class StorageController {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly signer: UrlSigner,
  ) {}

  @Get('*key')
  @ApiOperation({ summary: 'Download through a presigned GET URL (local storage only)' })
  @ApiProduces('application/octet-stream')
  async download(@Req() req: Request, @Res() res: Response): Promise<void> {
    const { key, filename } = this.authorise(req, 'GET');
    const object = await this.storage.head(key);
    if (!object) throw new ObjectNotFoundError(key);
    res.setHeader('Content-Type', object.contentType);
    if (filename) res.attachment(filename);
    await new Promise<void>((resolve, reject) =>
      res.sendFile(this.local.objectPath(key), { dotfiles: 'allow', cacheControl: false }, (error) =>
        error && !res.headersSent ? reject(error) : resolve(),
      ),
    );
  }

  @Put('*key')
  @ApiOperation({ summary: 'Upload through a presigned PUT URL (local storage only)' })
  async upload(@Req() req: Request, @Res() res: Response): Promise<void> {
    const { key, contentType, maxBytes } = this.authorise(req, 'PUT');
    // A 413 is answered before the body is read: the connection must not be reused for another request.
    if (maxBytes !== undefined) res.setHeader('Connection', 'close');
    if (maxBytes !== undefined && Number(req.headers['content-length'] ?? 0) > maxBytes) throw new UploadTooLargeError(maxBytes);
    // pipeline, not pipe: a client that disconnects also ends the limited stream, so the put ends and cleans up.
    const body = maxBytes === undefined ? req : pipeline(req, limitedTo(maxBytes), () => undefined);
    const stored = await this.storage.put(key, body, {
      contentType: contentType ?? req.headers['content-type'] ?? 'application/octet-stream',
    });
    res.status(200).setHeader('ETag', `"${stored.size}"`).end();
  }

  private get local(): LocalObjectStorage {
    return this.storage as LocalObjectStorage;
  }

  private authorise(req: Request, method: 'GET' | 'PUT') {
    const raw = req.path.replace(/^\/storage\//, '');
    const key = raw.split('/').map(decodeURIComponent).join('/');
    const query = req.query as Record<string, unknown>;
    const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
    const expires = Number(text('expires'));
    const signature = text('signature');
    const contentType = method === 'PUT' ? text('contentType') : undefined;
    const filename = method === 'GET' ? text('filename') : undefined;
    const maxBytes = method === 'PUT' && text('maxBytes') !== undefined ? Number(text('maxBytes')) : undefined;
    if (!signature || !Number.isInteger(expires)) throw new SignatureError('invalid');
    const verdict = this.signer.verify({ method, key, expires, contentType, downloadName: filename, maxBytes }, signature);
    if (verdict !== 'valid') throw new SignatureError(verdict);
    if (contentType && req.headers['content-type'] !== contentType) throw new SignatureError('invalid');
    return { key, contentType, filename, maxBytes };
  }
}

/** Passes at most `maxBytes` through; one byte more fails the stream with 413 (the local put then keeps nothing). */
function limitedTo(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > maxBytes ? new UploadTooLargeError(maxBytes) : null, seen > maxBytes ? undefined : chunk);
    },
  });
}
