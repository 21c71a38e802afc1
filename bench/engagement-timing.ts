// Times the engagement report's building blocks one at a time (p50 of N sequential runs) on a generated
// database, for profiling; `npm run bench` measures the HTTP endpoints. Each report runs on a service of its
// own, so its first call ("first") is cold: no finished week in the activity or topic cache yet; "(SQL only)" rows
// run the same report without the cache, as before it.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/stoa_perf npx tsx bench/engagement-timing.ts [--runs 5] [--only summary,members]
//   (--only takes names as printed, comma-separated: 'topics,topics (one statement)')
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase } from '../server/db/client.js';
import { createEngagementService, resolveRange } from '../server/features/engagement/service.js';
import { communityAccess, topicAccessRules } from '../server/domain/deps.js';
import * as q from '../server/features/engagement/queries.js';
import { numberArg, parseArgs, requireDatabaseUrl } from './common.js';

const args = parseArgs(process.argv.slice(2));
const runs = numberArg(args, 'runs', 5);
const only = typeof args.only === 'string' ? new Set(args.only.split(',')) : null;
const url = requireDatabaseUrl();
const client = new pg.Client({ connectionString: url });
await client.connect();
const { rows } = await client.query<{ value: { communityId: string; managerEmail: string; dataEndsAt: string } }>(`select value from bench_gen.info where key = 'info'`);
const info = rows[0]!.value;
const { rows: mgr } = await client.query<{ id: string; display_name: string }>('select id, display_name from users where email = $1', [info.managerEmail]);
// The facilitator who opened most CPD topics: their per-topic table reads only their topics.
const { rows: fac } = await client.query<{ id: string; display_name: string; topics: number }>(
  `select u.id, u.display_name, count(*)::int as topics from topics t join users u on u.id = t.author_id
    where t.community_id = $1 and t.kind = 'cpd' group by u.id, u.display_name order by 3 desc limit 1`,
  [info.communityId],
);
await client.end();

const database = await openDatabase({ databaseUrl: url });
const db = database.db;
const actor = { id: mgr[0]!.id, isAdmin: false, displayName: mgr[0]!.display_name };
const to = info.dataEndsAt.slice(0, 10);
const from = new Date(Date.parse(to) - 91 * 86_400_000).toISOString().slice(0, 10);
const engagementDeps = { communities: communityAccess, topics: topicAccessRules };
const range = await resolveRange(db, info.communityId, { from, to });
const service = createEngagementService({ db, ...engagementDeps, reportParallelism: database.kind === 'postgres' ? 2 : 1 });
// The per-topic report in one statement, as on PGlite, to see what running its slices side by side gains.
const serialService = createEngagementService({ db, ...engagementDeps, reportParallelism: 1 });
const fresh = () => createEngagementService({ db, ...engagementDeps, reportParallelism: database.kind === 'postgres' ? 2 : 1 });
const sqlOnly = createEngagementService({ db, ...engagementDeps, reportParallelism: 2, activityCache: null });
const query = { from, to };

// Each entry makes its runner once (a fresh service: its first call is cold).
const cases: Record<string, () => () => Promise<unknown>> = {
  'count(*) posts': () => () => db.execute(sql`select count(*) from posts`),
  periodCounts: () => () => q.periodCounts(db, range.current),
  weeklySeries: () => () => q.weeklySeries(db, range.current),
  topContributors: () => () => q.topContributors(db, range.current, 10),
  'summary (SQL only)': () => () => sqlOnly.summary(actor, info.communityId, query),
  summary: () => ((s) => () => s.summary(actor, info.communityId, query))(fresh()),
  'topics (SQL only)': () => () => sqlOnly.topics(actor, info.communityId, query),
  topics: () => ((s) => () => s.topics(actor, info.communityId, query))(fresh()),
  'topics (one statement)': () => () => serialService.topics(actor, info.communityId, query),
  [`topics (facilitator of ${fac[0]!.topics})`]: () => () =>
    service.topics({ id: fac[0]!.id, isAdmin: false, displayName: fac[0]!.display_name }, info.communityId, query),
  'members (SQL only)': () => () => sqlOnly.members(actor, info.communityId, query),
  members: () => ((s) => () => s.members(actor, info.communityId, query))(fresh()),
  'trajectories (SQL only)': () => () => sqlOnly.trajectories(actor, info.communityId, query),
  trajectories: () => ((s) => () => s.trajectories(actor, info.communityId, query))(fresh()),
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`range ${from}..${to}, ${runs} runs each (after one warm-up); load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const [name, make] of Object.entries(cases)) {
  if (only && !only.has(name)) continue;
  const run = make();
  const firstStarted = performance.now();
  await run();
  const first = performance.now() - firstStarted;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  console.log(`${name.padEnd(30)} p50 ${median(times).toFixed(0).padStart(6)} ms   (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}; first ${first.toFixed(0)})`);
}
await database.close();
