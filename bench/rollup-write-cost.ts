// Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/stoa_bench npx tsx bench/rollup-write-cost.ts (on a generated bench database)
// Write-side cost of the per-topic rollup triggers: single-row autocommit inserts of views and posts with
// the triggers enabled vs disabled, alternating blocks, on the bench database. Rows go to a day after the data.
// --final-changes: the same for the change-log triggers of migration 0021 on the two member-level rollups instead
// (rows after the data are not in the past, so they log nothing: this is their cost on the ordinary write path).
import pg from 'pg';
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
const { rows: topics } = await client.query<{ id: string; community_id: string }>(`select id, community_id from topics order by post_count desc limit 200`);
const { rows: users } = await client.query<{ id: string }>(`select user_id as id from memberships order by user_id limit 3000`);
const { rows: [end] } = await client.query<{ d: string }>(`select (max(day) + 60)::text as d from topic_views`);
let day = end!.d;
let k = 0;
const insertView = async () => {
  const t = topics[k % topics.length]!; const u = users[Math.floor(k / topics.length) % users.length]!; k++;
  await client.query(`insert into topic_views (topic_id, user_id, day, community_id) values ($1, $2, $3, $4) on conflict do nothing`, [t.id, u.id, day, t.community_id]);
};
const insertPost = async () => {
  const t = topics[k % topics.length]!; const u = users[k % users.length]!; k++;
  await client.query(`insert into posts (topic_id, community_id, author_id, body_md, body_html, created_at) values ($1, $2, $3, 'x', '<p>x</p>', $4::date + interval '12 hours')`, [t.id, t.community_id, u.id, day]);
};
async function time(fn: () => Promise<void>, n: number) { const t0 = performance.now(); for (let i = 0; i < n; i++) await fn(); return (performance.now() - t0) / n; }
const finalChanges = process.argv.includes('--final-changes');
const logTriggers = (table: string) => ['ins', 'upd', 'del'].map((op) => [table, `engagement_final_changes_${table.replace('engagement_', '')}_${op}`] as const);
/** Per written table: the (table, trigger) pairs switched off and on. */
const triggers = finalChanges
  ? { topic_views: logTriggers('engagement_view_weeks'), posts: logTriggers('engagement_member_days') }
  : { topic_views: [['topic_views', 'engagement_by_topic_view_sync']] as const, posts: [['posts', 'engagement_by_topic_post_sync']] as const };
for (const [table, fn] of [['topic_views', insertView], ['posts', insertPost]] as const) {
  const on: number[] = []; const off: number[] = [];
  for (let round = 0; round < 4; round++) {
    for (const [on_, name] of triggers[table]) await client.query(`alter table ${on_} disable trigger ${name}`);
    off.push(await time(fn, 300));
    for (const [on_, name] of triggers[table]) await client.query(`alter table ${on_} enable trigger ${name}`);
    on.push(await time(fn, 300));
    day = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  console.log(`${table}: per insert ${med(on).toFixed(3)} ms with the rollup trigger, ${med(off).toFixed(3)} ms without (${(med(on) / med(off)).toFixed(2)}x); rounds on ${on.map((x) => x.toFixed(2)).join(' ')} off ${off.map((x) => x.toFixed(2)).join(' ')}`);
}
// Leave the database as the generator made it (posts' rollups follow the deletes through the triggers).
await client.query(`delete from posts where created_at >= $1::date - 10`, [end!.d]);
await client.query(`delete from topic_views where day >= $1::date - 10`, [end!.d]);
await client.end();
