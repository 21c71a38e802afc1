// Writes the OpenAPI document that the app serves at GET /api/openapi.json to a file, without a server or
// a database server: the app is built on an in-memory PGlite. `npm run lint:openapi` lints the result.
//   tsx scripts/openapi.ts [out-file]   (default dist/openapi.json)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/client.js';
import { runMigrations } from '../server/db/migrate.js';

const out = resolve(process.argv[2] ?? 'dist/openapi.json');
const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DEMO: '0' });
const database = await openDatabase({});
// Migrated, so that whatever the app does when it becomes ready finds its tables.
await runMigrations(database);
const app = await buildApp(config, { database, logger: false });
await app.ready();
const document = app.swagger();
await app.close();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
console.log(`OpenAPI document written to ${out}`);
