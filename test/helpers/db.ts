// A fresh, migrated database for the calling test file (PGlite in memory, or a clone of the PostgreSQL template).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../server/db/client.js';
import { migrationsFolder, runMigrations } from '../../server/db/migrate.js';

export interface TestDatabase {
  database: Database;
  /** Set on PostgreSQL: lets a test open a second connection pool (e.g. a second app instance). */
  url: string | undefined;
  close(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject('templateDatabaseUrl');
  if (!template) {
    // A new in-memory PGlite from the migrated snapshot (global-setup.ts); migrations newer than it run here.
    const snapshot = inject('pgliteSnapshot');
    const database = await openDatabase(snapshot ? { snapshot: { file: snapshot, migrationsFolder } } : {});
    await runMigrations(database);
    return { database, url: undefined, close: () => database.close() };
  }
  const templateName = new URL(template).pathname.slice(1);
  const name = `${templateName.replace('stoa_template_', 'stoa_t_')}_${randomBytes(4).toString('hex')}`;
  // Connect to the maintenance database: a session on the template would block cloning it.
  const maintenance = inject('maintenanceDatabaseUrl');
  const admin = new pg.Client({ connectionString: maintenance });
  await admin.connect();
  // CREATE DATABASE … TEMPLATE needs no other connection to the template: retry briefly if one races us.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateName}`);
      break;
    } catch (err) {
      if (attempt > 50) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  await admin.end();
  const url = new URL(template);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString() });
  return {
    database,
    url: url.toString(),
    async close() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: maintenance });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await cleanup.end();
    },
  };
}
