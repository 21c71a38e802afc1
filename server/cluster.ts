// `npm run start:cluster -- --workers N`: N server processes behind one port (Node's cluster module).
// Needs a real PostgreSQL (DATABASE_URL): sessions live in the database and live events travel through
// LISTEN/NOTIFY, so no member is tied to one process. PGlite is single-process and cannot be shared.
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { prepareDatabase, printDemoSignIns, readConfigOrExit, serve } from './start.js';

const config = readConfigOrExit();

if (cluster.isPrimary) {
  const { values } = parseArgs({ options: { workers: { type: 'string', short: 'w' } }, allowPositionals: true });
  const workers = Number(values.workers ?? process.env.WORKERS ?? availableParallelism());
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
    console.error(`--workers must be a whole number from 1 to 64 (got ${values.workers})`);
    process.exit(1);
  }
  if (!config.databaseUrl) {
    console.error('Cluster mode needs DATABASE_URL (PostgreSQL): the embedded PGlite database serves one process only.');
    process.exit(1);
  }
  const { seeded } = await prepareDatabase(config);
  let stopping = false;
  // A worker that dies before it ever listened (port taken, bad config…) would otherwise be replaced
  // forever: after a few such deaths in a row, give up and say why.
  let failedStarts = 0;
  const MAX_FAILED_STARTS = 5;
  const listened = new WeakSet<object>();
  for (let i = 0; i < workers; i++) cluster.fork();
  let listening = 0;
  cluster.on('listening', (worker) => {
    listened.add(worker);
    failedStarts = 0;
    if (++listening === workers) {
      console.log(`Stoa cluster: ${workers} workers on ${config.publicUrl} (primary pid ${process.pid})`);
      printDemoSignIns(config, seeded);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (!listened.has(worker) && ++failedStarts >= MAX_FAILED_STARTS) {
      console.error(`${failedStarts} workers in a row exited before listening (last: ${code ?? signal}); stopping the cluster`);
      stopping = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
      process.exitCode = 1;
      return;
    }
    console.error(`worker ${worker.process.pid} exited (${code ?? signal}); starting another`);
    cluster.fork();
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    });
  }
} else {
  await serve(config);
}
