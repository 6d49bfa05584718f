import 'reflect-metadata';
import nodeModule from 'node:module';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { openDatabase } from './database/database.js';
import { processLogger } from './logging.js';
import { loadConfigOrExit, runMain, stopOnSignal } from './process.js';
import { startUpSummary, webStartUpLine } from './start-up-summary.js';

// Node 22.1+: V8 keeps the compiled code of every module on disk, so a restart compiles next to nothing.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const WARM_UP_DELAY_MS = 1000;

/** The web process: HTTP API, SSE, and (unless JOBS_WORKER=false) job workers. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = processLogger(config);
  const stop = stopOnSignal(config, log);
  // The application's modules load (about two seconds of compiling) while the embedded PostgreSQL starts.
  const modules = Promise.all([
    import('@nestjs/core'),
    import('./app.module.js'),
    import('./configure-app.js'),
    import('./events/sse.service.js'),
    import('./catalog/demo/demo-catalog.seeder.js'),
    import('./engines/speech-analysis/speech-analysis.engine.js'),
  ]);
  const database = await openDatabase(config, log);
  const [{ NestFactory }, { AppModule }, { configureApp }, { SseService }, { DemoCatalogSeeder }, { SpeechAnalysisEngine }] = await modules;
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
  // Serving already: the analyzer warms up where jobs run (ANALYSIS_WARM_UP), not in the first user's take. A second
  // later, so that a start's first requests (health probes, a page) do not queue behind it: begun at once, it held
  // the first healthy /health back by 0.5 s on a restart and 1.7 s on a first start (bench:start-up).
  setTimeout(() => void app.get(SpeechAnalysisEngine).warmUp(), WARM_UP_DELAY_MS).unref();

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
