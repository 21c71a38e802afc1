// Makes the migrated PGlite snapshot (snapshot.ts): a new in-memory PGlite, every migration, a checkpoint,
// a dump of its data directory. `npm run build` runs it (dist/tools/pglite-snapshot.js, see
// snapshot-cli.ts); the tests' global set-up runs it when the built one is missing or out of date.
import { openDatabase, pgliteExtensionNames } from './client.js';
import { runMigrations } from './migrate.js';
import { migrationsFolder as defaultMigrationsFolder } from './paths.js';
import { currentMigrations, pgliteVersion, writeSnapshot, type SnapshotManifest } from './snapshot.js';

export async function buildSnapshot(file: string, migrationsFolder = defaultMigrationsFolder): Promise<SnapshotManifest> {
  const migrations = currentMigrations(migrationsFolder);
  const database = await openDatabase({});
  try {
    await runMigrations(database, undefined, migrationsFolder);
    const pglite = database.pglite!;
    // The manifest must describe exactly what ran: compare it with drizzle's own journal table (a
    // migration edited while this ran would otherwise be recorded with its new hash).
    const journal = (await pglite.query<{ hash: string; created_at: string }>('select hash, created_at::text from drizzle.__drizzle_migrations order by id')).rows;
    const same = journal.length === migrations.length && journal.every((row, i) => row.hash === migrations[i]!.hash && Number(row.created_at) === migrations[i]!.when);
    if (!same) throw new Error('the migrations folder changed while the snapshot was being made; run the build again');
    // Written pages reach the data files, so a database loaded from the snapshot has no WAL to replay.
    await pglite.exec('CHECKPOINT');
    const tarball = new Uint8Array(await (await pglite.dumpDataDir('none')).arrayBuffer());
    return writeSnapshot(file, tarball, { pglite: pgliteVersion(), extensions: pgliteExtensionNames, migrations });
  } finally {
    await database.close();
  }
}
