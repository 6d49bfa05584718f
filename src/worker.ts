import 'reflect-metadata';
import nodeModule from 'node:module';
import { openDatabase } from './database/database.js';
import { processLogger, QuietStartLogger } from './logging.js';
import { loadConfigOrExit, runMain, stopOnSignal } from './process.js';
import { startUpSummary, workerStartUpLine } from './start-up-summary.js';

// Node 22.1+: V8 keeps the compiled code of every module on disk, so a restart compiles next to nothing.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

/** A worker process: runs jobs from the shared database, serves no HTTP. Scale by starting more of them. */
async function main(): Promise<void> {
  const config = loadConfigOrExit({ JOBS_WORKER: 'true' });
  const log = processLogger(config);
  const stop = stopOnSignal(config, log);
  // The application's modules load while the embedded PostgreSQL starts.
  const modules = Promise.all([
    import('@nestjs/core'),
    import('nestjs-pino'),
    import('./app.module.js'),
    import('./engines/speech-analysis/speech-analysis.engine.js'),
  ]);
  const database = await openDatabase(config, log);
  const [{ NestFactory }, { Logger }, { AppModule }, { SpeechAnalysisEngine }] = await modules;
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, databaseUrl: database.url }), {
    bufferLogs: true,
  });
  app.useLogger(new QuietStartLogger(app.get(Logger)));
  await app.init();
  const summary = startUpSummary(config, database);
  log.info(summary, workerStartUpLine(summary));
  // Taking jobs already: the analyzer warms up (ANALYSIS_WARM_UP), not in the first user's take.
  void app.get(SpeechAnalysisEngine).warmUp();

  stop.ready({
    shutdown: async () => {
      await app.close();
      await database.close();
      log.info('stopped');
    },
    stopNow: () => database.closeNow(),
  });
}

runMain(main);
