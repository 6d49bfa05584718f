import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { AbandonedUploadSweeper } from './abandoned-upload-sweeper.js';
import { LocalObjectStorage } from './local-object-storage.js';
import { ObjectStorage } from './object-storage.js';
import { createS3Client, S3ObjectStorage } from './s3-object-storage.js';
import { StorageController } from './storage.controller.js';
import { UrlSigner } from './url-signer.js';

function createStorage(config: AppConfig, signer: UrlSigner): ObjectStorage {
  const { storage } = config;
  if (storage.driver === 's3' && storage.s3) {
    return new S3ObjectStorage(createS3Client(storage.s3), storage.s3.bucket, storage.signedUrlTtlSeconds);
  }
  return new LocalObjectStorage(storage.localDir, signer, config.publicUrl, storage.signedUrlTtlSeconds);
}

@Global()
@Module({})
export class StorageModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: StorageModule,
      // The local adapter serves its own signed URLs; with S3 the route would only ever answer 403.
      controllers: config.storage.driver === 'local' ? [StorageController] : [],
      providers: [
        { provide: UrlSigner, useFactory: (c: AppConfig) => new UrlSigner(c.storage.signingSecret), inject: [AppConfig] },
        { provide: ObjectStorage, useFactory: createStorage, inject: [AppConfig, UrlSigner] },
        AbandonedUploadSweeper,
      ],
      exports: [ObjectStorage, UrlSigner],
    };
  }
}
