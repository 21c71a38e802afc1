// Read tracking: members' views of topics (one row per member, topic and day) and their read positions, whose
// read_count the database keeps (migration 0025). Re-exported by queries.ts.
import { and, eq, sql } from 'drizzle-orm';
import { selectRows, sqlArray, type DbOrTx } from '../../db/client.js';
import { posts, topicReads, topics, topicViews } from '../../db/schema.js';
import { lockTopicCounters } from '../../domain/topic-access.js';

/** One member's view of a topic on a UTC day (YYYY-MM-DD), as the view buffer holds it. */
export interface TopicView {
  topicId: string;
  communityId: string;
  userId: string;
  day: string;
}

/**
 * Records a batch of views: one row per member per topic per UTC day, however often they open it (one
 * INSERT … ON CONFLICT DO NOTHING for the batch). A member's first view of a topic ever makes them a
 * reader (reader_count + 1) unless they already have a published post in it. One transaction; each
 * topic's counter probes run after its row lock (taken in topic id order), as in a post's status change
 * (domain/content-status.ts): the two cannot miscount each other. Returns how many rows were new.
 */
export async function recordViews(db: DbOrTx, views: TopicView[]): Promise<number> {
  if (views.length === 0) return 0;
  return db.transaction(async (tx) => {
    const inserted = await selectRows<{ topic_id: string; user_id: string; day: string }>(
      tx,
      sql`insert into ${topicViews} (topic_id, community_id, user_id, day)
        select * from unnest(${sqlArray(views.map((v) => v.topicId), 'uuid')}, ${sqlArray(views.map((v) => v.communityId), 'uuid')},
          ${sqlArray(views.map((v) => v.userId), 'uuid')}, ${sqlArray(views.map((v) => v.day), 'date')})
        on conflict do nothing
        returning topic_id, user_id, day::text`,
    );
    const byTopic = new Map<string, Array<{ userId: string; day: string }>>();
    for (const row of inserted) byTopic.set(row.topic_id, [...(byTopic.get(row.topic_id) ?? []), { userId: row.user_id, day: row.day }]);
    for (const topicId of [...byTopic.keys()].sort()) {
      const added = byTopic.get(topicId)!;
      await lockTopicCounters(tx, topicId);
      // A new reader: no view of this topic on any day but those just added, and no published post in it.
      // Probes: the topic_views primary key (topic_id, user_id, day) and the partial published index.
      await tx.execute(sql`update ${topics} set reader_count = reader_count + (
          select count(distinct a.user_id)::int from unnest(${sqlArray(added.map((a) => a.userId), 'uuid')}) as a(user_id)
          where not exists (select 1 from ${topicViews} v where v.topic_id = ${topicId} and v.user_id = a.user_id
                              and not exists (select 1 from unnest(${sqlArray(added.map((x) => x.userId), 'uuid')}, ${sqlArray(added.map((x) => x.day), 'date')}) as n(user_id, day)
                                              where n.user_id = v.user_id and n.day = v.day))
            and not exists (select 1 from ${posts} p where p.topic_id = ${topicId} and p.author_id = a.user_id and p.status = 'published'))
        where id = ${topicId}`);
    }
    return inserted.length;
  });
}

export async function findReadPosition(db: DbOrTx, topicId: string, userId: string) {
  const [row] = await db
    .select({ lastReadPostId: topicReads.lastReadPostId, lastReadAt: topicReads.lastReadAt })
    .from(topicReads)
    .where(and(eq(topicReads.topicId, topicId), eq(topicReads.userId, userId)))
    .limit(1);
  return row ?? null;
}

/**
 * Moves the read position forward to the post (never back). The time is copied in SQL so that it keeps
 * the post's microseconds: posts after it are unread.
 */
export async function advanceReadPosition(db: DbOrTx, topicId: string, userId: string, postId: string) {
  await db.execute(sql`
    insert into ${topicReads} (topic_id, user_id, last_read_post_id, last_read_at, updated_at)
    select p.topic_id, ${userId}, p.id, p.created_at, now() from ${posts} p where p.id = ${postId} and p.topic_id = ${topicId}
    on conflict (user_id, topic_id) do update
      set last_read_post_id = excluded.last_read_post_id, last_read_at = excluded.last_read_at, updated_at = now()
      where ${topicReads}.last_read_at < excluded.last_read_at`);
}

/**
 * Marks every topic of the community read up to its latest post, `perStatement` topics a statement: each position
 * written holds its topic's read lock (migration 0025) to the end of its transaction, and one lock per topic of a
 * large community in one transaction (1,852 at scale 1) could fill PostgreSQL's lock table. Each topic's latest
 * post is one probe of posts(topic_id, created_at, id).
 */
export async function markCommunityRead(db: DbOrTx, communityId: string, userId: string, perStatement = 200) {
  const ids = (await selectRows<{ id: string }>(db, sql`select id from ${topics} where community_id = ${communityId} order by id`)).map((r) => r.id);
  for (let i = 0; i < ids.length; i += perStatement) {
    await db.execute(sql`
      insert into ${topicReads} (topic_id, user_id, last_read_post_id, last_read_at, updated_at)
      select t.id, ${userId}, last.id, last.created_at, now()
      from unnest(${sqlArray(ids.slice(i, i + perStatement), 'uuid')}) as t(id)
        cross join lateral (select p.id, p.created_at from ${posts} p where p.topic_id = t.id order by p.created_at desc, p.id desc limit 1) last
      on conflict (user_id, topic_id) do update
        set last_read_post_id = excluded.last_read_post_id, last_read_at = excluded.last_read_at, updated_at = now()
        where ${topicReads}.last_read_at < excluded.last_read_at`);
  }
}
