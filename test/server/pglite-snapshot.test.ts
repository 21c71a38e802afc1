// The migrated PGlite snapshot (server/db/snapshot.ts): a database made from it is the database the
// migrations make, a data directory made from it reopens like any other, only migrations newer than it
// run, and a snapshot that no longer matches the migrations folder is refused with a reason. PGlite only
// (the PostgreSQL run of the suite skips it: nothing here touches its server).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, pgliteExtensionNames, type Database } from '../../server/db/client.js';
import { migrationsFolder, runMigrations } from '../../server/db/migrate.js';
import { checkSnapshot, currentMigrations, extractSnapshot, manifestFileOf, readSnapshot, untar, type SnapshotManifest } from '../../server/db/snapshot.js';
import { buildSnapshot } from '../../server/db/snapshot-build.js';

const onPostgres = Boolean(inject('templateDatabaseUrl'));
const extensions = pgliteExtensionNames;
const work = mkdtempSync(join(tmpdir(), 'stoa-snapshot-test-'));
const opened: Database[] = [];
afterAll(async () => {
  for (const database of opened) await database.close();
  rmSync(work, { recursive: true, force: true });
});

async function open(options: Parameters<typeof openDatabase>[0]) {
  const database = await openDatabase(options);
  opened.push(database);
  return database;
}

/** A copy of the migrations folder: cut after `keep` migrations, with one file changed, or one inserted at `insertAt`. */
function migrationsCopy(name: string, change: { keep?: number; edit?: string; insertAt?: number } = {}): string {
  const folder = join(work, name);
  cpSync(migrationsFolder, folder, { recursive: true });
  const journalFile = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ idx: number; version: string; when: number; tag: string; breakpoints: boolean }> };
  if (change.keep !== undefined) {
    for (const entry of journal.entries.slice(change.keep)) rmSync(join(folder, `${entry.tag}.sql`));
    journal.entries = journal.entries.slice(0, change.keep);
  }
  if (change.insertAt !== undefined) {
    const before = journal.entries[change.insertAt - 1]!;
    journal.entries.splice(change.insertAt, 0, { ...before, tag: '0001b_from_a_branch', when: before.when + 1 });
    writeFileSync(join(folder, '0001b_from_a_branch.sql'), 'select 1;\n');
  }
  writeFileSync(journalFile, JSON.stringify(journal, null, 2));
  if (change.edit) writeFileSync(join(folder, `${change.edit}.sql`), `${readFileSync(join(folder, `${change.edit}.sql`), 'utf8')}\n-- changed\n`);
  return folder;
}

/**
 * Everything a migration can leave behind, in a comparable form: drizzle's journal, schemas, tables and
 * columns, constraints, indexes, triggers, functions, views, sequences, types, extensions, text search
 * configurations, and the rows of every table.
 */
