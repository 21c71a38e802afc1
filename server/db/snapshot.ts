// A migrated PGlite data directory, made once (`npm run build` writes dist/pglite-migrated.tar.gz) and used
// whenever a new embedded database starts empty: unpacked into a new DATA_DIR (extractSnapshot), or loaded
// with PGlite's `loadDataDir` for an in-memory test database. That takes well under a second; making the
// same database from nothing runs PGlite's initdb (a second WebAssembly instance) and every migration,
// several seconds.
//
// The snapshot is never trusted blindly. Beside the tarball, a manifest (pglite-migrated.json) records the
// PGlite version that made it, the extensions loaded, each migration it applied (drizzle's tag, `when` and
// SHA-256 of the SQL, exactly what drizzle's journal table holds) and the tarball's own SHA-256. It is used
// only when its migrations are the first ones of the migrations folder, unchanged and in the same order:
// then drizzle's migrator, which applies every migration newer than the last one in its journal table,
// runs just the ones added since. A changed, removed or reordered migration, another PGlite version or a
// damaged file means "not usable": the caller runs initdb and every migration as before, and says why.
// This module reads and writes snapshots; snapshot-build.ts makes one.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readMigrationFiles } from 'drizzle-orm/migrator';

const FORMAT = 1;

export interface SnapshotMigration {
  tag: string;
  /** The journal's `when`: drizzle stores it as the journal row's created_at and compares by it. */
  when: number;
  /** SHA-256 of the SQL file, as drizzle computes it. */
  hash: string;
}

export interface SnapshotManifest {
  format: typeof FORMAT;
  pglite: string;
  extensions: string[];
  migrations: SnapshotMigration[];
  /** SHA-256 of the .tar.gz file. */
  sha256: string;
  createdAt: string;
}

export type SnapshotCheck =
  | { usable: true; manifest: SnapshotManifest; /** migrations newer than the snapshot, which will run after loading */ pending: string[] }
  | { usable: false; reason: string };

export const manifestFileOf = (file: string) => file.replace(/(\.tar\.gz|\.tgz|\.tar)?$/, '.json');

let pgliteVersionCache: string | undefined;
/** The installed @electric-sql/pglite version: a data directory is only known to open in the version that wrote it. */
export function pgliteVersion(): string {
  if (pgliteVersionCache) return pgliteVersionCache;
  // The package exports no ./package.json; its entry point is <package>/dist/index.*.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return (pgliteVersionCache = pkg.version);
}

/** The migrations folder as drizzle's migrator reads it, in journal order. */
export function currentMigrations(migrationsFolder: string): SnapshotMigration[] {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ tag: string; when: number }> };
  const files = readMigrationFiles({ migrationsFolder });
  return files.map((m, i) => ({ tag: journal.entries[i]!.tag, when: m.folderMillis, hash: m.hash }));
}

/** Whether the snapshot in `file` can stand in for initdb plus its migrations (reads only the small manifest). */
export function checkSnapshot(file: string, options: { migrationsFolder: string; extensions: string[] }): SnapshotCheck {
  const manifestFile = manifestFileOf(file);
  if (!existsSync(file) || !existsSync(manifestFile)) return { usable: false, reason: `no snapshot at ${file}` };
  let manifest: SnapshotManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as SnapshotManifest;
  } catch (err) {
    return { usable: false, reason: `unreadable manifest ${manifestFile}: ${(err as Error).message}` };
  }
  if (manifest.format !== FORMAT) return { usable: false, reason: `snapshot format ${String(manifest.format)}, expected ${FORMAT}` };
  const version = pgliteVersion();
  if (manifest.pglite !== version) return { usable: false, reason: `made by PGlite ${manifest.pglite}, this is PGlite ${version}` };
  const wanted = [...options.extensions].sort().join(',');
  if ([...manifest.extensions].sort().join(',') !== wanted) {
    return { usable: false, reason: `made with extensions [${manifest.extensions.join(', ')}], these are [${wanted}]` };
  }
  const current = currentMigrations(options.migrationsFolder);
  for (const [i, made] of manifest.migrations.entries()) {
    const now = current[i];
    if (!now) return { usable: false, reason: `it holds migration ${made.tag}, which the migrations folder no longer has` };
    if (now.tag !== made.tag || now.when !== made.when || now.hash !== made.hash) {
      const what = now.tag !== made.tag ? `${now.tag} comes where it had ${made.tag}` : `migration ${made.tag} changed since it was made`;
      return { usable: false, reason: what };
    }
  }
  return { usable: true, manifest, pending: current.slice(manifest.migrations.length).map((m) => m.tag) };
}

/**
 * Reads a usable snapshot as an uncompressed tarball (decompressed here with zlib: PGlite's own gzip path
 * is several times slower), or says why it cannot be used.
 */
export function readSnapshot(
  file: string,
  options: { migrationsFolder: string; extensions: string[] },
): { tarball: Uint8Array; manifest: SnapshotManifest; pending: string[] } | { tarball: null; reason: string } {
  const check = checkSnapshot(file, options);
  if (!check.usable) return { tarball: null, reason: check.reason };
  let gz: Buffer;
  try {
    gz = readFileSync(file);
  } catch (err) {
    return { tarball: null, reason: `unreadable snapshot ${file}: ${(err as Error).message}` };
  }
  if (sha256(gz) !== check.manifest.sha256) return { tarball: null, reason: `${file} does not match its manifest's checksum (damaged or replaced)` };
  try {
    return { tarball: gunzipSync(gz), manifest: check.manifest, pending: check.pending };
  } catch (err) {
    return { tarball: null, reason: `cannot decompress ${file}: ${(err as Error).message}` };
  }
}

