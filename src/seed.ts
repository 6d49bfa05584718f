import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { DemoCatalogSeeder } from './catalog/demo/demo-catalog.seeder.js';
import { openDatabase } from './database/database.js';
import { processLogger } from './logging.js';
import { loadConfigOrExit, runMain } from './process.js';

/** `npm run seed`: loads the synthetic demo catalog into the configured (or embedded) database; idempotent. */
async function main(): Promise<void> {
  const config = loadConfigOrExit({ JOBS_WORKER: 'false' });
  const log = processLogger(config);
  const database = await openDatabase(config, log);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, databaseUrl: database.url }), {
    logger: ['error', 'warn'],
  });
  try {
    const report = await app.get(DemoCatalogSeeder).seed();
    log.info(`demo catalog: ${report.created} tokens created, ${report.existing} already there`);
  } finally {
    await app.close();
    await database.close();
  }
}

runMain(main);
