import type { AppConfig } from '../config/app-config.js';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { runMigrations } from './migrate.js';

export interface OpenDatabase {
  url: string;
  embedded: boolean;
  /** The embedded database was created by this start (a fresh DATA_DIR). */
  fresh: boolean;
  /** Where the data is, for the start-up line: never the password. */
  description: string;
  /** Stops the embedded server if this process owns it; a no-op for an external database. */
  close(): Promise<void>;
  /** For a process stopping at once (a second signal): stops an owned embedded server without waiting for clients. */
  closeNow(): void;
}

/** Where start-up progress goes: debug for progress, warn for what an operator should look at. */
export interface DatabaseLog {
  debug(message: string): void;
  warn(message: string): void;
}

/**
 * The database the process will use, migrated: DATABASE_URL when set, otherwise an embedded PostgreSQL in
 * DATA_DIR. Runs before Nest starts, so every module sees a ready schema, and stops after Nest has closed.
 */
export async function openDatabase(config: AppConfig, log: DatabaseLog): Promise<OpenDatabase> {
  let embedded: EmbeddedPostgres | undefined;
  let url = config.database.url;
  if (!url) {
    embedded = new EmbeddedPostgres({
      dir: config.database.embeddedDir,
      port: config.database.embeddedPort,
      database: 'yousync',
      log: (message) => log.debug(message),
      warn: (message) => log.warn(message),
    });
    url = await embedded.start();
  }
  try {
    const applied = await runMigrations(url);
    if (applied.length > 0) log.debug(`applied migrations: ${applied.join(', ')}`);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return {
    url,
    embedded: !!embedded,
    fresh: embedded?.created ?? false,
    description: embedded
      ? `embedded PostgreSQL on 127.0.0.1:${embedded.port} in ${config.database.embeddedDir}`
      : `PostgreSQL at ${describeDatabaseUrl(url)}`,
    close: async () => embedded?.stop(),
    closeNow: () => {
      try {
        embedded?.stopSync('immediate');
      } catch (error) {
        log.warn(`embedded PostgreSQL did not stop: ${(error as Error).message}`);
      }
    },
  };
}

/** `user@host:port/database` of a connection URL: what an operator needs to recognise it, without the password. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
  return `${user}${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}
