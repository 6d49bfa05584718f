import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { DemoCatalogSeeder } from './catalog/demo/demo-catalog.seeder.js';
import { loadConfigOrExit, runMain, runUntilSignal } from './process.js';
import { configureApp } from './configure-app.js';
import { openDatabase } from './database/database.js';
import { SseService } from './events/sse.service.js';

/** The web process: HTTP API, SSE, and (unless JOBS_WORKER=false) job workers. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = (message: string) => console.log(JSON.stringify({ level: 30, time: Date.now(), msg: message }));
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
      .catch((error: Error) => log(`demo catalog not loaded: ${error.message}`));
  }
  await app.listen(config.port, config.host);
  log(`YouSync listening on ${config.publicUrl} (docs at ${config.publicUrl}/docs)`);

  runUntilSignal(config, log, async () => {
    const server = app.getHttpServer();
    // Stop accepting, let requests in flight finish, close the streams that never would.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    app.get(SseService).closeAll();
    server.closeIdleConnections();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, config.shutdownTimeoutMs / 2))]);
    server.closeAllConnections();
    await app.close();
    await database.close();
  });
}

runMain(main);
