// Runs once before all test files. On PostgreSQL: migrate a template database that every test file
// clones (CREATE DATABASE … TEMPLATE), so files are isolated and run in parallel. On PGlite each file
// opens its own in-memory database instead.
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openDatabase } from '../../server/db/client.js';
import { runMigrations } from '../../server/db/migrate.js';

export const testDatabaseUrl = () => process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || '';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabaseUrl: string;
    /** The database that test files connect to for CREATE/DROP DATABASE (never the template itself). */
    maintenanceDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const base = testDatabaseUrl();
  if (!base) {
    project.provide('templateDatabaseUrl', '');
    project.provide('maintenanceDatabaseUrl', '');
    console.log('[stoa tests] database: PGlite (embedded, one per test file). Set TEST_DATABASE_URL or DATABASE_URL to use PostgreSQL.');
    return;
  }
  const template = `stoa_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  const url = withDatabase(base, template);
  const database = await openDatabase({ databaseUrl: url });
  await runMigrations(database, url);
  await database.close();
  project.provide('templateDatabaseUrl', url);
  project.provide('maintenanceDatabaseUrl', base);
  console.log(`[stoa tests] database: PostgreSQL at ${redact(base)} (template ${template}, one clone per test file)`);
  return async () => {
    // Drop the clones and the template this run made.
    const { rows } = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname like $1 or datname = $2`,
      [`stoa_t_${process.pid}_%`, template],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => {});
    await admin.end();
  };
}

export function withDatabase(url: string, database: string) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const redact = (url: string) => url.replace(/:[^:@/]+@/, ':***@');
