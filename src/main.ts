import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { DemoCatalogSeeder } from './catalog/demo/demo-catalog.seeder.js';
import { configureApp } from './configure-app.js';
import { openDatabase } from './database/database.js';
import { SseService } from './events/sse.service.js';
import { processLogger } from './logging.js';
import { loadConfigOrExit, runMain, stopOnSignal } from './process.js';
import { startUpSummary, webStartUpLine } from './start-up-summary.js';

/** The web process: HTTP API, SSE, and (unless JOBS_WORKER=false) job workers. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = processLogger(config);
  const stop = stopOnSignal(config, log);
  const database = await openDatabase(config, log);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, databaseUrl: database.url }), {
    bufferLogs: true,
    bodyParser: false,
  });
  configureApp(app, config);
  if (database.fresh && config.seedDemo) {
    // A newcomer's first start: give them a catalog to look at (SEED_DEMO=false to start empty).
    await app.init();
    await app
      .get(DemoCatalogSeeder)
      .seed()
      .catch((error: Error) => log.warn(`demo catalog not loaded: ${error.message}`));
  }
  await app.listen(config.port, config.host);
  const summary = startUpSummary(config, database);
  log.info({ ...summary, docs: `${config.publicUrl}/docs` }, webStartUpLine(config, summary));

  stop.ready({
    shutdown: async () => {
      const server = app.getHttpServer();
      // Stop accepting, let requests in flight finish, close the streams that never would.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      app.get(SseService).closeAll();
      server.closeIdleConnections();
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, config.shutdownTimeoutMs / 2))]);
      server.closeAllConnections();
      await app.close();
      await database.close();
      log.info('stopped');
    },
    stopNow: () => database.closeNow(),
  });
}

runMain(main);
