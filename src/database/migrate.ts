import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';

// Any constant shared by every instance: whoever holds it migrates, the others wait and then find nothing to do.
const MIGRATION_LOCK = 727_001;

/** Applies pending migrations under a PostgreSQL advisory lock, so instances starting together migrate once. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource({ ...dataSourceOptions(url, 2), logging: false });
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }
}
