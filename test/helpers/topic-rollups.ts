// The per-topic engagement rollups (migration 0009) read back and recomputed from their sources, for tests
// that check them after any sequence of writes.
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../server/db/client.js';

/**
 * The per-topic rollups as stored and as recomputed from topics, posts and topic_views, both sorted. The
 * bitmaps are read back as (topic, week, member) through the participant numbers, so a store and a rebuild
 * that number participants differently still compare equal.
 */
export async function topicRollupsAndDirect(db: DbOrTx) {
  const rows = async <T>(query: SQL): Promise<T[]> => ((await db.execute(query)) as unknown as { rows: T[] }).rows;
  const bitsSet = (column: string) => rows<{ k: string }>(sql`
    select tw.topic_id || ' ' || tw.week_start || ' ' || n.user_id as k
      from engagement_topic_weeks tw join engagement_participants n on n.community_id = tw.community_id
     where case when n.no < length(${sql.raw(`tw.${column}`)}) then get_bit(${sql.raw(`tw.${column}`)}, n.no) = 1 else false end order by 1`);
  // A topic's opening is an act while the topic is published (not held, hidden or removed: migration 0012).
  const acts = sql`select community_id, id as topic_id, author_id as user_id, null::uuid as prompt_id, created_at from topics where moderation_status = 'published'
                   union all select community_id, topic_id, author_id, prompt_id, created_at from posts where status in ('published', 'withdrawn')`;
  const stored = {
    viewers: await bitsSet('viewers'),
    posters: await bitsSet('posters'),
    days: await rows<{ k: string }>(sql`select concat_ws(' ', community_id, day, topic_id, prompt_id, acts) as k from engagement_topic_days order by 1`),
    posterWeeks: await rows<{ k: string }>(sql`select concat_ws(' ', topic_id, week_start, user_id, acts) as k from engagement_topic_poster_weeks order by 1`),
  };
  const direct = {
    viewers: await rows<{ k: string }>(sql`select distinct topic_id || ' ' || date_trunc('week', day::timestamp)::date || ' ' || user_id as k from topic_views order by 1`),
    posters: await rows<{ k: string }>(sql`select distinct topic_id || ' ' || date_trunc('week', created_at at time zone 'UTC')::date || ' ' || user_id as k from (${acts}) a order by 1`),
    days: await rows<{ k: string }>(sql`select concat_ws(' ', community_id, (created_at at time zone 'UTC')::date, topic_id, prompt_id, count(*)) as k from (${acts}) a group by community_id, (created_at at time zone 'UTC')::date, topic_id, prompt_id order by 1`),
    posterWeeks: await rows<{ k: string }>(sql`select concat_ws(' ', topic_id, date_trunc('week', created_at at time zone 'UTC')::date, user_id, count(*)) as k from (${acts}) a group by topic_id, date_trunc('week', created_at at time zone 'UTC')::date, user_id order by 1`),
  };
  // Participant numbers are dense per community from 0, also when newcomers arrive at once.
  const numbering = await rows<{ k: string }>(sql`select community_id || ' has gaps' as k from engagement_participants group by community_id having max(no) <> count(*) - 1`);
  Object.assign(stored, { numbering });
  Object.assign(direct, { numbering: [] });
  const keys = (x: Record<string, Array<{ k: string }>>) => Object.fromEntries(Object.entries(x).map(([name, r]) => [name, r.map((row) => row.k)]));
  return { stored: keys(stored), direct: keys(direct) };
}

