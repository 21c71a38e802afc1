// Compiles the server into dist/server/ (part of `npm run build`, scripts/build.mjs), so `npm start` runs
// plain Node: no TypeScript transpiling at every start. `node server/build.mjs` builds the server alone.
//
// main.js and cluster.js (and dist/tools/pglite-snapshot.js) bundle our modules (server/, shared/) AND the packages they
// use: loading the same code from ~1,500 files under node_modules (resolving, reading and compiling each
// ES/CommonJS module) took about 0.7 s of CPU at every start; one file takes a fraction of that. Kept
// external (loaded from node_modules at run time) are the packages that find their own files next to
// their code at run time: PGlite (its .wasm and .data) and tinypool (its worker entry); and pg-native
// (optional, native). Three bundled packages refer to `__dirname`, which an ES bundle does not define,
// only on paths Stoa never takes: pino and thread-stream to start log transports (none configured), and
// @fastify/swagger, inside a try, for default `info` fields (server/openapi.ts sets its own).
// CommonJS packages in an ES bundle call `require`, so the bundle defines one (the banner).
// The markdown worker keeps every package external: jsdom reads many of its own files.
//
// Paths resolved from import.meta.url (migrations/, dist/client/, dist/pglite-migrated.tar.gz) stay
// correct: dist/server/ is two directories below the repository root, exactly like server/db/ and
// server/plugins/. test/server/compiled-server.test.ts runs the result.
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const externalPackages = ['@electric-sql/pglite', 'tinypool', 'pg-native'];

const common = { outdir: 'dist/server', bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: true, logLevel: 'warning' };

const bundled = {
  ...common,
  external: externalPackages.flatMap((name) => [name, `${name}/*`]),
  banner: { js: "import { createRequire as __stoaCreateRequire } from 'node:module'; const require = __stoaCreateRequire(import.meta.url);" },
  // Source maps map stack traces to server/… and node_modules/… without copying every source into the map
  // (which took esbuild half of its time and 10 MB per entry point).
  sourcesContent: false,
};

export async function buildServer() {
  const started = Date.now();
  // main.js and cluster.js share one chunk (splitting): the packages are bundled once, not twice.
  for (const file of existsSync('dist/server') ? readdirSync('dist/server') : []) if (file.startsWith('chunk-')) rmSync(join('dist/server', file));
  await Promise.all([
    build({ ...bundled, entryPoints: ['server/main.ts', 'server/cluster.ts'], splitting: true }),
    // The markdown worker (loaded by server/domain/markdown-pool.ts as ./markdown-worker.js beside main.js).
    build({ ...common, entryPoints: [{ in: 'server/domain/markdown-worker.ts', out: 'markdown-worker' }], packages: 'external' }),
  ]);
  return Date.now() - started;
}

/**
 * dist/tools/pglite-snapshot.js, which makes the migrated PGlite snapshot (server/db/snapshot-cli.ts); in
 * its own folder, two levels below the repository root like dist/server/, so that its paths resolve alike.
 */
export async function buildSnapshotTool() {
  await build({ ...bundled, outdir: 'dist/tools', entryPoints: [{ in: 'server/db/snapshot-cli.ts', out: 'pglite-snapshot' }] });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`server built into dist/server in ${await buildServer()} ms`);
}
