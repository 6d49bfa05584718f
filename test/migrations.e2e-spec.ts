import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { runMigrations } from '../src/database/migrate.js';
import { MIGRATIONS } from '../src/database/migrations/index.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

describe('migrations', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ empty: true });
  });
  afterAll(() => database?.drop());

  it('from an empty database produce exactly the schema the entities describe', async () => {
    const applied = await runMigrations(database.url);
    expect(applied).toHaveLength(MIGRATIONS.length);

    const dataSource = await new DataSource(dataSourceOptions(database.url, 1)).initialize();
    try {
      const pending = await dataSource.driver.createSchemaBuilder().log();
      // Any query here is drift: an entity changed without a migration (npm run migration:generate).
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });

  it('run once when several instances start together, and a second run applies nothing', async () => {
    const again = await Promise.all([runMigrations(database.url), runMigrations(database.url)]);
    expect(again).toEqual([[], []]);
  });

  it('revert cleanly, down to an empty schema', async () => {
    const dataSource = await new DataSource(dataSourceOptions(database.url, 1)).initialize();
    try {
      for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
      const tables: Array<{ table_name: string }> = await dataSource.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
      );
      expect(tables).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});
