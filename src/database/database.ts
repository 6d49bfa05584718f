import type { AppConfig } from '../config/app-config.js';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { runMigrations } from './migrate.js';

export interface OpenDatabase {
  url: string;
  embedded: boolean;
  /** The embedded database was created by this start (a fresh DATA_DIR). */
  fresh: boolean;
  /** Stops the embedded server if this process owns it; a no-op for an external database. */
  close(): Promise<void>;
}

/**
 * The database the process will use, migrated: DATABASE_URL when set, otherwise an embedded PostgreSQL in
 * DATA_DIR. Runs before Nest starts, so every module sees a ready schema, and stops after Nest has closed.
 */
export async function openDatabase(config: AppConfig, log: (message: string) => void): Promise<OpenDatabase> {
  let embedded: EmbeddedPostgres | undefined;
  let url = config.database.url;
  if (!url) {
    embedded = new EmbeddedPostgres({
      dir: config.database.embeddedDir,
      port: config.database.embeddedPort,
      database: 'yousync',
      log,
    });
    url = await embedded.start();
  }
  try {
    const applied = await runMigrations(url);
    if (applied.length > 0) log(`applied migrations: ${applied.join(', ')}`);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return { url, embedded: !!embedded, fresh: embedded?.created ?? false, close: async () => embedded?.stop() };
}
