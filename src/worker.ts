import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { openDatabase } from './database/database.js';
import { loadConfigOrExit, runMain, runUntilSignal } from './process.js';

/** A worker process: runs jobs from the shared database, serves no HTTP. Scale by starting more of them. */
async function main(): Promise<void> {
  const config = loadConfigOrExit({ JOBS_WORKER: 'true' });
  const log = (message: string) => console.log(JSON.stringify({ level: 30, time: Date.now(), msg: message }));
  const database = await openDatabase(config, log);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, databaseUrl: database.url }), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  await app.init();
  log(`YouSync worker ${process.pid} running jobs`);

  runUntilSignal(config, log, async () => {
    await app.close();
    await database.close();
  });
}

runMain(main);
