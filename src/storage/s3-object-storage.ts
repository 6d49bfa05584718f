import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import type { S3Settings } from '../config/app-config.js';
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

// The minimum S3 allows: with two parts in flight an upload holds about 4 x 5 MiB whatever its size.
const PART_SIZE = 5 * 1024 * 1024;

export function createS3Client(settings: S3Settings): S3Client {
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials:
      settings.accessKeyId && settings.secretAccessKey
        ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
        : undefined,
    // With the SDK's default (WHEN_SUPPORTED) streamed bodies are sent aws-chunked and presigned PUTs carry a
    // checksum header, which S3-compatible servers store corrupt or reject.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

const isNotFound = (error: unknown) =>
  error instanceof S3ServiceException &&
  (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404);

/** Any S3-compatible endpoint (AWS, MinIO, R2, s3rver) through the AWS SDK v3. */
export class S3ObjectStorage extends ObjectStorage {
  readonly driver = 's3' as const;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly defaultTtlSeconds: number,
  ) {
    super();
  }

  async put(key: string, body: Readable, options: PutOptions): Promise<StoredObject> {
    assertValidObjectKey(key);
    // Multipart in fixed parts, two in flight: memory stays bounded whatever the size of the stream. When the body
    // fails (an upload aborted), done() rejects only after the parts in flight ended and the multipart upload
    // was aborted (leavePartsOnError: false), so nothing of it remains in the bucket.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: options.contentType },
      partSize: PART_SIZE,
      queueSize: 2,
      leavePartsOnError: false,
    });
    await upload.done();
    const stored = await this.head(key);
    if (!stored) throw new Error(`object ${key} missing right after upload`);
    return stored;
  }

  async get(key: string, options: GetOptions = {}): Promise<ObjectDownload> {
    assertValidObjectKey(key);
    const range = options.range ? `bytes=${options.range.start}-${options.range.end}` : undefined;
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }));
      // With a Range, ContentLength is the part's; Content-Range ("bytes a-b/size") carries the whole size.
      const whole = response.ContentRange ? Number(response.ContentRange.split('/')[1]) : undefined;
      return {
        key,
        size: whole ?? response.ContentLength ?? 0,
        contentType: response.ContentType ?? 'application/octet-stream',
        body: response.Body as Readable,
      };
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key);
      throw error;
    }
  }

  async head(key: string): Promise<StoredObject | null> {
    assertValidObjectKey(key);
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: response.ContentLength ?? 0,
        contentType: response.ContentType ?? 'application/octet-stream',
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidObjectKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async presignPut(key: string, options: PresignOptions = {}): Promise<string> {
    assertValidObjectKey(key);
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: options.contentType });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds ?? this.defaultTtlSeconds });
  }

  async presignGet(key: string, options: PresignOptions = {}): Promise<string> {
    assertValidObjectKey(key);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: options.downloadName
        ? `attachment; filename*=UTF-8''${encodeURIComponent(options.downloadName)}`
        : undefined,
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds ?? this.defaultTtlSeconds });
  }

  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  /** Multipart uploads of the bucket (the service's own) initiated longer ago than any upload may last. */
  async removeAbandonedUploads(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.bucket, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
      );
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated.getTime() >= cutoff) continue;
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId }));
        removed++;
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return removed;
  }
}
