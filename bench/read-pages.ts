// The three read rows of issue 15 (`topic-list`, `topic-page`, `topic-posts`) against their bare one-query
// routes, alone, for profiling and before/after comparisons without the whole `npm run bench`:
//   DATABASE_URL=postgres://… npx tsx bench/read-pages.ts [--seconds 10] [--runs 2] [--only list|page|posts|health]
// Runs alternate bare and Stoa, each after a warm-up; 50 connections act as 50 signed-in members (the bare
// route reads the same rows for everyone). Each row prints the CPU per request of each server and of
// PostgreSQL's processes (side-by-side.ts `measured`; /proc: the database must run on this machine, and be
// otherwise quiet). STOA_CPU_PROF=1 writes the server's CPU profile to bench/.data/prof. Needs `npm run build` (STOA_SERVER_DIR measures another checkout's build).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';
import { dataDir, median, numberArg, parseArgs, readInfo, requireDatabaseUrl, stopChild } from './common.js';
import type { LoadSpec } from './load.js';
import { mean, measured as measuredRun, signIn, startBaseline, startStoa, type Measured } from './side-by-side.js';

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
const measured = (pid: number, spec: Omit<LoadSpec, 'connections' | 'warmupSeconds' | 'runs' | 'runSeconds'>) => measuredRun(pid, { ...spec, connections: CONNECTIONS, runSeconds: seconds });

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
const results: Record<string, { bare: Measured[]; stoa: Measured[] }> = {};
for (const [name, paths] of Object.entries(pages)) {
  if (only && only !== name) continue;
  const r: (typeof results)[string] = (results[name] = { bare: [], stoa: [] });
  for (let i = 0; i < runs; i++) {
    r.bare.push(...(await measured(baseline.child.pid!, { baseUrl: baseline.baseUrl, method: 'GET', path: paths.bare })));
    r.stoa.push(...(await measured(stoa.child.pid!, { baseUrl: stoa.baseUrl, method: 'GET', path: paths.stoa, rotate: cookies.map((cookie) => ({ headers: { cookie } })) })));
  }
  const bare = mean(r.bare.map((x) => x.rps));
  const ours = mean(r.stoa.map((x) => x.rps));
  const bad = [...r.bare, ...r.stoa].filter((x) => x.non2xx > 0 || x.errors > 0 || x.timeouts > 0);
  console.log(
    `${name}: Stoa ${ours.toFixed(0)} req/s (runs ${r.stoa.map((x) => x.rps.toFixed(0)).join(', ')}; p99 ${median(r.stoa.map((x) => x.p99))} ms)` +
      ` | bare ${bare.toFixed(0)} req/s (runs ${r.bare.map((x) => x.rps.toFixed(0)).join(', ')}; p99 ${median(r.bare.map((x) => x.p99))} ms) | ${(ours / bare).toFixed(2)}×` +
      ` | server CPU per request: Stoa ${mean(r.stoa.map((x) => x.serverCpuMs)).toFixed(3)} ms, bare ${mean(r.bare.map((x) => x.serverCpuMs)).toFixed(3)} ms` +
      ` | PostgreSQL CPU per request: Stoa ${mean(r.stoa.map((x) => x.postgresCpuMs)).toFixed(3)} ms, bare ${mean(r.bare.map((x) => x.postgresCpuMs)).toFixed(3)} ms` +
      (bad.length ? `  [${bad.length} runs with non-2xx or errors: ${JSON.stringify(bad.map((x) => x.statusCodes))}]` : ''),
  );
}
console.log(`load average (1 min): ${loadAtStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at the end`);
await Promise.all([stopChild(stoa.child, 30_000), stopChild(baseline.child)]);
