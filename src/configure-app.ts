import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { assertJsonDepth, rejectNulCharacters } from './common/hostile-input.js';
import { RequestValidationPipe } from './common/request-validation.pipe.js';
import { GlobalExceptionFilter } from './common/global-exception.filter.js';
import type { AppConfig } from './config/app-config.js';
import { consolePage } from './console/console-page.js';
import { assignRequestId, QuietStartLogger } from './logging.js';
import { MetricsService } from './metrics/metrics.service.js';
import { SERVICE_NAME, SERVICE_VERSION } from './service-info.js';
import { ObjectStorage } from './storage/object-storage.js';
import type { RawBodyRequest } from './webhooks/raw-body.js';

// Bodies these routes stream themselves (presigned uploads); a JSON parser must not consume them.
const STREAMED_BODIES = /^\/storage\//;

/** Everything the HTTP application needs besides its modules; shared by main.ts and the e2e tests. */
export function configureApp(app: NestExpressApplication, config: AppConfig): INestApplication {
  app.useLogger(new QuietStartLogger(app.get(Logger)));
  app.use((req: Request, res: Response, next: NextFunction) => (assignRequestId(req, res), next()));
  app.use(app.get(MetricsService).middleware);
  // Browsers reach the service over plain HTTP by any host name (`HOST=0.0.0.0`): asking them to upgrade every
  // subresource to https, or to remember https only, would break /docs everywhere but localhost. Only a service
  // that knows it is served over HTTPS (PUBLIC_URL https://...) says so.
  const https = new URL(config.publicUrl).protocol === 'https:';
  app.use(
    helmet({
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: https ? [] : null } },
      strictTransportSecurity: https,
    }),
  );
  app.enableCors({ origin: config.corsOrigins, credentials: true, exposedHeaders: ['X-Request-Id', 'Retry-After'] });
  app.set('trust proxy', 'loopback');
  app.use(cookieParser());
  app.disable('x-powered-by');
  app.use('/console', consolePage(app.get(ObjectStorage), https));

  const json = express.json({
    limit: config.bodyLimit,
    verify: (req, _res, buffer) => {
      assertJsonDepth(buffer);
      // Webhook signatures are computed over the exact bytes received.
      (req as RawBodyRequest).rawBody = buffer;
    },
  });
  const urlencoded = express.urlencoded({ extended: false, limit: config.bodyLimit });
  app.use((req: Request, res: Response, next: NextFunction) =>
    STREAMED_BODIES.test(req.path) ? next() : json(req, res, (error?: unknown) => (error ? next(error) : urlencoded(req, res, next))),
  );
  app.use(rejectNulCharacters);

  app.useGlobalPipes(new RequestValidationPipe());
  app.useGlobalFilters(new GlobalExceptionFilter());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('YouSync API')
      .setDescription(
        'Dubbing practice: catalog, analysis of recordings against the original actor, video transcripts, ' +
          'voice chat and music generation. Times in the catalog are seconds from the start of the source video.',
      )
      .setVersion(SERVICE_VERSION)
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', customSiteTitle: SERVICE_NAME });
  return app;
}
