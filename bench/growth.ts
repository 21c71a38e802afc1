// Topics of fixed sizes for the "cost as a topic grows" row (issue 15): 100, 10,000 and 100,000 posts.
//
// The generated community's topics grow with the generator's scale; this row needs the same three sizes in
// the quick run as in the full one, so they are added to whatever data the bench database holds, once:
// `bench_gen.growth_topics` remembers them. They live in a community of their own (a copy of the generated
// one's settings and members), so their 110,100 recent posts do not change what the other rows measure (the
// generated community's topic list, its engagement reports, its search). Each is a CPD topic shaped like the busiest one (its article, its first
// three prompts, its facilitator), with threaded replies from the community's posters spread over the last
// 60 days, every fifth answering a prompt, each with its first revision. The rows go through the server's
// triggers (search vectors, engagement rollups); the topic's counters are then set from its posts, by the
// same definitions the server keeps them by (server/domain/content-status.ts).
import pg from 'pg';

export const GROWTH_SIZES = [100, 10_000, 100_000] as const;

export interface GrowthTopic {
  posts: number;
  topicId: string;
}

const CHUNK = 10_000;

export async function ensureGrowthTopics(
  databaseUrl: string,
  source: { communityId: string; busiestTopicId: string },
  log: (line: string) => void,
): Promise<GrowthTopic[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // (`bench_gen.growth`, from before the growth topics had a community of their own, is left alone.)
    await client.query('create table if not exists bench_gen.growth_topics (posts int primary key, topic_id uuid not null)');
    const { rows: existing } = await client.query<{ posts: number; topic_id: string }>('select posts, topic_id from bench_gen.growth_topics');
    const known = new Map(existing.map((r) => [r.posts, r.topic_id]));
    for (const size of GROWTH_SIZES) {
      if (known.has(size)) continue;
      const started = performance.now();
      const communityId = await growthCommunity(client, source.communityId);
      known.set(size, await createGrowthTopic(client, { ...source, growthCommunityId: communityId }, size));
      log(`   made a topic of ${size.toLocaleString('en')} posts for the growth row in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    return GROWTH_SIZES.map((posts) => ({ posts, topicId: known.get(posts)! }));
  } finally {
    await client.end();
  }
}

const GROWTH_SLUG = 'bench-growth';

/** The growth topics' community: made once, with the generated community's settings and every one of its members. */
async function growthCommunity(client: pg.Client, sourceCommunityId: string): Promise<string> {
  const { rows: found } = await client.query<{ id: string }>('select id from communities where slug = $1', [GROWTH_SLUG]);
  if (found[0]) return found[0].id;
  await client.query('begin');
  try {
    const { rows } = await client.query<{ id: string }>(
      `insert into communities (slug, name, description, join_policy, auto_hide_threshold, premod_new_member_posts, created_at, search_language)
       select $2, 'Growth topics (bench)', 'Topics of fixed sizes for the bench''s growth row.', join_policy, auto_hide_threshold,
              premod_new_member_posts, created_at, search_language
         from communities where id = $1
       returning id`,
      [sourceCommunityId, GROWTH_SLUG],
    );
    const id = rows[0]!.id;
    await client.query(
      `insert into memberships (community_id, user_id, roles, joined_at, removed_at)
       select $2, user_id, roles, joined_at, removed_at from memberships where community_id = $1`,
      [sourceCommunityId, id],
    );
    await client.query('commit');
    return id;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  }
}

async function createGrowthTopic(client: pg.Client, source: { busiestTopicId: string; growthCommunityId: string }, size: number): Promise<string> {
  await client.query('begin');
  try {
    const { rows } = await client.query<{ id: string }>(
      `insert into topics (community_id, kind, title, author_id, body_md, body_html, article_url, opens_at, created_at)
       select $3, 'cpd', 'Growth topic: ' || $2::int || ' posts', author_id, body_md, body_html, article_url,
              now() - interval '61 days', now() - interval '61 days'
         from topics where id = $1
       returning id`,
      [source.busiestTopicId, size, source.growthCommunityId],
    );
    const topicId = rows[0]!.id;
    await client.query(
      `insert into prompts (topic_id, position, body_md, body_html, created_at)
       select $2, position, body_md, body_html, now() - interval '61 days' from prompts where topic_id = $1 and position <= 3`,
      [source.busiestTopicId, topicId],
    );
    await client.query(
      `insert into topic_facilitators (topic_id, user_id) select $2, user_id from topic_facilitators where topic_id = $1`,
      [source.busiestTopicId, topicId],
    );
    // Authors: the busiest topic's posters, in a fixed order; bodies: the generator's pre-rendered texts.
    const authors = (
      await client.query<{ author_id: string }>(
        `select distinct author_id from posts where topic_id = $1 and status = 'published' order by author_id limit 500`,
        [source.busiestTopicId],
      )
    ).rows.map((r) => r.author_id);
    // Reply bodies are numbered from their minimum without gaps (topics' and prompts' own texts are numbered from 100,000,000).
    const { rows: replyBodies } = await client.query<{ first: number; n: number; last: number }>(
      'select min(n) as first, count(*)::int as n, max(n) as last from bench_gen.bodies where n < 100000000',
    );
    const { first, n: bodies, last } = replyBodies[0]!;
    if (!bodies || last - first + 1 !== bodies) throw new Error('bench_gen.bodies: reply bodies are not numbered without gaps');
    for (let from = 1; from <= size; from += CHUNK) {
      const to = Math.min(size, from + CHUNK - 1);
      // Post i: created at an even step over the last 60 days; every third replies to post i - 1 (depth 1); every
      // fifth answers prompt 1 + i % 3. Ids are md5-derived, so replies can name their parents without lookups.
      await client.query(
        `with x as (select i, md5('growth:' || $1::text || ':' || i)::uuid as id,
                           ($3::uuid[])[1 + (i::bigint * 7919) % cardinality($3::uuid[])] as author,
                           now() - interval '60 days' + (interval '60 days' - interval '1 minute') * i / $2::int as at,
                           ($7::bigint + (i::bigint * 104729) % $4::int)::int as body
                      from generate_series($5::int, $6::int) as i),
              p as (insert into posts (id, community_id, topic_id, author_id, parent_id, prompt_id, depth, body_md, body_html, created_at)
                    select x.id, t.community_id, t.id, x.author,
                           case when x.i % 3 = 0 and x.i > 1 then md5('growth:' || $1::text || ':' || (x.i - 1))::uuid end,
                           case when x.i % 5 = 0 then (select q.id from prompts q where q.topic_id = t.id order by q.position offset x.i % 3 limit 1) end,
                           case when x.i % 3 = 0 and x.i > 1 then 1 else 0 end, b.md, b.html, x.at
                      from x join bench_gen.bodies b on b.n = x.body, topics t where t.id = $1::uuid
                    returning id, author_id, body_md, body_html, created_at)
         insert into post_revisions (post_id, version, body_md, body_html, editor_id, created_at)
         select id, 1, body_md, body_html, author_id, created_at from p`,
        [topicId, size, authors, bodies, from, to, first],
      );
    }
    await client.query(
      `update topics t set post_count = c.posts, poster_count = c.posters, last_activity_at = c.last
         from (select count(*)::int as posts, count(distinct author_id)::int as posters, max(created_at) as last
                 from posts where topic_id = $1 and status = 'published') c
        where t.id = $1`,
      [topicId],
    );
    await client.query('insert into bench_gen.growth_topics (posts, topic_id) values ($1, $2)', [size, topicId]);
    await client.query('commit');
    await client.query('analyze posts');
    return topicId;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  }
}
