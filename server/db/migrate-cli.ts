// `npm run migrate`: apply pending migrations to DATABASE_URL, or to the embedded database in DATA_DIR.
import { loadConfig } from '../config.js';
import { openDatabase } from './client.js';
import { migrationsFolder, runMigrations } from './migrate.js';
import { defaultSnapshotFile } from './paths.js';

const config = loadConfig();
// A new DATA_DIR starts from the migrated snapshot when `npm run build` made a usable one (server/db/snapshot.ts).
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, snapshot: { file: defaultSnapshotFile, migrationsFolder } });
try {
  await runMigrations(database, config.databaseUrl);
  console.log(`Migrations applied (${database.kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL'}).`);
} finally {
  await database.close();
}
