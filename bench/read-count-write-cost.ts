// What migration 0025's read counts add to writes, on two copies of the same generated data, one migrated
// without 0025 (BEFORE_URL) and one with it (DATABASE_URL), alternating blocks of single-row writes:
// - a reply into the busiest topic and its counters' statement (stoa_count_topic_post), as post creation runs
//   them: with 0025 that statement also takes the topic's read lock and updates the readers at or after the
//   post (normally none);
// - a member's read position moved forward (the upsert of topics/queries.ts advanceReadPosition): with 0025 its
//   trigger counts the published posts it passes.
// Each write runs in a transaction that is rolled back, so the data stays as generated.
//   BEFORE_URL=postgres://…/copy_without DATABASE_URL=postgres://…/copy_with npx tsx bench/read-count-write-cost.ts [--rounds 4] [--writes 200]
import { loadavg } from 'node:os';
import pg from 'pg';
import { median, numberArg, parseArgs, readInfo, requireDatabaseUrl } from './common.js';

const args = parseArgs(process.argv.slice(2));
const rounds = numberArg(args, 'rounds', 4);
const writes = numberArg(args, 'writes', 200);
const urls = { before: process.env.BEFORE_URL!, after: requireDatabaseUrl() };
if (!urls.before) throw new Error('Set BEFORE_URL to a copy of the data without migration 0025');

async function open(url: string) {
  const client = new pg.Client({ connectionString: url, options: '-c jit=off' });
  await client.connect();
  const info = (await readInfo(client))!;
  const topic = info.busiestTopicId;
  const { rows: authors } = await client.query<{ id: string; community_id: string }>(
    `select u.id, t.community_id from users u join topics t on t.id = $1 where u.email = any($2) order by u.email limit 20`,
    [topic, info.memberEmails],
  );
  // Readers of the busiest topic, and a post some way after each one's position to move it to.
  const { rows: moves } = await client.query<{ user_id: string; post_id: string }>(
    `select r.user_id, (select p.id from posts p where p.topic_id = r.topic_id and p.created_at > r.last_read_at order by p.created_at offset 20 limit 1) as post_id
     from topic_reads r where r.topic_id = $1 order by r.user_id limit 200`,
    [topic],
  );
  return { client, topic, authors, moves: moves.filter((m) => m.post_id) };
}

const sides = { before: await open(urls.before), after: await open(urls.after) };
const times: Record<'before' | 'after', { post: number[]; read: number[] }> = { before: { post: [], read: [] }, after: { post: [], read: [] } };
const load = [loadavg()[0]!];
for (let round = 0; round < rounds; round++) {
  for (const name of round % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const)) {
    const { client, topic, authors, moves } = sides[name];
    for (let i = 0; i < writes; i++) {
      const author = authors[i % authors.length]!;
      await client.query('begin');
      const { rows } = await client.query<{ id: string }>(
        `insert into posts (community_id, topic_id, author_id, body_md, body_html) values ($1, $2, $3, 'A reply', '<p>A reply</p>') returning id`,
        [author.community_id, topic, author.id],
      );
      const t0 = performance.now();
      await client.query({ name: 'count', text: 'select * from stoa_count_topic_post($1, $2, $3, 1, true)', values: [topic, author.id, rows[0]!.id] });
      times[name].post.push(performance.now() - t0);
      await client.query('rollback');

      const move = moves[i % moves.length]!;
      await client.query('begin');
      const t1 = performance.now();
      await client.query({
        name: 'advance',
        text: `insert into topic_reads (topic_id, user_id, last_read_post_id, last_read_at, updated_at)
          select p.topic_id, $1, p.id, p.created_at, now() from posts p where p.id = $2 and p.topic_id = $3
          on conflict (user_id, topic_id) do update
            set last_read_post_id = excluded.last_read_post_id, last_read_at = excluded.last_read_at, updated_at = now()
            where topic_reads.last_read_at < excluded.last_read_at`,
        values: [move.user_id, move.post_id, topic],
      });
      times[name].read.push(performance.now() - t1);
      await client.query('rollback');
    }
  }
  load.push(loadavg()[0]!);
}
const ms = (xs: number[]) => `${median(xs).toFixed(3)} ms`;
console.log(`${rounds} rounds of ${writes} writes each side, load average ${load.map((l) => l.toFixed(1)).join(' → ')}`);
for (const name of ['before', 'after'] as const) {
  console.log(`${name.padEnd(6)} counters' statement of a new post (median) ${ms(times[name].post)}, read position moved (median) ${ms(times[name].read)}`);
}
await sides.before.client.end();
await sides.after.client.end();
