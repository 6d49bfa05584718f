import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { openDatabase } from './database/database.js';
import { processLogger, QuietStartLogger } from './logging.js';
import { loadConfigOrExit, runMain, stopOnSignal } from './process.js';
import { startUpSummary, workerStartUpLine } from './start-up-summary.js';

/** A worker process: runs jobs from the shared database, serves no HTTP. Scale by starting more of them. */
async function main(): Promise<void> {
  const config = loadConfigOrExit({ JOBS_WORKER: 'true' });
  const log = processLogger(config);
  const stop = stopOnSignal(config, log);
  const database = await openDatabase(config, log);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, databaseUrl: database.url }), {
    bufferLogs: true,
  });
  app.useLogger(new QuietStartLogger(app.get(Logger)));
  await app.init();
  const summary = startUpSummary(config, database);
  log.info(summary, workerStartUpLine(summary));

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
