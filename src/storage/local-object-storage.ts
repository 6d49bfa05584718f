import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertValidObjectKey,
  ObjectNotFoundError,
  ObjectStorage,
  type GetOptions,
  type ObjectDownload,
  type PresignOptions,
  type PutOptions,
  type StoredObject,
} from './object-storage.js';
import type { UrlSigner } from './url-signer.js';

interface ObjectMetadata {
  contentType: string;
}

/** Files on the local disk under DATA_DIR; presigned URLs point at this service's /storage routes. */
export class LocalObjectStorage extends ObjectStorage {
  readonly driver = 'local' as const;
  private readonly objectsDir: string;
  private readonly metadataDir: string;
  private readonly partialDir: string;

  constructor(
    root: string,
    private readonly signer: UrlSigner,
    private readonly publicUrl: string,
    private readonly defaultTtlSeconds: number,
  ) {
    super();
    this.objectsDir = join(root, 'objects');
    this.metadataDir = join(root, 'metadata');
    this.partialDir = join(root, 'partial');
  }

  async put(key: string, body: Readable, options: PutOptions): Promise<StoredObject> {
    assertValidObjectKey(key);
    await mkdir(this.partialDir, { recursive: true });
    // Written aside and renamed into place: a reader never sees half a file, a failed upload leaves nothing.
    const partial = join(this.partialDir, randomUUID());
    const file = createWriteStream(partial, { flags: 'wx' });
    try {
      await pipeline(body, file);
      const target = this.objectPath(key);
      await mkdir(dirname(target), { recursive: true });
      await mkdir(dirname(this.metadataPath(key)), { recursive: true });
      await writeFile(this.metadataPath(key), JSON.stringify({ contentType: options.contentType } satisfies ObjectMetadata));
      await rename(partial, target);
      const { size } = await stat(target);
      return { key, size, contentType: options.contentType };
    } finally {
      // A failed pipeline destroys the file; its descriptor is released (and the file created) only by then.
      if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
      await rm(partial, { force: true });
    }
  }

  /** A put writes its partial file as the bytes arrive: one untouched for longer than the longest upload belongs to no put. */
  async removeAbandonedUploads(olderThanMs: number): Promise<number> {
    const names = await readdir(this.partialDir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const path = join(this.partialDir, name);
      const modified = await stat(path).then((info) => info.mtimeMs, () => undefined);
      if (modified === undefined || Date.now() - modified <= olderThanMs) continue;
      await rm(path, { force: true, recursive: true });
      removed++;
    }
    return removed;
  }

  async get(key: string, options: GetOptions = {}): Promise<ObjectDownload> {
    const object = await this.head(key);
    if (!object) throw new ObjectNotFoundError(key);
    return { ...object, body: createReadStream(this.objectPath(key), options.range) };
  }

  async head(key: string): Promise<StoredObject | null> {
    assertValidObjectKey(key);
    try {
      const { size } = await stat(this.objectPath(key));
      const metadata = await readFile(this.metadataPath(key), 'utf8')
        .then((text) => JSON.parse(text) as ObjectMetadata)
        .catch(() => ({ contentType: 'application/octet-stream' }));
      return { key, size, contentType: metadata.contentType };
    } catch {
      return null;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidObjectKey(key);
    await rm(this.objectPath(key), { force: true });
    await rm(this.metadataPath(key), { force: true });
  }

  /** Where the /storage route finds a key's bytes (for Range-capable serving). */
  objectPath(key: string): string {
    assertValidObjectKey(key);
    return join(this.objectsDir, key);
  }

  async presignPut(key: string, options: PresignOptions = {}): Promise<string> {
    return this.presign('PUT', key, options);
  }

  async presignGet(key: string, options: PresignOptions = {}): Promise<string> {
    return this.presign('GET', key, options);
  }

  async check(): Promise<void> {
    await mkdir(this.objectsDir, { recursive: true });
    await access(this.objectsDir);
  }

  private presign(method: 'GET' | 'PUT', key: string, options: PresignOptions): string {
    assertValidObjectKey(key);
    const expires = Math.floor(Date.now() / 1000) + (options.expiresInSeconds ?? this.defaultTtlSeconds);
    const request = {
      method,
      key,
      expires,
      contentType: method === 'PUT' ? options.contentType : undefined,
      downloadName: method === 'GET' ? options.downloadName : undefined,
      maxBytes: method === 'PUT' ? options.maxBytes : undefined,
    };
    const query = new URLSearchParams({ expires: String(expires) });
    if (request.contentType) query.set('contentType', request.contentType);
    if (request.downloadName) query.set('filename', request.downloadName);
    if (request.maxBytes !== undefined) query.set('maxBytes', String(request.maxBytes));
    query.set('signature', this.signer.sign(request));
    return `${this.publicUrl}/storage/${key.split('/').map(encodeURIComponent).join('/')}?${query}`;
  }

  private metadataPath(key: string): string {
    return join(this.metadataDir, `${key}.json`);
  }
}