async function catalog(database: Database) {
  const q = async (sql: string) => (await database.pglite!.query<Record<string, unknown>>(sql)).rows;
  const userSchemas = `not in ('pg_catalog', 'information_schema', 'pg_toast')`;
  const result: Record<string, unknown> = {
    journal: await q('select hash, created_at::text from drizzle.__drizzle_migrations order by id'),
    schemas: await q(`select nspname from pg_namespace where nspname ${userSchemas} and nspname not like 'pg_temp%' and nspname not like 'pg_toast_temp%' order by 1`),
    columns: await q(`select table_schema, table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default, is_generated, generation_expression
      from information_schema.columns where table_schema ${userSchemas} order by 1, 2, 4`),
    constraints: await q(`select n.nspname, c.conrelid::regclass::text as rel, c.conname, pg_get_constraintdef(c.oid) as def
      from pg_constraint c join pg_namespace n on n.oid = c.connamespace where n.nspname ${userSchemas} order by 1, 2, 3`),
    indexes: await q(`select schemaname, tablename, indexname, indexdef from pg_indexes where schemaname ${userSchemas} order by 1, 2, 3`),
    triggers: await q(`select tgrelid::regclass::text as rel, tgname, pg_get_triggerdef(t.oid) as def, tgenabled from pg_trigger t where not tgisinternal order by 1, 2`),
    functions: await q(`select n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) as args, md5(pg_get_functiondef(p.oid)) as def
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname ${userSchemas} and p.prokind in ('f', 'p') order by 1, 2, 3`),
    views: await q(`select schemaname, viewname, definition from pg_views where schemaname ${userSchemas} order by 1, 2`),
    sequences: await q(`select schemaname, sequencename, data_type::text, start_value::text, increment_by::text, last_value::text from pg_sequences where schemaname ${userSchemas} order by 1, 2`),
    types: await q(`select n.nspname, t.typname, t.typtype, coalesce((select string_agg(enumlabel, ',' order by enumsortorder) from pg_enum e where e.enumtypid = t.oid), '') as labels
      from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname ${userSchemas} and t.typtype in ('e', 'd', 'c') and (t.typrelid = 0 or (select relkind from pg_class where oid = t.typrelid) = 'c') order by 1, 2`),
    extensions: await q('select extname, extversion from pg_extension order by 1'),
    textSearch: await q('select cfgname from pg_ts_config order by 1'),
    policies: await q('select schemaname, tablename, policyname, cmd, qual, with_check from pg_policies order by 1, 2, 3'),
    rules: await q(`select schemaname, tablename, rulename, definition from pg_rules where schemaname ${userSchemas} order by 1, 2, 3`),
  };
  const tables = await q(`select schemaname, tablename from pg_tables where schemaname ${userSchemas} order by 1, 2`);
  const rows: Record<string, unknown> = {};
  for (const { schemaname, tablename } of tables as Array<{ schemaname: string; tablename: string }>) {
    const name = `"${schemaname}"."${tablename}"`;
    rows[name] = (await q(`select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from ${name} t`))[0];
  }
  result.rows = rows;
  return result;
}

