// The three read rows of issue 15 (`topic-list`, `topic-page`, `topic-posts`) against their bare one-query
// routes, alone, for profiling and before/after comparisons without the whole `npm run bench`:
//   DATABASE_URL=postgres://… npx tsx bench/read-pages.ts [--seconds 10] [--runs 2] [--only list|page|posts|health]
// Runs alternate bare and Stoa, each after a warm-up; 50 connections act as 50 signed-in members (the bare
// route reads the same rows for everyone). Each row prints the CPU per request of each server and of the
// PostgreSQL backends that served it (/proc: the database must run on this machine), figures that hold when
// other work shares the machine. STOA_CPU_PROF=1 writes the server's CPU profile to bench/.data/prof. Needs `npm run build` (STOA_SERVER_DIR measures another checkout's build).
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';
import { dataDir, median, numberArg, parseArgs, readInfo, requireDatabaseUrl, stopChild } from './common.js';
import type { LoadRun, LoadSpec } from './load.js';
import { processTreeCpuMs } from './process-cpu.js';
import { load as runLoad, signIn, startBaseline, startStoa } from './side-by-side.js';

const args = parseArgs(process.argv.slice(2));
const databaseUrl = requireDatabaseUrl();
const seconds = numberArg(args, 'seconds', 10);
const runs = numberArg(args, 'runs', 2);
const only = typeof args.only === 'string' ? args.only : undefined;
const CONNECTIONS = 50;

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
const info = await readInfo(client);
if (!info) throw new Error('no generated data: run `npm run bench -- --quick` once first');
await client.end();

const logFile = `${dataDir}/read-pages-servers.log`;
writeFileSync(logFile, '');
const load = (spec: Omit<LoadSpec, 'connections' | 'warmupSeconds' | 'runs' | 'runSeconds'>) => runLoad({ ...spec, connections: CONNECTIONS, runSeconds: seconds });

/**
 * CPU milliseconds of each PostgreSQL backend connected to this database (same machine): what the database spends
 * on a row, whatever else shares the machine. Both servers' pools keep their connections, so the backends alive at
 * the end of a run are those that served it.
 */
const monitor = new pg.Client({ connectionString: databaseUrl });
await monitor.connect();
async function backendCpuMs(): Promise<Map<number, number>> {
  const { rows } = await monitor.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function measured(pid: number, spec: Parameters<typeof load>[0]): Promise<Array<LoadRun & { cpuMsPerRequest: number; dbCpuMsPerRequest: number }>> {
  const before = processTreeCpuMs(pid);
  const dbBefore = await backendCpuMs();
  const result = await load(spec);
  const dbAfter = await backendCpuMs();
  const requests = result.reduce((n, r) => n + r.total, 0);
  // The warm-up's requests used CPU too: count them at the measured runs' rate.
  const warmup = (result[0]!.rps ?? 0) * 2;
  const dbMs = [...dbAfter].reduce((n, [p, ms]) => n + ms - (dbBefore.get(p) ?? 0), 0);
  return result.map((r) => ({ ...r, cpuMsPerRequest: (processTreeCpuMs(pid) - before) / (requests + warmup), dbCpuMsPerRequest: dbMs / (requests + warmup) }));
}

const loadAtStart = loadavg()[0]!;
const stoa = await startStoa(databaseUrl, logFile);
const baseline = await startBaseline(databaseUrl, `${dataDir}/read-pages-plan.json`);
const cookies: string[] = [];
for (const email of info.memberEmails.slice(0, CONNECTIONS)) cookies.push((await signIn(stoa.baseUrl, email, info.password)).cookie);
// `health` (only with --only health): /healthz on both, no database: what every request costs Stoa before its
// route does anything (hooks, session, headers), against bare Fastify.
const pages = {
  ...(only === 'health' ? { health: { stoa: '/healthz', bare: '/healthz' } } : {}),
  list: { stoa: `/api/communities/${info.communityId}/topics?limit=30`, bare: `/bare-topics/${info.communityId}` },
  page: { stoa: `/api/topics/${info.busiestTopicId}`, bare: `/bare-topic/${info.busiestTopicId}` },
  posts: { stoa: `/api/topics/${info.busiestTopicId}/posts?limit=50`, bare: `/bare-posts/${info.busiestTopicId}` },
};
type Measured = LoadRun & { cpuMsPerRequest: number; dbCpuMsPerRequest: number };
const results: Record<string, { bare: Measured[]; stoa: Measured[] }> = {};
for (const [name, paths] of Object.entries(pages)) {
  if (only && only !== name) continue;
  const r: (typeof results)[string] = (results[name] = { bare: [], stoa: [] });
  for (let i = 0; i < runs; i++) {
    r.bare.push(...(await measured(baseline.child.pid!, { baseUrl: baseline.baseUrl, method: 'GET', path: paths.bare })));
    r.stoa.push(...(await measured(stoa.child.pid!, { baseUrl: stoa.baseUrl, method: 'GET', path: paths.stoa, rotate: cookies.map((cookie) => ({ headers: { cookie } })) })));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const bare = mean(r.bare.map((x) => x.rps));
  const ours = mean(r.stoa.map((x) => x.rps));
  const bad = [...r.bare, ...r.stoa].filter((x) => x.non2xx > 0 || x.errors > 0 || x.timeouts > 0);
  console.log(
    `${name}: Stoa ${ours.toFixed(0)} req/s (runs ${r.stoa.map((x) => x.rps.toFixed(0)).join(', ')}; p99 ${median(r.stoa.map((x) => x.p99))} ms)` +
      ` | bare ${bare.toFixed(0)} req/s (runs ${r.bare.map((x) => x.rps.toFixed(0)).join(', ')}; p99 ${median(r.bare.map((x) => x.p99))} ms) | ${(ours / bare).toFixed(2)}×` +
      ` | server CPU per request: Stoa ${mean(r.stoa.map((x) => x.cpuMsPerRequest)).toFixed(3)} ms, bare ${mean(r.bare.map((x) => x.cpuMsPerRequest)).toFixed(3)} ms` +
      ` | PostgreSQL CPU per request: Stoa ${mean(r.stoa.map((x) => x.dbCpuMsPerRequest)).toFixed(3)} ms, bare ${mean(r.bare.map((x) => x.dbCpuMsPerRequest)).toFixed(3)} ms` +
      (bad.length ? `  [${bad.length} runs with non-2xx or errors: ${JSON.stringify(bad.map((x) => x.statusCodes))}]` : ''),
  );
}
console.log(`load average (1 min): ${loadAtStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at the end`);
await monitor.end();
await Promise.all([stopChild(stoa.child, 30_000), stopChild(baseline.child)]);
