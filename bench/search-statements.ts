// The search statements alone, without HTTP: each query of the bench's search workload (bench/search.ts) built
// by server/features/search/queries.ts as the service would, and timed directly on the bench database (p50
// over --runs after one warm-up). For comparing two ways of one statement in the same minutes:
//
//   DATABASE_URL=… npx tsx bench/search-statements.ts [1word|3word|similar] [--runs 5] [--index-only]
//     [--explain "words"]
//
// --index-only: no newest-first read (the search before 9644db1); --explain prints that query's
// EXPLAIN (ANALYZE, BUFFERS) first. Similar problems run with the service's trigram threshold (SET LOCAL).
import { parseArgs } from 'node:util';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import { median, requireDatabaseUrl } from './common.js';
import { loadSearchWorkload } from './search.js';
import * as q from '../server/features/search/queries.js';
import { SEARCH_LIMITS } from '../shared/schemas/search.js';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '5' }, 'index-only': { type: 'boolean', default: false }, explain: { type: 'string' } },
});
const which = positionals[0] ?? 'all';
const runs = Number(opts.runs);
const client = new pg.Client({ connectionString: requireDatabaseUrl(), options: '-c jit=off' });
await client.connect();
const db = drizzle(client);
const dialect = new PgDialect();

const { rows: [community] } = await client.query<{ id: string }>('select id from communities order by created_at limit 1');
if (!community) throw new Error('no community: generate the bench data first (npm run bench)');
const { rows: [member] } = await client.query<{ user_id: string }>(
  `select user_id from memberships where community_id = $1 and not ('moderator' = any(roles)) and removed_at is null order by user_id limit 1`,
  [community.id],
);
const workload = await loadSearchWorkload(client, community.id);
if ('missing' in workload) throw new Error(workload.missing);
const viewer = { userId: member!.user_id, isAdmin: false, moderatedCommunityIds: [] };

/** The statement a queries.ts function would run (the function runs against a recorder, not the database). */
async function statementOf(build: (recorder: never) => Promise<unknown>) {
  let last: { sql: string; params: unknown[] } | undefined;
  const setup: Array<{ sql: string; params: unknown[] }> = [];
  const recorder = {
    transaction: async (f: (tx: unknown) => Promise<unknown>) => f(recorder),
    execute: async (s: SQL) => {
      if (last) setup.push(last);
      last = dialect.sqlToQuery(s);
      return { rows: [] };
    },
  };
  await build(recorder as never);
  return { setup, main: last! };
}

async function time(name: string, built: Awaited<ReturnType<typeof statementOf>>) {
  const once = async () => {
    await client.query('begin');
    for (const s of built.setup) await client.query(s.sql, s.params);
    const started = performance.now();
    await client.query(built.main.sql, built.main.params);
    const took = performance.now() - started;
    await client.query('commit');
    return took;
  };
  if (opts.explain !== undefined && name === opts.explain) {
    await client.query('begin');
    for (const s of built.setup) await client.query(s.sql, s.params);
    const plan = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${built.main.sql}`, built.main.params);
    await client.query('commit');
    console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
  }
  await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  return median(times);
}

const byKind = new Map<string, number[]>();
const record = (kind: string, ms: number, label: string) => {
  byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
  console.log(`${kind.padEnd(18)} ${ms.toFixed(1).padStart(7)} ms  ${label}`);
};
const window = SEARCH_LIMITS.rankedWindow;
for (const [name, specs] of [['1word', workload.oneWord], ['3word', workload.threeWord]] as const) {
  if (which !== 'all' && which !== name) continue;
  for (const spec of specs) {
    const groups = [{ language: workload.config, communityIds: [community.id] }];
    const newestProbe = opts['index-only'] ? undefined : q.newestProbeReach(await q.wordShares(db as never, workload.config, spec.q), window);
    const built = await statementOf((rec) => q.search(rec, { text: spec.q, groups, viewer, filters: {}, window, offset: 0, limit: SEARCH_LIMITS.pageDefault, newestProbe }));
    record(`${name} ${spec.kind}`, await time(spec.q, built), `${JSON.stringify(spec.q)}${newestProbe ? ` (newest ${newestProbe.join('+')} first)` : ''}`);
  }
}
if (which === 'all' || which === 'similar') {
  for (const { title } of workload.similarTitles) {
    const built = await statementOf((rec) =>
      q.similarProblems(rec, { communityId: community.id, language: workload.config, title, viewer, trigram: true, limit: SEARCH_LIMITS.similarMax }),
    );
    record('similar', await time(title, built), JSON.stringify(title));
  }
}
for (const [kind, times] of byKind) console.log(`${kind}: median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`);
await client.end();