describe.skipIf(onPostgres)('the migrated PGlite snapshot', () => {
  let snapshot: string;
  let subsetSnapshot: string;
  let reference: Awaited<ReturnType<typeof catalog>>;
  const all = currentMigrations(migrationsFolder);

  beforeAll(async () => {
    // A snapshot of every migration, and one of all but the newest, made here from nothing as the build does.
    // (The full one is the suite's, global-setup.ts: npm run build's, or one made for this run.)
    snapshot = inject('pgliteSnapshot');
    subsetSnapshot = join(work, 'subset', 'pglite-migrated.tar.gz');
    await buildSnapshot(subsetSnapshot, migrationsCopy('migrations-subset', { keep: all.length - 1 }));
    // The reference database: PGlite's initdb and every migration, offered a snapshot that no longer fits.
    const edited = migrationsCopy('migrations-edited', { edit: all[3]!.tag });
    const database = await open({ snapshot: { file: snapshot, migrationsFolder: edited } });
    expect(database.pgliteOrigin).toEqual({ from: 'initdb', snapshotRefused: `migration ${all[3]!.tag} changed since it was made` });
    await runMigrations(database);
    reference = await catalog(database);
    // The comparison has something to compare.
    for (const [part, least] of [['columns', 200], ['constraints', 50], ['indexes', 50], ['triggers', 10], ['functions', 10], ['extensions', 2]] as const) {
      expect((reference[part] as unknown[]).length, part).toBeGreaterThanOrEqual(least);
    }
  }, 240_000);

  it('records each migration as drizzle does, and its own checksum', () => {
    const manifest = JSON.parse(readFileSync(manifestFileOf(snapshot), 'utf8')) as SnapshotManifest;
    expect(manifest.migrations).toEqual(all);
    expect(manifest.extensions).toEqual(extensions);
    expect(checkSnapshot(snapshot, { migrationsFolder, extensions })).toEqual({ usable: true, manifest, pending: [] });
    // The journal rows match the manifest (the reference ran the same files).
    expect(reference.journal).toEqual(all.map((m) => ({ hash: m.hash, created_at: String(m.when) })));
  });

  it('gives, in memory, the same database as initdb and every migration', async () => {
    const database = await open({ snapshot: { file: snapshot, migrationsFolder } });
    expect(database.pgliteOrigin).toEqual({ from: 'snapshot', pending: [] });
    await runMigrations(database); // nothing to apply
    expect(await catalog(database)).toEqual(reference);
  });

  it('runs only the migrations newer than the snapshot, and ends with the same database', async () => {
    const newest = all[all.length - 1]!;
    const database = await open({ snapshot: { file: subsetSnapshot, migrationsFolder } });
    expect(database.pgliteOrigin).toEqual({ from: 'snapshot', pending: [newest.tag] });
    const before = (await database.pglite!.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations')).rows[0]!.n;
    expect(before).toBe(all.length - 1);
    expect(await catalog(database)).not.toEqual(reference); // the comparison sees one migration's difference
    await runMigrations(database);
    expect(await catalog(database)).toEqual(reference);
  });

  it('makes a data directory that reopens as an existing database, keeping what was written', async () => {
    const dataDir = join(work, 'data');
    mkdirSync(join(dataDir, 'outbox'), { recursive: true }); // DATA_DIR may already hold the mail outbox
    const first = await open({ dataDir, snapshot: { file: snapshot, migrationsFolder } });
    expect(first.pgliteOrigin).toEqual({ from: 'snapshot', pending: [] });
    expect(existsSync(join(dataDir, 'outbox'))).toBe(true);
    expect(existsSync(join(dataDir, `.snapshot-${process.pid}`))).toBe(false); // the staging folder is gone
    await runMigrations(first);
    await first.pglite!.query(`insert into communities (name, slug, description, join_policy) values ('Kept', 'kept', '', 'open')`);
    await first.close();

    const again = await open({ dataDir, snapshot: { file: snapshot, migrationsFolder } });
    expect(again.pgliteOrigin).toEqual({ from: 'existing' });
    await runMigrations(again);
    expect((await again.pglite!.query('select slug from communities')).rows).toEqual([{ slug: 'kept' }]);
    expect({ ...(await catalog(again)), rows: null }).toEqual({ ...reference, rows: null });
    await again.close();
  });

  it('finishes a data directory that an interrupted start left half unpacked', async () => {
    const dataDir = join(work, 'interrupted');
    const tarball = readSnapshot(snapshot, { migrationsFolder, extensions });
    if (!tarball.tarball) throw new Error(tarball.reason);
    // What a start stopped while moving entries into place leaves: some folders, no PG_VERSION.
    mkdirSync(join(dataDir, 'base', '1'), { recursive: true });
    writeFileSync(join(dataDir, 'base', '1', 'junk'), 'half-written');
    mkdirSync(join(dataDir, '.snapshot-1'), { recursive: true });
    const database = await open({ dataDir, snapshot: { file: snapshot, migrationsFolder } });
    expect(database.pgliteOrigin).toEqual({ from: 'snapshot', pending: [] });
    expect(existsSync(join(dataDir, 'base', '1', 'junk'))).toBe(false);
    expect(existsSync(join(dataDir, '.snapshot-1'))).toBe(false); // an earlier start's staging folder
    expect((await database.pglite!.query('select count(*)::int as n from drizzle.__drizzle_migrations')).rows).toEqual([{ n: all.length }]);
    await database.close();
    await expect(extractSnapshot(tarball.tarball, dataDir)).rejects.toThrow(/already holds a database/);
  });

  it('makes a new database by initdb, with nothing to explain, when no snapshot was built', async () => {
    const database = await open({ snapshot: { file: join(work, 'never-built', 'pglite-migrated.tar.gz'), migrationsFolder } });
    expect(database.pgliteOrigin).toEqual({ from: 'initdb' });
    await runMigrations(database);
    expect((await database.pglite!.query('select count(*)::int as n from drizzle.__drizzle_migrations')).rows).toEqual([{ n: all.length }]);
    await database.close();
  });

  describe('is refused, with the reason, when it no longer fits', () => {
    const refusal = (file: string, folder = migrationsFolder, ext = extensions) => {
      const check = checkSnapshot(file, { migrationsFolder: folder, extensions: ext });
      return check.usable ? 'usable' : check.reason;
    };
    /** A copy of the full snapshot whose manifest (or tarball) is changed by `change`. */
    function alteredCopy(name: string, change: (manifest: SnapshotManifest, tarball: Buffer) => Buffer | void): string {
      const file = join(work, name, 'pglite-migrated.tar.gz');
      mkdirSync(join(work, name), { recursive: true });
      const manifest = JSON.parse(readFileSync(manifestFileOf(snapshot), 'utf8')) as SnapshotManifest;
      const tarball = readFileSync(snapshot);
      const changed = change(manifest, tarball) ?? tarball;
      writeFileSync(file, changed);
      writeFileSync(manifestFileOf(file), JSON.stringify(manifest));
      return file;
    }

    it('a migration edited since it was made', () => {
      expect(refusal(snapshot, migrationsCopy('edited-again', { edit: all[7]!.tag }))).toBe(`migration ${all[7]!.tag} changed since it was made`);
    });

    it('a migration it holds that the folder no longer has', () => {
      expect(refusal(snapshot, migrationsCopy('fewer', { keep: all.length - 2 }))).toBe(
        `it holds migration ${all[all.length - 2]!.tag}, which the migrations folder no longer has`,
      );
    });

    it('a migration inserted before its newest (merged from another branch)', () => {
      // drizzle would never run it on a database past it; a database made from scratch would.
      expect(refusal(snapshot, migrationsCopy('inserted', { insertAt: 2 }))).toBe(`0001b_from_a_branch comes where it had ${all[2]!.tag}`);
    });

    it('another PGlite version, other extensions, another format', () => {
      expect(refusal(alteredCopy('version', (m) => void (m.pglite = '0.0.1')))).toMatch(/^made by PGlite 0\.0\.1, this is PGlite \d/);
      expect(refusal(snapshot, migrationsFolder, [...extensions, 'vector'])).toMatch(/^made with extensions \[pg_trgm\], these are/);
      expect(refusal(alteredCopy('format', (m) => void ((m as { format: number }).format = 2)))).toBe('snapshot format 2, expected 1');
    });

    it('a damaged or replaced tarball, a missing file, an unreadable manifest', () => {
      const damaged = alteredCopy('damaged', (_m, tar) => {
        const copy = Buffer.from(tar);
        const middle = copy.length >> 1;
        copy.writeUInt8(copy.readUInt8(middle) ^ 0xff, middle);
        return copy;
      });
      expect(refusal(damaged)).toBe('usable'); // the manifest alone still fits...
      expect(readSnapshot(damaged, { migrationsFolder, extensions })).toEqual({ tarball: null, reason: `${damaged} does not match its manifest's checksum (damaged or replaced)` });
      expect(refusal(join(work, 'nowhere', 'pglite-migrated.tar.gz'))).toBe(`no snapshot at ${join(work, 'nowhere', 'pglite-migrated.tar.gz')}`);
      const unreadable = alteredCopy('unreadable', () => undefined);
      writeFileSync(manifestFileOf(unreadable), '{ not json');
      expect(refusal(unreadable)).toMatch(/^unreadable manifest .*pglite-migrated\.json: /);
    });
  });

  it('unpacks only folders and files inside the data directory', () => {
    const header = (name: string, type: string, size = 0) => {
      const block = Buffer.alloc(512);
      block.write(name, 0);
      block.write(size.toString(8).padStart(11, '0'), 124);
      block.write(type, 156);
      block.write('ustar', 257);
      return block;
    };
    const tar = (...blocks: Buffer[]) => new Uint8Array(Buffer.concat([...blocks, Buffer.alloc(1024)]));
    expect([...untar(tar(header('/base', '5'), header('/base/1', '0', 3), Buffer.from('abc'.padEnd(512, '\0'))))].map((e) => [e.name, e.type, Buffer.from(e.data).toString()])).toEqual([
      ['base', 'dir', ''],
      [join('base', '1'), 'file', 'abc'],
    ]);
    expect(() => [...untar(tar(header('/../escape', '0')))]).toThrow(/outside its folder/);
    expect(() => [...untar(tar(header('/link', '2')))]).toThrow(/unexpected tar entry type/);
  });
});
