import { DataSource } from 'typeorm';
import { loadAppConfig } from './src/config/app-config.js';
import { dataSourceOptions } from './src/database/data-source-options.js';
import { EmbeddedPostgres } from './src/database/embedded-postgres.js';

/**
 * The data source the TypeORM CLI uses (`npm run migration:*`): DATABASE_URL when set, otherwise the embedded
 * PostgreSQL in DATA_DIR, started for the command and stopped when it exits.
 */
const config = loadAppConfig();
let url = config.database.url;
if (!url) {
  const embedded = new EmbeddedPostgres({
    dir: config.database.embeddedDir,
    port: config.database.embeddedPort,
    database: 'yousync',
    log: (message) => console.error(message),
  });
  url = await embedded.start();
  process.once('exit', () => embedded.stopSync());
}

export default new DataSource(dataSourceOptions(url, 2));
