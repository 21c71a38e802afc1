// A post's status change and its topic's counters, as ONE step: every path that publishes, holds, hides,
// withdraws, removes or restores a post goes through changePostStatus (or countNewPost for a new post),
// so the counters cannot drift from the statuses.
import { eq, sql, type SQL } from 'drizzle-orm';
import { namedRows, type DbOrTx } from '../db/client.js';
import { posts, type PostStatus } from '../db/schema.js';

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
}

/** A topic as read under its counters' lock: what assertTopicWritable (topic-access.ts) needs. */
export interface LockedTopicState {
  moderationStatus: 'published' | 'pending' | 'hidden' | 'removed';
  opensAt: Date | null;
  closesAt: Date | null;
  closedAt: Date | null;
  lockedAt: Date | null;
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
  const { delta, touch } = countChange(from, to, options.touchActivity ?? false);
  if (delta !== 0 || touch) await countTopicPost(tx, post, delta, touch);
}

/** What countNewPost read: the topic under its lock, and how many rows each `alongside` statement returned. */
export interface NewPostCounted {
  topic: LockedTopicState;
  alongsideRows: number[];
}

/**
 * A post just inserted with `status`: locks its topic, moves the topic's counters (and its last activity
 * when the post is published), and returns the topic as read under that lock — ONE statement, which also
 * runs `alongside` (other data-modifying statements of the transaction, each with a RETURNING clause, as
 * CTEs run after the lock) in the same round trip and counts the rows each returned. The lock is then held
 * until the commit: call it last.
 */
export async function countNewPost(tx: DbOrTx, post: CountedPost, status: PostStatus, alongside: SQL[] = []): Promise<NewPostCounted | null> {
  const { delta, touch } = countChange(null, status, true);
  return countTopicPost(tx, post, delta, touch, alongside);
}

/**
 * How a post's status change reaches its topic's counters:
 * - post_count counts PUBLISHED posts (what every member sees);
 * - poster_count counts distinct authors with a published post: it moves only when this post is the
 *   author's first one to become published, or their last one to stop being published;
 * - reader_count counts members who viewed the topic and have no published post: the author leaves it
 *   when they become a poster and comes back when they stop being one (if they ever viewed it).
 * A change that others see as new activity (a published new post, an approval) bumps last activity.
 */
function countChange(from: PostStatus | null, to: PostStatus, touchActivity: boolean) {
  return { delta: (to === 'published' ? 1 : 0) - (from === 'published' ? 1 : 0), touch: touchActivity && to === 'published' };
}

/**
 * The counters move in the SQL function stoa_count_topic_post (migrations/0023, last changed in 0029), in one
 * statement. Concurrency: it locks the topic row FIRST, in a statement of its own; what follows reads "another
 * published post?" (the author's topic_poster_counts row, which the posts trigger of this transaction already
 * moved and locked: a second writer of the same author and topic waits there for this one's commit) and
 * "viewed?" (topic_views primary key) after the lock with a fresh snapshot, so under READ COMMITTED it sees every
 * change committed by the transaction that held the lock before. Two writers on one topic can thus never both
 * count the same author (recordView takes the same lock).
 */
async function countTopicPost(db: DbOrTx, post: CountedPost, delta: number, touch: boolean, alongside: SQL[] = []): Promise<NewPostCounted | null> {
  const ctes = alongside.map((statement, i) => sql`${sql.raw(`alongside_${i}`)} as (${statement})`);
  // Referenced from the select list, the alongside statements run once the function has taken the lock.
  const rowCounts = alongside.map((_, i) => sql.raw(`(select count(*) from alongside_${i})::int`));
  const ms = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);
  // Named: every new post runs it (its few shapes: which statements go alongside).
  const [row] = await namedRows<{
    moderationStatus: LockedTopicState['moderationStatus'];
    opensAt: number | null;
    closesAt: number | null;
    closedAt: number | null;
    lockedAt: number | null;
    alongsideRows: number[];
  }>(
    db,
    'topic_count_post',
    sql`${ctes.length ? sql`with ${sql.join(ctes, sql`, `)} ` : sql``}select topic_moderation_status as "moderationStatus",
        ${ms('topic_opens_at')} as "opensAt", ${ms('topic_closes_at')} as "closesAt", ${ms('topic_closed_at')} as "closedAt", ${ms('topic_locked_at')} as "lockedAt",
        array[${sql.join(rowCounts, sql`, `)}]::int[] as "alongsideRows"
      from stoa_count_topic_post(${post.topicId}::uuid, ${post.authorId}::uuid, ${post.id}::uuid, ${delta}::int, ${touch})`,
  );
  if (!row) return null;
  const date = (v: number | null) => (v === null ? null : new Date(Math.floor(Number(v))));
  const topic: LockedTopicState = { moderationStatus: row.moderationStatus, opensAt: date(row.opensAt), closesAt: date(row.closesAt), closedAt: date(row.closedAt), lockedAt: date(row.lockedAt) };
  return { topic, alongsideRows: row.alongsideRows };
}
