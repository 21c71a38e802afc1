// Post creation against the bare insert, into one hot topic and spread over the busiest open topics
// (issue 15's `post-create-hot` and `post-create-spread`), on data that `npm run bench` generated:
//   DATABASE_URL=postgres://… npx tsx bench/post-create.ts [--seconds 10] [--runs 2] [--only hot|spread]
// Runs alternate bare and Stoa, each after a warm-up; the mean req/s of the runs is reported with the CPU
// time each post cost the server process (threads included) and PostgreSQL's processes, and the
// figures go to bench/.data/post-create.json. Needs `npm run build` (it starts dist/server/main.js; set
// STOA_SERVER_DIR to measure another checkout's build, e.g. main's, for a before/after).
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
const topicIds = (
  await client.query<{ id: string }>(
    `select id from topics where community_id = $1 and closes_at is null and closed_at is null and locked_at is null
       and moderation_status = 'published' order by post_count desc limit 50`,
    [info.communityId],
  )
).rows.map((r) => r.id);
const hotTopicId = info.busiestTopicId;
// With autovacuum off (as on the CI machine: bench/run.ts), each run's writes would stay behind as dead rows
// and slow the next run down (topic rows updated per reply, positioned events): start from a vacuumed database.
if ((await client.query<{ setting: string }>(`select setting from pg_settings where name = 'autovacuum'`)).rows[0]?.setting === 'off') {
  await client.query('vacuum (analyze)');
}
await client.end();

const logFile = `${dataDir}/post-create-servers.log`;
writeFileSync(logFile, '');
const measured = (pid: number, spec: Omit<LoadSpec, 'connections' | 'warmupSeconds' | 'runs' | 'runSeconds'>) => measuredRun(pid, { ...spec, connections: CONNECTIONS, runSeconds: seconds });

const loadAtStart = loadavg()[0]!;
const stoa = await startStoa(databaseUrl, logFile);
const baseline = await startBaseline(databaseUrl, `${dataDir}/post-create-plan.json`);
const members = [];
for (const email of info.memberEmails.slice(0, CONNECTIONS)) members.push(await signIn(stoa.baseUrl, email, info.password));
const body = JSON.stringify({ body: 'Benchmark reply: in our in-service course we tried **loop input** and the trainees planned a lesson in pairs. What would you change for a group of fifty?' });

const results: Record<string, { bare: Measured[]; stoa: Measured[] }> = {};
for (const shape of ['hot', 'spread'] as const) {
  if (only && only !== shape) continue;
  const topicOf = (i: number) => (shape === 'hot' ? hotTopicId : topicIds[i % topicIds.length]!);
  const bareRotate = members.map((m, i) => ({ path: `/bare-post/${topicOf(i)}?as=${m.userId}` }));
  const stoaRotate = members.map((m, i) => ({ path: `/api/topics/${topicOf(i)}/posts`, headers: { cookie: m.cookie } }));
  const r = (results[shape] = { bare: [] as Measured[], stoa: [] as Measured[] });
  for (let i = 0; i < runs; i++) {
    r.bare.push(...(await measured(baseline.child.pid!, { baseUrl: baseline.baseUrl, method: 'POST', path: '/', body, rotate: bareRotate })));
    r.stoa.push(...(await measured(stoa.child.pid!, { baseUrl: stoa.baseUrl, method: 'POST', path: '/', body, idempotencyKey: true, headers: { origin: stoa.baseUrl }, rotate: stoaRotate })));
  }
  const bare = mean(r.bare.map((x) => x.rps));
  const ours = mean(r.stoa.map((x) => x.rps));
  const bad = [...r.bare, ...r.stoa].filter((x) => x.non2xx > 0 || x.errors > 0 || x.timeouts > 0);
  console.log(
    `post-create-${shape} (${shape === 'hot' ? '1 topic' : `${topicIds.length} topics`}): Stoa ${ours.toFixed(0)} req/s (runs ${r.stoa.map((x) => x.rps.toFixed(0)).join(', ')}; p99 ${median(r.stoa.map((x) => x.p99))} ms)` +
      ` | bare ${bare.toFixed(0)} req/s (runs ${r.bare.map((x) => x.rps.toFixed(0)).join(', ')}; p99 ${median(r.bare.map((x) => x.p99))} ms) | ${(ours / bare).toFixed(2)}×` +
      ` | CPU ms per post, server (main thread) + PostgreSQL: ${['stoa', 'bare'].map((k) => {
        const runs = r[k as 'stoa' | 'bare'];
        return `${k === 'stoa' ? 'Stoa' : 'bare'} ${mean(runs.map((x) => x.serverCpuMs)).toFixed(2)} (${mean(runs.map((x) => x.mainThreadCpuMs)).toFixed(2)}) + ${mean(runs.map((x) => x.postgresCpuMs)).toFixed(2)}`;
      }).join(', ')}` +
      (bad.length ? `  [${bad.length} runs with non-2xx or errors: ${JSON.stringify(bad.map((x) => x.statusCodes))}]` : ''),
  );
}
console.log(`load average (1 min): ${loadAtStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at the end`);
writeFileSync(`${dataDir}/post-create.json`, JSON.stringify({ at: new Date().toISOString(), seconds, runs, loadAtStart, loadAtEnd: loadavg()[0], results }, null, 1));
await Promise.all([stopChild(stoa.child, 60_000), stopChild(baseline.child)]); // the notifier may finish a backlog first
