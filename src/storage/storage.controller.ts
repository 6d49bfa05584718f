import { Controller, Get, HttpStatus, Put, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError } from '../common/domain-error.js';
import { Public } from '../common/public.decorator.js';
import { LocalObjectStorage } from './local-object-storage.js';
import { ObjectNotFoundError, ObjectStorage } from './object-storage.js';
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
    const { key, contentType } = this.authorise(req, 'PUT');
    const stored = await this.storage.put(key, req, {
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
    if (!signature || !Number.isInteger(expires)) throw new SignatureError('invalid');
    const verdict = this.signer.verify({ method, key, expires, contentType, downloadName: filename }, signature);
    if (verdict !== 'valid') throw new SignatureError(verdict);
    if (contentType && req.headers['content-type'] !== contentType) throw new SignatureError('invalid');
    return { key, contentType, filename };
  }
}
