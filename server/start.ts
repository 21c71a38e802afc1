// Shared start-up for one server process (main.ts) and for cluster workers (cluster.ts).
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import { buildApp } from './app.js';
import { createServices } from './services.js';
import { acquireMarkdownPool } from './domain/markdown-pool.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from './demo/seed.js';

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

/** Migrations, the admin account and demo content: done once, by the only process or the cluster primary. */
export async function prepareDatabase(config: Config): Promise<{ seeded: boolean }> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    await runMigrations(database, config.databaseUrl);
    // The services alone, not a whole Fastify app: building (and compiling every route schema of) an
    // app that never listens cost about a second of every start.
    if (!config.admin && !config.demo) return { seeded: false };
    // Seeding writes many posts per member at once: no posting limits here. Mail queued here leaves with
    // the serving process's mail worker.
    const services = createServices({ db: database.db, config: { ...config, postingLimits: null }, mailWorker: { poke: () => undefined } });
    if (config.admin) await services.auth.ensureAdmin(config.admin.email, config.admin.password);
    // Seeding renders markdown: the worker threads are started for it and stopped after.
    const markdownPool = acquireMarkdownPool(config.markdown);
    try {
      const seeded = config.demo ? await seedDemo(database.db, services) : false;
      return { seeded };
    } finally {
      await markdownPool.release();
    }
  } finally {
    await database.close();
  }
}

export function printDemoSignIns(config: Config, seeded: boolean) {
  if (!config.demo) return;
  const lines = DEMO_ACCOUNTS.map((a) => `  ${(a.roles === 'admin' ? 'admin' : a.roles.join('+') || 'practitioner').padEnd(13)} ${a.email}`);
  console.log(
    `\nStoa is ready at ${config.publicUrl}\n${seeded ? 'Demo content seeded. ' : ''}Demo sign-ins (password "${DEMO_PASSWORD}"):\n${lines.join('\n')}\n`,
  );
}

/** Opens the database, listens, and closes cleanly on SIGTERM/SIGINT (in-flight requests finish first). */
export async function serve(config: Config) {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onPoolError: (err) => console.error(`database connection error: ${err.message}`),
  });
  const app = await buildApp(config, { database });
  await app.listen({ port: config.port, host: config.host });
  const where = database.kind === 'pglite' ? `embedded PostgreSQL (PGlite) in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
  app.log.info(`Stoa is serving ${config.publicUrl} on ${where} (pid ${process.pid})`);

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
