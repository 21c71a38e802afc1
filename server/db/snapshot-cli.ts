// `node dist/tools/pglite-snapshot.js [file]` (run by `npm run build`): writes the migrated PGlite snapshot,
// by default to dist/pglite-migrated.tar.gz with its manifest dist/pglite-migrated.json.
import { defaultSnapshotFile } from './paths.js';
import { buildSnapshot } from './snapshot-build.js';

const started = performance.now();
const file = process.argv[2] ?? defaultSnapshotFile;
const manifest = await buildSnapshot(file);
console.log(`PGlite snapshot with ${manifest.migrations.length} migrations written to ${file} in ${Math.round(performance.now() - started)} ms`);
