// The topic list statement (first page of 30, as a practitioner sees it) for each of the bench's first 50 members,
// on one connection: one warm pass, then five timed passes, each member's fastest counted (the machine is
// shared: the minimum is the least disturbed); prints the total and the slowest member, and with
// --explain the EXPLAIN (ANALYZE, BUFFERS) of the slowest member's statement. The statement is built by the
// checkout named by STOA_SERVER_DIR (default: this one), so one script measures a branch and main alike:
//   DATABASE_URL=postgres://… npx tsx bench/topic-list-unread.ts [--explain [--member N]] [--no-unread]
//   STOA_SERVER_DIR=/work/main DATABASE_URL=… npx tsx bench/topic-list-unread.ts --explain
// It also times the bare route's query (bench/sql.ts) the same way, and prints a digest of every member's unread
// counts: two checkouts on the same data must print the same one.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { and, desc, eq, sql } from 'drizzle-orm';
import { readInfo, requireDatabaseUrl } from './common.js';
import { BARE_READS } from './sql.js';

const serverDir = resolve(process.env.STOA_SERVER_DIR ?? resolve(import.meta.dirname, '..'));
const { topicSummaryFields } = (await import(pathToFileURL(`${serverDir}/server/features/topics/queries.ts`).href)) as typeof import('../server/features/topics/queries.js');
const { topics, users, topicFacilitators } = (await import(pathToFileURL(`${serverDir}/server/db/schema.ts`).href)) as typeof import('../server/db/schema.js');

const client = new pg.Client({ connectionString: requireDatabaseUrl(), options: '-c jit=off' });
await client.connect();
const info = (await readInfo(client))!;
const members = (await client.query<{ id: string }>('select id from users where email = any($1) order by email', [info.memberEmails.slice(0, 50)])).rows.map((r) => r.id);
const db = drizzle({ client });

// --no-unread: the statement without its unread counts, to see what they cost.
const noUnread = process.argv.includes('--no-unread');

/** The same statement as listTopics' first page for a practitioner (topics/queries.ts listQuery). */
function statement(userId: string) {
  return db
    .select(noUnread ? { ...topicSummaryFields({ userId, seesAllReplies: false }), unreadCount: sql`0` } : topicSummaryFields({ userId, seesAllReplies: false }))
    .from(topics)
    .innerJoin(users, eq(users.id, topics.authorId))
    .where(
      and(
        sql`${topics.communityId} = ${info.communityId}`,
        sql`(${topics.moderationStatus} = 'published' or ${topics.authorId} = ${userId})`,
        sql`(${topics.opensAt} is null or ${topics.opensAt} <= now()
          or exists (select 1 from ${topicFacilitators} f where f.topic_id = ${topics.id} and f.user_id = ${userId}))`,
      ),
    )
    .orderBy(desc(topics.pinned), desc(topics.lastActivityAt), desc(topics.id))
    .limit(30)
    .toSQL();
}

const unreadColumn = Object.keys(topicSummaryFields({ userId: '', seesAllReplies: false })).indexOf('unreadCount');
const times: Array<{ member: number; ms: number; unread: number[] }> = [];
for (const pass of ['warm', 'timed', 'timed', 'timed', 'timed', 'timed']) {
  for (const [i, id] of members.entries()) {
    const s = statement(id);
    const t0 = performance.now();
    // Prepared once, as the product prepares the list's first page (its generic plan after five runs).
    const { rows } = await client.query<unknown[]>({ name: 'topic_list', text: s.sql, values: s.params, rowMode: 'array' });
    const ms = performance.now() - t0;
    if (pass === 'warm') continue;
    const unread = rows.map((r) => Number(r[unreadColumn]));
    const seen = times[i];
    if (!seen) times[i] = { member: i, ms, unread };
    else if (ms < seen.ms) seen.ms = ms;
  }
}
// The bare route's one query (bench/sql.ts), timed the same way: what the list's statement is compared with.
const bare: number[] = [];
for (let pass = 0; pass < 6; pass++) {
  for (let i = 0; i < members.length; i++) {
    const t0 = performance.now();
    await client.query({ name: 'bare_list', text: BARE_READS.topicList, values: [info.communityId] });
    const ms = performance.now() - t0;
    if (pass > 0) bare[i] = Math.min(bare[i] ?? Infinity, ms);
  }
}
const total = times.reduce((n, x) => n + x.ms, 0);
console.log(`bare query: total ${bare.reduce((n, x) => n + x, 0).toFixed(1)} ms for ${members.length}`);
const slowest = [...times].sort((a, b) => b.ms - a.ms)[0]!;
const sorted = times.map((x) => x.ms).sort((a, b) => a - b);
console.log(`${serverDir}: ${members.length} members, total ${total.toFixed(1)} ms, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} ms, slowest member ${slowest.member} ${slowest.ms.toFixed(2)} ms`);
// Two checkouts' counts on the same data must agree: the digest of every member's page of unread counts.
const all = times.map((x) => x.unread.join(',')).join(';');
console.log(`unread counts: sum ${times.reduce((n, x) => n + x.unread.reduce((a, b) => a + b, 0), 0)}, digest ${createHash('sha1').update(all).digest('hex').slice(0, 12)}`);
if (process.argv.includes('--explain')) {
  // --member N explains that member's statement (to compare checkouts on the same one), else the slowest's.
  const at = process.argv.indexOf('--member');
  const s = statement(members[at > 0 ? Number(process.argv[at + 1]) : slowest.member]!);
  const { rows } = await client.query(`explain (analyze, buffers) ${s.sql}`, s.params);
  console.log(rows.map((r) => r['QUERY PLAN']).join('\n'));
}
await client.end();
