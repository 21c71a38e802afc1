// `npm run build` builds everything; `npm start` runs `node scripts/build.mjs --if-stale`, which rebuilds
// only the parts whose sources changed since they were last built, so a second start does not build again.
//
//   part      output                                              built from (content hash of)
//   server    dist/server/ (esbuild, server/build.mjs)            server/ shared/ package.json package-lock.json tsconfig.json
//   client    dist/client/ (Vite)                                 client/ shared/ package.json package-lock.json
//   snapshot  dist/pglite-migrated.tar.gz + .json: a migrated     migrations/, the server/db/ modules that make it,
//             PGlite database (server/db/snapshot.ts)             package.json package-lock.json (PGlite's version)
//
// With --if-stale (`npm start`) the snapshot is never built: making it costs PGlite's initdb and every
// migration, and loading it costs a second more, so a start that makes a new embedded database is quicker
// doing initdb and the migrations itself (a snapshot already built and matching is still used). `npm test`
// adds --for-tests: then the snapshot is built when the tests run on PGlite (testsNeedSnapshot). Every
// part also depends on this script and server/build.mjs. Up to date means: the SHA-256 of every
// input file's path and content equals the one recorded in dist/.build-state.json when this script last
// built the part, and so does the hash of its output files' names, sizes and times (so an output rebuilt
// by other means, such as `node server/build.mjs` on other sources or a bare `vite build`, is never taken
// for this build's).
// Content, not modification times: a checkout, a rebase or a copy that keeps old times can give a changed
// file an older time than its output (an mtime check would miss the change), and switching branches back
// and forth rewrites times of unchanged files (needless rebuilds). Hashing the ~3 MB of sources takes a
// few tens of milliseconds.
//
// The three build side by side: the snapshot (its maker dist/tools/pglite-snapshot.js is compiled first,
// in a tenth of a second, then run: PGlite's initdb and the migrations, the longest part), the server
// (esbuild) and the client (Vite). Even a stale snapshot never breaks a start: the server checks its
// manifest and, if it does not match the migrations folder, runs initdb and the migrations instead.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stateFile = join(root, 'dist', '.build-state.json');
const common = ['package.json', 'package-lock.json', 'scripts/build.mjs', 'server/build.mjs'];

/**
 * Each part: its inputs (files or folders, from the repository root), the outputs that must exist, and what
 * of them is hashed to recognise this build's output (the snapshot's manifest holds its tarball's checksum).
 */
export const parts = {
  server: {
    inputs: ['server', 'shared', 'tsconfig.json', ...common],
    outputs: ['main', 'cluster', 'markdown-worker'].map((name) => `dist/server/${name}.js`),
    fingerprint: ['dist/server'],
  },
  client: { inputs: ['client', 'shared', ...common], outputs: ['dist/client/index.html'], fingerprint: ['dist/client'] },
  snapshot: {
    inputs: ['migrations', ...['client', 'migrate', 'paths', 'snapshot', 'snapshot-build', 'snapshot-cli'].map((m) => `server/db/${m}.ts`), ...common],
    outputs: ['dist/pglite-migrated.tar.gz', 'dist/pglite-migrated.json'],
    fingerprint: ['dist/pglite-migrated.json'],
  },
};

