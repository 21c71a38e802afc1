// Compiles the server into dist/server/{main,cluster,markdown-worker}.js (part of `npm run build`), so `npm start` runs
// plain Node: no TypeScript transpiling at every start. Packages stay external (loaded from
// node_modules); only our own modules (server/, shared/) are bundled, one file per entry point.
// Paths resolved from import.meta.url (migrations/, dist/client/) stay correct: dist/server/ is two
// directories below the repository root, exactly like server/db/ and server/plugins/.
import { build } from 'esbuild';

const started = Date.now();
await build({
  // The markdown worker (loaded by server/domain/markdown-pool.ts as ./markdown-worker.js beside main.js).
  entryPoints: ['server/main.ts', 'server/cluster.ts', { in: 'server/domain/markdown-worker.ts', out: 'markdown-worker' }],
  outdir: 'dist/server',
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
console.log(`server built into dist/server in ${Date.now() - started} ms`);
