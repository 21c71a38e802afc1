// Engagement analytics benchmark (issue 6). On PostgreSQL only:
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/engagement.ts
// Generates (once; reused while the database exists) a community of 10,000 members, 1,000,000 posts and
// 5,000,000 topic-view rows over two years, then measures each engagement endpoint for a 3-month range
// (p50/p95 over BENCH_RUNS requests, through the real app) next to a plain SELECT count(*) over posts.
// BENCH_FRESH=1 regenerates the data.
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/client.js';
import { runMigrations } from '../server/db/migrate.js';
import { SESSION_COOKIE } from '../server/plugins/session.js';

const BASE = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'stoa_bench_engagement';
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const MEMBERS = 10_000;
const POSTS = 1_000_000;
const VIEWS = 5_000_000;
const TOPICS = 2_000;
const START = '2023-01-02'; // two years of data: 2023-01-02 .. 2024-12-31
const DAYS = 730;

const withDb = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

function progress(label: string, done: number, total: number) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stdout.write(`\r  ${label.padEnd(14)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round((done / total) * 100)}%`);
  if (done >= total) process.stdout.write('\n');
}

async function generate(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const q = (text: string) => client.query(text);
  console.log('Generating the benchmark community…');
  await q(`insert into users (email, password_hash, display_name)
           select 'bench-' || i || '@example.test', 'x', 'Member ' || i from generate_series(1, ${MEMBERS}) i`);
  await q(`insert into communities (slug, name, join_policy) values ('bench', 'Bench community', 'invite')`);
  // Members join over the two years (most early); 5% are removed later.
  await q(`insert into memberships (community_id, user_id, roles, created_at, removed_at)
           select c.id, u.id, case when row_number() over () = 1 then array['manager'] else '{}'::text[] end,
                  timestamptz '${START}' + (random() ^ 3) * interval '${DAYS} days',
                  case when random() < 0.05 then timestamptz '${START}' + interval '${DAYS} days' * (0.5 + random() / 2) end
             from users u cross join communities c where c.slug = 'bench'`);
  await q(`insert into topics (community_id, kind, title, author_id, body_md, body_html, created_at)
           select c.id, case when i % 3 = 0 then 'problem' else 'cpd' end, 'Topic ' || i,
                  (select user_id from memberships order by user_id offset (i * 7919) % ${MEMBERS} limit 1),
                  'b', '<p>b</p>', timestamptz '${START}' + (i::float / ${TOPICS}) * interval '${DAYS} days'
             from generate_series(1, ${TOPICS}) i cross join communities c where c.slug = 'bench'`);
  await q(`insert into prompts (topic_id, position, body_md, body_html)
           select t.id, p, 'p', '<p>p</p>' from topics t cross join generate_series(1, 3) p where t.kind = 'cpd'`);
  await q(`create temp table member_ix as select row_number() over (order by user_id) as ix, user_id from memberships`);
  await q(`create temp table topic_ix as select row_number() over (order by created_at) as ix, id, created_at from topics`);
  await q(`create index on member_ix (ix); create index on topic_ix (ix); analyze member_ix; analyze topic_ix`);
  const chunks = 20;
  for (let k = 0; k < chunks; k++) {
    // Authors follow a power law (a few post a lot); a post lands in a topic opened before it.
    await q(`insert into posts (community_id, topic_id, author_id, prompt_id, body_md, body_html, status, created_at)
             select (select id from communities where slug = 'bench'), t.id, m.user_id, null, 'r', '<p>r</p>',
                    case when r.s < 0.02 then 'removed' when r.s < 0.03 then 'withdrawn' when r.s < 0.035 then 'pending' else 'published' end,
                    t.created_at + random() * (timestamptz '${START}' + interval '${DAYS} days' - t.created_at)
               from (select i, random() as a, random() as b, random() as s from generate_series(1, ${POSTS / chunks}) i) r
               join member_ix m on m.ix = 1 + floor((r.a ^ 4) * ${MEMBERS})::int
               join topic_ix t on t.ix = 1 + floor(r.b * ${TOPICS})::int`);
    progress('posts', k + 1, chunks);
  }
  await q(`update posts p set prompt_id = (select pr.id from prompts pr where pr.topic_id = p.topic_id order by pr.position limit 1)
            where p.topic_id in (select id from topics where kind = 'cpd') and (hashtext(p.id::text) % 2) = 0`);
  for (let k = 0; k < chunks; k++) {
    await q(`insert into topic_views (topic_id, user_id, day, community_id)
             select t.id, m.user_id, (t.created_at + random() * (timestamptz '${START}' + interval '${DAYS} days' - t.created_at))::date,
                    (select id from communities where slug = 'bench')
               from (select i, random() as a, random() as b from generate_series(1, ${Math.round((VIEWS * 1.02) / chunks)}) i) r
               join member_ix m on m.ix = 1 + floor((r.a ^ 2) * ${MEMBERS})::int
               join topic_ix t on t.ix = 1 + floor(r.b * ${TOPICS})::int
             on conflict do nothing`);
    progress('topic views', k + 1, chunks);
  }
  await q(`insert into helpful_marks (post_id, user_id)
           select p.id, (select user_id from member_ix where ix = 1 + (hashtext(p.id::text) & 8191)) from posts p
            where p.status = 'published' and random() < 0.1 on conflict do nothing`);
  console.log('  vacuum analyze…');
  await q(`vacuum analyze`);
  const { rows } = await q(`select (select count(*) from posts) posts, (select count(*) from topic_views) views, (select count(*) from memberships) members`);
  console.log(`  generated: ${JSON.stringify(rows[0])}`);
  await client.end();
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function main() {
  const admin = new pg.Client({ connectionString: BASE });
  await admin.connect();
  const exists = (await admin.query(`select 1 from pg_database where datname = $1`, [DB_NAME])).rowCount;
  const url = withDb(BASE, DB_NAME);
  if (!exists || process.env.BENCH_FRESH === '1') {
    await admin.query(`drop database if exists ${DB_NAME} with (force)`);
    await admin.query(`create database ${DB_NAME}`);
    const database = await openDatabase({ databaseUrl: url });
    await runMigrations(database, url);
    await database.close();
    await generate(url);
  } else {
    // Pick up migrations added since the data was generated (e.g. new indexes).
    const database = await openDatabase({ databaseUrl: url });
    await runMigrations(database, url);
    await database.close();
  }
  await admin.end();

  const database = await openDatabase({ databaseUrl: url });
  const app = await buildApp(loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DEMO: '0', DATABASE_URL: url }), { database, closeDatabase: true, logger: false });
  await app.ready();
  const [{ id: communityId, manager }] = await database.rows<{ id: string; manager: string }>(
    sql`select c.id, m.user_id as manager from communities c join memberships m on m.community_id = c.id
         where c.slug = 'bench' and 'manager' = any(m.roles) limit 1`,
  ) as [{ id: string; manager: string }];
  const session = await app.services.auth.startSession(manager);
  const cookie = `${SESSION_COOKIE}=${session.token}`;

  const countRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await database.rows(sql`select count(*) from posts`);
    countRuns.push(performance.now() - t0);
  }

  const range = 'from=2024-07-01&to=2024-09-29'; // 91 days, 13 ISO weeks
  const topic = (await database.rows<{ id: string }>(sql`select id from topics where kind = 'cpd' order by created_at desc limit 1 offset 200`))[0]!.id;
  const endpoints: Record<string, string> = {
    summary: `/api/communities/${communityId}/engagement?${range}`,
    topics: `/api/communities/${communityId}/engagement/topics?${range}`,
    members: `/api/communities/${communityId}/engagement/members?${range}`,
    'members (topic)': `/api/communities/${communityId}/engagement/members?${range}&topicId=${topic}`,
    trajectories: `/api/communities/${communityId}/engagement/trajectories?${range}`,
    'members csv': `/api/communities/${communityId}/engagement/members?${range}&format=csv`,
  };
  console.log(`\nEngagement endpoints, 3-month range, ${RUNS} runs each (after one warm-up):`);
  console.log(`  ${'SELECT count(*) FROM posts'.padEnd(28)} p50 ${pct(countRuns, 50).toFixed(1).padStart(7)} ms   p95 ${pct(countRuns, 95).toFixed(1).padStart(7)} ms`);
  for (const [name, path] of Object.entries(endpoints)) {
    const warm = await app.inject({ method: 'GET', url: path, headers: { cookie } });
    if (warm.statusCode !== 200) throw new Error(`${name}: ${warm.statusCode} ${warm.body.slice(0, 300)}`);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await app.inject({ method: 'GET', url: path, headers: { cookie } });
      times.push(performance.now() - t0);
    }
    console.log(`  ${name.padEnd(28)} p50 ${pct(times, 50).toFixed(1).padStart(7)} ms   p95 ${pct(times, 95).toFixed(1).padStart(7)} ms   (${warm.body.length} bytes)`);
  }
  await app.close();
}

await main();