/** Writes a snapshot and its manifest; each file appears whole (written aside, then renamed), tarball first. */
export function writeSnapshot(file: string, tarball: Uint8Array, manifest: Omit<SnapshotManifest, 'sha256' | 'format' | 'createdAt'>): SnapshotManifest {
  // Level 1: a quarter of level 6's time for 14% more bytes (5.7 against 5.0 MB); both unpack as fast.
  const gz = gzipSync(tarball, { level: 1 });
  const full: SnapshotManifest = { format: FORMAT, ...manifest, sha256: sha256(gz), createdAt: new Date().toISOString() };
  mkdirSync(dirname(file), { recursive: true });
  const manifestFile = manifestFileOf(file);
  const suffix = `.${process.pid}.${Date.now()}.tmp`;
  // The old manifest goes first: a reader never pairs a new tarball with the old manifest (the checksum
  // would refuse it anyway) nor sees a manifest without its tarball.
  rmSync(manifestFile, { force: true });
  writeFileSync(file + suffix, gz);
  renameSync(file + suffix, file);
  writeFileSync(manifestFile + suffix, `${JSON.stringify(full, null, 2)}\n`);
  renameSync(manifestFile + suffix, manifestFile);
  return full;
}

/**
 * Unpacks a snapshot into a data directory that has no database yet, so that the database is either whole
 * or absent: entries are written into a staging folder inside `dataDir`, then moved into place with
 * PG_VERSION last (PGlite, like PostgreSQL, takes a folder with PG_VERSION for a database). A start stopped
 * half-way leaves no PG_VERSION, and the next start unpacks again. (PGlite's `loadDataDir` writes straight
 * into the folder, and a PGlite opening a finished data directory starts faster than one loading a tarball.)
 */
export async function extractSnapshot(tarball: Uint8Array, dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) throw new Error(`${dataDir} already holds a database`);
  mkdirSync(dataDir, { recursive: true });
  // Staging folders of earlier, interrupted starts (no database yet, so nothing else can be using them).
  for (const name of readdirSync(dataDir)) if (/^\.snapshot-\d+$/.test(name)) rmSync(join(dataDir, name), { recursive: true, force: true });
  const staging = join(dataDir, `.snapshot-${process.pid}`);
  mkdirSync(staging);
  try {
    const files: Array<{ path: string; data: Uint8Array }> = [];
    for (const entry of untar(tarball)) {
      const path = join(staging, entry.name);
      if (entry.type === 'dir') mkdirSync(path, { recursive: true });
      else {
        mkdirSync(dirname(path), { recursive: true });
        files.push({ path, data: entry.data });
      }
    }
    // ~1,200 files: created a few at a time on libuv's threads. One by one, on a disk busy with other
    // work, creating them took over a second (each open waits on the file system's journal).
    let next = 0;
    const writer = async () => {
      while (next < files.length) {
        const file = files[next++]!;
        await writeFile(file.path, file.data);
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
    const names = readdirSync(staging).sort((a, b) => Number(a === 'PG_VERSION') - Number(b === 'PG_VERSION'));
    for (const name of names) {
      rmSync(join(dataDir, name), { recursive: true, force: true }); // left by an earlier, interrupted start
      renameSync(join(staging, name), join(dataDir, name));
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The entries of a ustar archive as PGlite's dumpDataDir writes them: folders and regular files. */
export function* untar(tar: Uint8Array): Generator<{ name: string; type: 'file' | 'dir'; data: Uint8Array }> {
  const text = (from: number, length: number) => {
    const field = tar.subarray(from, from + length);
    const end = field.indexOf(0);
    return Buffer.from(end === -1 ? field : field.subarray(0, end)).toString('utf8');
  };
  let offset = 0;
  while (offset + 512 <= tar.length) {
    if (tar.subarray(offset, offset + 512).every((b) => b === 0)) break; // the end-of-archive blocks
    const prefix = text(offset + 257, 6) === 'ustar' ? text(offset + 345, 155) : '';
    const raw = prefix ? `${prefix}/${text(offset, 100)}` : text(offset, 100);
    const size = parseInt(text(offset + 124, 12).trim() || '0', 8);
    const flag = String.fromCharCode(tar[offset + 156]!);
    if (!Number.isFinite(size) || size < 0) throw new Error(`bad tar header at byte ${offset}`);
    const name = normalize(raw.replace(/^\/+/, ''));
    if (name === '..' || name.startsWith(`..${sep}`) || name.startsWith(sep)) throw new Error(`tar entry outside its folder: ${raw}`);
    const type = flag === '5' ? 'dir' : flag === '0' || flag === '\0' ? 'file' : null;
    if (!type) throw new Error(`unexpected tar entry type ${JSON.stringify(flag)} for ${raw}`);
    offset += 512;
    if (name !== '.') yield { name, type, data: tar.subarray(offset, offset + size) };
    offset += Math.ceil(size / 512) * 512;
  }
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
