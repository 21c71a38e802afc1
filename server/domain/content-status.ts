// A post's status change and its topic's counters, as ONE step: every path that publishes, holds, hides,
// withdraws, removes or restores a post goes through changePostStatus (or countNewPost for a new post),
// so the counters cannot drift from the statuses.
import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { posts, topics, topicViews, type PostStatus } from '../db/schema.js';
import { lockTopicCounters } from './topic-access.js';

/** The post whose status changes: which author's participation in which topic it decides. */
export interface CountedPost {
  id: string;
  topicId: string;
  authorId: string;
}

export interface StatusChangeOptions {
  /** The new status reason (undefined: the reason stays as it is). */
  statusReason?: string | null | undefined;
  /** The change is new activity others see (approval): bumps the topic's last activity. */
  touchActivity?: boolean;
  /** The caller already holds the topic's counter lock (lockTopicCounters) from an earlier statement. */
  topicLocked?: boolean;
}

/**
 * Changes a post's status from `from` to `to` and moves its topic's counters with it. Call with the post
 * row locked (or just written) in the transaction that makes the change.
 */
export async function changePostStatus(tx: DbOrTx, post: CountedPost, from: PostStatus, to: PostStatus, options: StatusChangeOptions = {}) {
  await tx
    .update(posts)
    .set(options.statusReason === undefined ? { status: to } : { status: to, statusReason: options.statusReason })
    .where(eq(posts.id, post.id));
  await adjustCounts(tx, post, from, to, options);
}

/** A post just inserted with `status`: its topic's counters (and last activity when it is published). */
export async function countNewPost(tx: DbOrTx, post: CountedPost, status: PostStatus, options: Pick<StatusChangeOptions, 'topicLocked'> = {}) {
  await adjustCounts(tx, post, null, status, { touchActivity: true, ...options });
}

/**
 * How a post's status change reaches its topic's counters:
 * - post_count counts PUBLISHED posts (what every member sees);
 * - poster_count counts distinct authors with a published post: it moves only when this post is the
 *   author's first one to become published, or their last one to stop being published;
 * - reader_count counts members who viewed the topic and have no published post: the author leaves it
 *   when they become a poster and comes back when they stop being one (if they ever viewed it).
 *
 * Concurrency: the topic row is locked FIRST (lockTopicCounters), in its own statement; the UPDATE that probes "another
 * published post?" (partial index posts(topic_id, author_id) where published) and "viewed?" (topic_views
 * primary key) then starts after the lock, so under READ COMMITTED it sees every change committed by
 * the transaction that held the lock before. Two writers on one topic can thus never both count the same
 * author (recordView takes the same lock).
 */
async function adjustCounts(db: DbOrTx, post: CountedPost, from: PostStatus | null, to: PostStatus, { touchActivity = false, topicLocked = false }: StatusChangeOptions) {
  const delta = (to === 'published' ? 1 : 0) - (from === 'published' ? 1 : 0);
  if (delta === 0) {
    if (touchActivity && to === 'published') await db.update(topics).set({ lastActivityAt: sql`now()` }).where(eq(topics.id, post.topicId));
    return;
  }
  // A caller already holding the lock (in a statement before this one) need not ask again.
  if (!topicLocked) await lockTopicCounters(db, post.topicId);
  const otherPublished = sql`exists (select 1 from ${posts} p where p.topic_id = ${post.topicId} and p.author_id = ${post.authorId}
    and p.status = 'published' and p.id <> ${post.id})`;
  const viewed = sql`exists (select 1 from ${topicViews} v where v.topic_id = ${post.topicId} and v.user_id = ${post.authorId})`;
  await db
    .update(topics)
    .set({
      postCount: sql`greatest(${topics.postCount} + ${delta}::int, 0)`,
      // +1 when the author becomes a poster, -1 when they stop being one; 0 while another post counts them.
      posterCount: sql`${topics.posterCount} + (case when ${otherPublished} then 0 else ${delta}::int end)`,
      // A viewer who becomes a poster stops being a reader, and the other way round.
      readerCount: sql`${topics.readerCount} - (case when not ${otherPublished} and ${viewed} then ${delta}::int else 0 end)`,
      ...(touchActivity && to === 'published' ? { lastActivityAt: sql`now()` } : {}),
    })
    .where(eq(topics.id, post.topicId));
}
