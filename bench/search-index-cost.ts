// What search indexing adds to one post insert, at the statement level (issue 14), next to the HTTP-level
// `post-create-search-index` row of `npm run bench`, whose runs on a shared machine are too noisy to
// resolve a few per cent:
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/stoa_bench npx tsx bench/search-index-cost.ts [--rounds 8] [--block 300]
//
// Single-row inserts of generated replies (bench_gen.bodies) into the 50 busiest topics, in blocks that
// alternate with and without indexing. Each block is one transaction that is rolled back, so "without"
// costs nothing to switch: DROP INDEX posts_search_idx and DISABLE TRIGGER posts_search_vector inside the
// block's transaction, and the rollback brings both back (no rebuild, nothing left behind). The
// deferred rollup triggers run per statement (SET CONSTRAINTS ALL IMMEDIATE) so each insert does what a
// committed one would. GIN's pending list is not transactional: entries of rolled-back blocks stay in it
// until it is merged (at 4 MB, by an insert, or by vacuum), so merges fall into the blocks with indexing
// as they would in production. Needs a database no server is using (it locks posts).
import pg from 'pg';
import { median, numberArg, parseArgs, requireDatabaseUrl } from './common.js';

const args = parseArgs(process.argv.slice(2));
const rounds = numberArg(args, 'rounds', 8);
const block = numberArg(args, 'block', 300);
const client = new pg.Client({ connectionString: requireDatabaseUrl(), options: '-c jit=off' });
await client.connect();
const { rows: topics } = await client.query<{ id: string; community_id: string }>(
  `select id, community_id from topics where closes_at is null order by post_count desc limit 50`,
);
const { rows: users } = await client.query<{ id: string }>(`select user_id as id from memberships order by user_id limit 500`);
const { rows: bodies } = await client.query<{ md: string; html: string }>(`select md, html from bench_gen.bodies where n < 100000000 order by md5(n::text) limit 500`);
const { rows: index } = await client.query<{ def: string }>(`select pg_get_indexdef('posts_search_idx'::regclass) as def`);
if (!index.length) throw new Error('no posts_search_idx');

let k = 0;
async function insertBlock(withIndexing: boolean): Promise<number[]> {
  const times: number[] = [];
  await client.query('BEGIN');
  try {
    await client.query('SET CONSTRAINTS ALL IMMEDIATE');
    if (!withIndexing) {
      await client.query('ALTER TABLE posts DISABLE TRIGGER posts_search_vector');
      await client.query('DROP INDEX posts_search_idx');
    }
    for (let i = 0; i < block; i++, k++) {
      const t = topics[k % topics.length]!;
      const b = bodies[k % bodies.length]!;
      const started = performance.now();
      await client.query(
        `insert into posts (topic_id, community_id, author_id, body_md, body_html) values ($1, $2, $3, $4, $5)`,
        [t.id, t.community_id, users[k % users.length]!.id, b.md, b.html],
      );
      times.push(performance.now() - started);
    }
  } finally {
    await client.query('ROLLBACK');
  }
  return times;
}

await insertBlock(true); // warm-up
const on: number[][] = [];
const off: number[][] = [];
for (let round = 0; round < rounds; round++) {
  // Alternate which goes first, so neither side always follows the other.
  if (round % 2 === 0) {
    on.push(await insertBlock(true));
    off.push(await insertBlock(false));
  } else {
    off.push(await insertBlock(false));
    on.push(await insertBlock(true));
  }
}
const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
const perRound = (blocks: number[][]) => blocks.map((b) => mean(b));
const onMs = median(perRound(on));
const offMs = median(perRound(off));
console.log(
  `per post insert (mean of a block, median of ${rounds} blocks of ${block}): ${onMs.toFixed(3)} ms with search indexing, ${offMs.toFixed(3)} ms without ` +
    `(+${((onMs - offMs) * 1000).toFixed(0)} µs, ${(onMs / offMs).toFixed(2)}×); p50 of single inserts ${median(on.flat()).toFixed(3)} vs ${median(off.flat()).toFixed(3)} ms`,
);
console.log(`blocks with: ${perRound(on).map((x) => x.toFixed(3)).join(' ')}`);
console.log(`blocks without: ${perRound(off).map((x) => x.toFixed(3)).join(' ')}`);
await client.end();
