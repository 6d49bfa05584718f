import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { TestProject } from 'vitest/node';
import { EmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { runMigrations } from '../src/database/migrate.js';
import { databaseUrl, TEST_DATABASE_PREFIX } from './support/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: { adminUrl: string; template: string };
  }
}

/**
 * Once per e2e run: builds dist/ (the process-level tests run the real entry points), provides a PostgreSQL
 * server (TEST_DATABASE_URL or DATABASE_URL when set, else an embedded one in a temporary directory) and a
 * template database with every migration and the queue's schema applied, which each test file copies.
 */
export default async function setup(project: TestProject) {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });

  let embedded: EmbeddedPostgres | undefined;
  let scratch: string | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!adminUrl) {
    scratch = await mkdtemp(join(tmpdir(), 'yousync-test-pg-'));
    await chmod(scratch, 0o755); // PostgreSQL runs as its own user when the tests run as root
    embedded = new EmbeddedPostgres({ dir: join(scratch, 'postgres'), port: 0, database: 'yousync', log: () => {} });
    adminUrl = await embedded.start();
  }

  const template = `${TEST_DATABASE_PREFIX}template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await runMigrations(databaseUrl(adminUrl, template));
  const boss = new PgBoss({ connectionString: databaseUrl(adminUrl, template), schema: 'pgboss', supervise: false, schedule: false });
  await boss.start();
  await boss.stop({ graceful: false, close: true });

  project.provide('postgres', { adminUrl, template });

  return async () => {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`${TEST_DATABASE_PREFIX}%`],
    );
    for (const { datname } of rows) {
      if (!datname.endsWith(`_${process.pid}`) && !datname.includes(`_${process.pid}_`)) continue;
      await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => undefined);
    }
    await admin.end();
    await embedded?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  };
}
