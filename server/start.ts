// Shared start-up for one server process (main.ts) and for cluster workers (cluster.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase, type Database, type PgliteOrigin } from './db/client.js';
import { migrationsFolder, runMigrations } from './db/migrate.js';
import { defaultSnapshotFile } from './db/paths.js';
import { buildApp } from './app.js';
import { createServices } from './services.js';
import { acquireMarkdownPool, warmUpMarkdownPool } from './domain/markdown-pool.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, hashDemoPassword, seedDemo } from './demo/seed.js';

export function readConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/** What prepareDatabase hands to serve() in one process (main.ts): see `keepOpen`. */
export interface Handover {
  database: Database;
  /** The hold on the markdown threads that seeding started; serve() lets go once the app holds them. */
  markdown: { release(): Promise<void> };
}

/**
 * Migrations, the admin account and demo content: done once, by the only process or the cluster primary.
 * `keepOpen` (one process on PGlite): the database stays open for serve() instead of being closed and
 * opened again (each PGlite start loads PostgreSQL's WebAssembly anew), and so do the markdown threads.
 */
export async function prepareDatabase(config: Config, options: { keepOpen?: boolean } = {}): Promise<{ seeded: boolean; handover?: Handover }> {
  const embedded = !config.databaseUrl;
  // A new embedded database will be seeded: start the markdown threads now (loading jsdom takes a
  // second or more), side by side with opening the database and migrating, instead of at the first post.
  const markdownPool = acquireMarkdownPool(config.markdown);
  // Likewise the demo accounts' password hash (on a libuv thread).
  let demoPasswordHash: Promise<string> | undefined;
  if (embedded && config.demo && !existsSync(join(config.dataDir, 'PG_VERSION'))) {
    warmUpMarkdownPool().catch(() => undefined); // a failure surfaces again at the first render
    demoPasswordHash = hashDemoPassword();
    demoPasswordHash.catch(() => undefined); // awaited (and a failure surfaced) by seedDemo
  }
  let handover: Handover | undefined;
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: 2,
    // A new data directory starts from the migrated snapshot `npm run build` made, when it is usable.
    snapshot: { file: defaultSnapshotFile, migrationsFolder },
  }).catch(async (err: unknown) => {
    await markdownPool.release();
    throw err;
  });
  try {
    if (database.pgliteOrigin) reportOrigin(database.pgliteOrigin, config.dataDir);
    await runMigrations(database, config.databaseUrl);
    if (options.keepOpen && database.kind === 'pglite') handover = { database, markdown: markdownPool };
    // The services alone, not a whole Fastify app: building (and compiling every route schema of) an
    // app that never listens cost about a second of every start.
    if (!config.admin && !config.demo) return { seeded: false, ...(handover ? { handover } : {}) };
    // Seeding writes many posts per member at once: no posting limits here. Mail queued here leaves with
    // the serving process's mail worker.
    const services = createServices({ db: database.db, config: { ...config, postingLimits: null }, mailWorker: { poke: () => undefined } });
    if (config.admin) await services.auth.ensureAdmin(config.admin.email, config.admin.password);
    const seeded = config.demo ? await seedDemo(database.db, services, undefined, demoPasswordHash) : false;
    return { seeded, ...(handover ? { handover } : {}) };
  } catch (err) {
    handover = undefined;
    throw err;
  } finally {
    if (!handover) {
      await markdownPool.release();
      await database.close();
    }
  }
}

function reportOrigin(origin: PgliteOrigin, dataDir: string) {
  if (origin.from === 'snapshot') {
    const pending = origin.pending.length ? `; ${origin.pending.length} newer migration(s) to apply: ${origin.pending.join(', ')}` : '';
    console.log(`New embedded database in ${dataDir}, made from the migrated snapshot${pending}.`);
  } else if (origin.from === 'initdb') {
    console.log(
      `New embedded database in ${dataDir}: initialising it and running every migration` +
        (origin.snapshotRefused ? ` (the migrated snapshot was not used: ${origin.snapshotRefused}; \`npm run build\` makes a new one).` : '.'),
    );
  }
}

export function printDemoSignIns(config: Config, seeded: boolean) {
  if (!config.demo) return;
  const lines = DEMO_ACCOUNTS.map((a) => `  ${(a.roles === 'admin' ? 'admin' : a.roles.join('+') || 'practitioner').padEnd(13)} ${a.email}`);
  console.log(
    `\nStoa is ready at ${config.publicUrl}\n${seeded ? 'Demo content seeded. ' : ''}Demo sign-ins (password "${DEMO_PASSWORD}"):\n${lines.join('\n')}\n`,
  );
}

/**
 * Opens the database (or takes the one prepareDatabase kept open), listens, and closes cleanly on
 * SIGTERM/SIGINT (in-flight requests finish first).
 */
export async function serve(config: Config, handover?: Handover) {
  const database =
    handover?.database ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      onPoolError: (err) => console.error(`database connection error: ${err.message}`),
    }));
  const app = await buildApp(config, { database });
  await handover?.markdown.release(); // the app holds the threads now
  await app.listen({ port: config.port, host: config.host });
  const where = database.kind === 'pglite' ? `embedded PostgreSQL (PGlite) in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
  app.log.info(`Stoa is serving ${config.publicUrl} on ${where} (pid ${process.pid}, started in ${process.uptime().toFixed(1)} s)`);

  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      app.log.info(`${signal}: finishing in-flight requests, then closing`);
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      app.close().then(
        () => process.exit(0),
        (err) => {
          app.log.error({ err }, 'error while closing');
          process.exit(1);
        },
      );
    });
  }
  return app;
}
