// Runs once before all test files. On PostgreSQL: migrate a template database that every test file
// clones (CREATE DATABASE … TEMPLATE), so files are isolated and run in parallel. On PGlite each file
// opens its own in-memory database instead, loaded from the migrated snapshot (server/db/snapshot.ts):
// the one `npm run build` made when it matches the migrations folder, otherwise one made here.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openDatabase, pgliteExtensionNames } from '../../server/db/client.js';
import { migrationsFolder, runMigrations } from '../../server/db/migrate.js';
import { defaultSnapshotFile } from '../../server/db/paths.js';
import { checkSnapshot, manifestFileOf } from '../../server/db/snapshot.js';
import { buildSnapshot } from '../../server/db/snapshot-build.js';

export const testDatabaseUrl = () => process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || '';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabaseUrl: string;
    /** The database that test files connect to for CREATE/DROP DATABASE (never the template itself). */
    maintenanceDatabaseUrl: string;
    /** PGlite: the migrated snapshot each test file's database is loaded from. */
    pgliteSnapshot: string;
  }
}

export default async function setup(project: TestProject) {
  const base = testDatabaseUrl();
  if (!base) {
    project.provide('templateDatabaseUrl', '');
    project.provide('maintenanceDatabaseUrl', '');
    const built = checkSnapshot(defaultSnapshotFile, { migrationsFolder, extensions: pgliteExtensionNames });
    let snapshot = defaultSnapshotFile;
    let made: string | undefined;
    let from = 'the snapshot npm run build made';
    if (!built.usable) {
      made = snapshot = join(tmpdir(), `stoa-test-snapshot-${process.pid}.tar.gz`);
      await buildSnapshot(snapshot);
      from = `a snapshot made now, since the built one is not usable: ${built.reason}`;
    }
    project.provide('pgliteSnapshot', snapshot);
    console.log(`[stoa tests] database: PGlite (embedded, one per test file, loaded from ${from}). Set TEST_DATABASE_URL or DATABASE_URL to use PostgreSQL.`);
    return () => {
      if (made) for (const file of [made, manifestFileOf(made)]) rmSync(file, { force: true });
    };
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