/** SHA-256 over the sorted relative paths and contents of every file under `inputs`. */
export function hashInputs(inputs, base = root) {
  const hash = createHash('sha256');
  for (const file of listFiles(inputs, base)) {
    hash.update(relative(base, file).split('\\').join('/')).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/**
 * SHA-256 over the sorted relative paths, sizes and modification times of the files under `paths`: for
 * outputs, where the question is only "written since we recorded it?" (a rewrite always sets a new time).
 */
export function statFiles(paths, base = root) {
  const hash = createHash('sha256');
  for (const file of listFiles(paths, base)) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${relative(base, file).split('\\').join('/')}\0${size}\0${mtimeMs}\0`);
  }
  return hash.digest('hex');
}

function listFiles(inputs, base) {
  const files = [];
  const walk = (path) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(full);
    }
  };
  for (const input of inputs) {
    const path = join(base, input);
    if (!existsSync(path)) continue;
    if (statSync(path).isDirectory()) walk(path);
    else files.push(path);
  }
  return [...new Set(files)].sort();
}

function readState() {
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8'));
  } catch {
    return {};
  }
}

/** The hash that recognises a part's output as the one this script built. */
export const outputHash = (name, base = root) => statFiles(parts[name].fingerprint, base);

/**
 * Which parts need building: all of them, or (ifStale) those whose inputs changed since this script last
 * built them, whose output is missing, or whose output is not the one it built.
 */
export function staleParts({ ifStale, base = root, state = readState() }) {
  const hashes = Object.fromEntries(Object.entries(parts).map(([name, part]) => [name, hashInputs(part.inputs, base)]));
  const upToDate = (name) =>
    state[name]?.inputs === hashes[name] &&
    parts[name].outputs.every((output) => existsSync(join(base, output))) &&
    state[name]?.outputs === outputHash(name, base);
  const stale = Object.keys(parts).filter((name) => !ifStale || !upToDate(name));
  return { stale, hashes };
}

function recordBuilt(name, hash) {
  const state = readState();
  state[name] = { inputs: hash, outputs: outputHash(name) };
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(`${stateFile}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${stateFile}.tmp`, stateFile);
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${[command, ...args].join(' ')} failed (${signal ?? `exit ${code}`})`))));
  });
}

/**
 * Whether the test suite needs the snapshot (`npm test` builds with --if-stale --for-tests): each test file's
 * PGlite database is loaded from it, unless the suite runs on PostgreSQL (test/helpers/global-setup.ts).
 */
export function testsNeedSnapshot(env = process.env) {
  return !(env.TEST_DATABASE_URL || env.DATABASE_URL);
}

/**
 * Whether a stale snapshot is left as it is: by `npm start` (--if-stale) always, by `npm test` (--if-stale
 * --for-tests) when the tests run on PostgreSQL. `npm run build` (no flag) builds it.
 */
export function snapshotLeftStale({ ifStale, forTests, env = process.env }) {
  return ifStale && !(forTests && testsNeedSnapshot(env));
}

async function main() {
  const ifStale = process.argv.includes('--if-stale');
  const forTests = process.argv.includes('--for-tests');
  process.chdir(root);
  const started = performance.now();
  const { stale: found, hashes } = staleParts({ ifStale });
  const deferSnapshot = found.includes('snapshot') && snapshotLeftStale({ ifStale, forTests });
  const stale = deferSnapshot ? found.filter((part) => part !== 'snapshot') : found;
  // `npm start` says nothing of the snapshot: keeping it up to date is not its job.
  if (deferSnapshot && forTests) console.log('build: the PGlite snapshot is out of date, but these tests run on PostgreSQL and do not need it (npm run build remakes it)');
  if (stale.length === 0) {
    console.log(`build: dist/ is up to date with the sources${deferSnapshot && forTests ? ' (but the snapshot)' : ''} (${Math.round(performance.now() - started)} ms to check)`);
    return;
  }
  if (ifStale) console.log(`build: ${stale.join(', ')} out of date, building`);
  // A part counts as built only once its hashes are recorded, after it succeeded: an interrupted build
  // is redone at the next start.
  const { buildServer, buildSnapshotTool } = await import(pathToFileURL(join(root, 'server', 'build.mjs')).href);
  const jobs = [];
  if (stale.includes('snapshot')) {
    // The snapshot takes longest: its small maker is compiled before esbuild gets the server's bundle.
    await buildSnapshotTool();
    jobs.push(run(process.execPath, ['dist/tools/pglite-snapshot.js']).then(() => recordBuilt('snapshot', hashes.snapshot)));
  }
  if (stale.includes('server')) {
    jobs.push(
      (async () => {
        console.log(`server built into dist/server in ${await buildServer()} ms`);
        recordBuilt('server', hashes.server);
      })(),
    );
  }
  if (stale.includes('client')) {
    jobs.push(
      (async () => {
        const t = performance.now();
        const { build } = await import('vite');
        await build({ configFile: join(root, 'client', 'vite.config.ts'), logLevel: ifStale ? 'warn' : 'info' });
        console.log(`client built into dist/client in ${Math.round(performance.now() - t)} ms`);
        recordBuilt('client', hashes.client);
      })(),
    );
  }
  const results = await Promise.allSettled(jobs);
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length) throw failed[0].reason;
  console.log(`build: done in ${Math.round(performance.now() - started)} ms`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
