// Compiles the server into dist/server/ (part of `npm run build`, scripts/build.mjs), so `npm start` runs
// plain Node: no TypeScript transpiling at every start. Packages stay external (loaded from
// node_modules); only our own modules (server/, shared/) are bundled, one file per entry point.
// Paths resolved from import.meta.url (migrations/, dist/client/, dist/pglite-migrated.tar.gz) stay
// correct: dist/server/ is two directories below the repository root, exactly like server/db/ and
// server/plugins/. `node server/build.mjs` builds the server alone.
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';

export async function buildServer() {
  const started = Date.now();
  await build({
    entryPoints: [
      'server/main.ts',
      'server/cluster.ts',
      // The markdown worker (loaded by server/domain/markdown-pool.ts as ./markdown-worker.js beside main.js).
      { in: 'server/domain/markdown-worker.ts', out: 'markdown-worker' },
      // Makes the migrated PGlite snapshot (server/db/snapshot-cli.ts), run by scripts/build.mjs.
      { in: 'server/db/snapshot-cli.ts', out: 'pglite-snapshot' },
    ],
    outdir: 'dist/server',
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
  return Date.now() - started;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`server built into dist/server in ${await buildServer()} ms`);
}
