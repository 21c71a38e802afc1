// Post queries. A page of posts is ONE query (author name, helpful-by-me and solution flag joined in).
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { helpfulMarks, idempotencyKeys, postRevisions, posts, topicViews, topics, users } from '../../db/schema.js';
import { cursorTime, lockTopicCounters } from '../topics/queries.js';
import type { PostRow } from './present.js';

/** Row fields for presentPost(); `viewerId` decides helpfulByMe (null: false). */
export function postRowFields(viewerId: string | null) {
  return {
    id: posts.id,
    topicId: posts.topicId,
    communityId: posts.communityId,
    parentId: posts.parentId,
    promptId: posts.promptId,
    depth: posts.depth,
    authorId: posts.authorId,
    authorName: users.displayName,
    bodyMd: posts.bodyMd,
    bodyHtml: posts.bodyHtml,
    status: posts.status,
    statusReason: posts.statusReason,
    version: posts.version,
    helpfulCount: posts.helpfulCount,
    createdAt: posts.createdAt,
    editedAt: posts.editedAt,
    helpfulByMe: viewerId
      ? sql<boolean>`exists (select 1 from ${helpfulMarks} h where h.post_id = ${posts.id} and h.user_id = ${viewerId})`
      : sql<boolean>`false`,
    isSolution: sql<boolean>`coalesce(${topics.solutionPostId} = ${posts.id}, false)`,
    cursorKey: cursorTime(posts.createdAt),
  };
}

export async function findPostRow(db: DbOrTx, postId: string, viewerId: string | null): Promise<PostRow | null> {
  const [row] = await db
    .select(postRowFields(viewerId))
    .from(posts)
    .innerJoin(users, eq(users.id, posts.authorId))
    .innerJoin(topics, eq(topics.id, posts.topicId))
    .where(eq(posts.id, postId))
    .limit(1);
  return (row as PostRow | undefined) ?? null;
}

/** Locks the post row for an edit, withdrawal or helpful-count change. */
export async function lockPost(db: DbOrTx, postId: string) {
  const [row] = await db
    .select({ id: posts.id, version: posts.version, status: posts.status, authorId: posts.authorId })
    .from(posts)
    .where(eq(posts.id, postId))
    .for('update');
  return row ?? null;
}

export interface PostPageFilter {
  topicId: string;
  viewerId: string;
  /** Sees held (pending/hidden) posts of others. */
  seesHidden: boolean;
  /** Prompts whose replies the viewer may not see yet (answer-first, scheduled); their own always show. */
  hiddenPromptIds: string[];
  after?: { createdAt: string; id: string } | undefined;
  limit: number;
}

export async function listPostPage(db: DbOrTx, f: PostPageFilter): Promise<PostRow[]> {
  const conditions: SQL[] = [eq(posts.topicId, f.topicId)];
  if (!f.seesHidden) {
    // Same rule as canSeePost(): others' pending posts do not exist for this viewer.
    conditions.push(sql`(${posts.status} <> 'pending' or ${posts.authorId} = ${f.viewerId})`);
  }
  if (f.hiddenPromptIds.length > 0) {
    conditions.push(
      sql`(${posts.promptId} is null or ${posts.authorId} = ${f.viewerId} or ${posts.promptId} not in (${sql.join(
        f.hiddenPromptIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )}))`,
    );
  }
  if (f.after) conditions.push(sql`(${posts.createdAt}, ${posts.id}) > (${f.after.createdAt}::timestamptz, ${f.after.id}::uuid)`);
  const rows = await db
    .select(postRowFields(f.viewerId))
    .from(posts)
    .innerJoin(users, eq(users.id, posts.authorId))
    .innerJoin(topics, eq(topics.id, posts.topicId))
    .where(and(...conditions))
    .orderBy(asc(posts.createdAt), asc(posts.id))
    .limit(f.limit);
  return rows as PostRow[];
}

export async function insertPost(db: DbOrTx, values: typeof posts.$inferInsert) {
  const [row] = await db.insert(posts).values(values).returning({ id: posts.id });
  return row!.id;
}

export async function insertRevision(db: DbOrTx, values: typeof postRevisions.$inferInsert) {
  await db.insert(postRevisions).values(values);
}

export async function updatePostBody(db: DbOrTx, postId: string, bodyMd: string, bodyHtml: string, fromVersion: number) {
  const [row] = await db
    .update(posts)
    .set({ bodyMd, bodyHtml, version: fromVersion + 1, editedAt: sql`now()` })
    .where(and(eq(posts.id, postId), eq(posts.version, fromVersion)))
    .returning({ version: posts.version });
  return row ?? null;
}

/** Changes a post's status, and its status reason when one is given (undefined: the reason stays). */
export async function setPostStatus(db: DbOrTx, postId: string, status: PostRow['status'], statusReason?: string | null) {
  await db
    .update(posts)
    .set(statusReason === undefined ? { status } : { status, statusReason })
    .where(eq(posts.id, postId));
}

/** For the live filter's replay check: what the post's status is now. */
/** The current status of each of these posts (absent ids are left out), in one query. */
export async function findPostStatuses(db: DbOrTx, postIds: string[]): Promise<Map<string, PostRow['status']>> {
  if (postIds.length === 0) return new Map();
  const rows = await db.select({ id: posts.id, status: posts.status }).from(posts).where(inArray(posts.id, postIds));
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** The post whose status changes: which author's participation in which topic it decides. */
export interface CountedPost {
  id: string;
  topicId: string;
  authorId: string;
}

/**
 * THE place where a post's status change reaches its topic's counters (posts service and every
 * moderation action call it, after the post row has its new status):
 * - post_count counts PUBLISHED posts (what every member sees);
 * - poster_count counts distinct authors with a published post: it moves only when this post is the
 *   author's first one to become published, or their last one to stop being published;
 * - reader_count counts members who viewed the topic and have no published post: the author leaves it
 *   when they become a poster and comes back when they stop being one (if they ever viewed it).
 * `touchActivity` when the change is new activity others see (approval).
 *
 * Concurrency: the topic row is locked FIRST (lockTopicCounters), in its own statement; the UPDATE that probes "another
 * published post?" (partial index posts(topic_id, author_id) where published) and "viewed?" (topic_views
 * primary key) then starts after the lock, so under READ COMMITTED it sees every change committed by
 * the transaction that held the lock before. Two writers on one topic can thus never both count the same
 * author (recordView takes the same lock).
 */
export async function adjustCountsForStatusChange(
  db: DbOrTx,
  post: CountedPost,
  from: PostRow['status'] | null,
  to: PostRow['status'],
  { touchActivity = false, topicLocked = false }: { touchActivity?: boolean; topicLocked?: boolean } = {},
) {
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

export async function listRevisions(db: DbOrTx, postId: string) {
  return db
    .select({
      version: postRevisions.version,
      bodyMd: postRevisions.bodyMd,
      bodyHtml: postRevisions.bodyHtml,
      editorId: postRevisions.editorId,
      editorName: users.displayName,
      createdAt: postRevisions.createdAt,
    })
    .from(postRevisions)
    .innerJoin(users, eq(users.id, postRevisions.editorId))
    .where(eq(postRevisions.postId, postId))
    .orderBy(asc(postRevisions.version));
}

// Helpful marks: the counter moves only when a mark row really appears or disappears.

export async function addHelpful(db: DbOrTx, postId: string, userId: string): Promise<boolean> {
  const rows = await db.insert(helpfulMarks).values({ postId, userId }).onConflictDoNothing().returning({ postId: helpfulMarks.postId });
  if (rows.length === 0) return false;
  await db.update(posts).set({ helpfulCount: sql`${posts.helpfulCount} + 1` }).where(eq(posts.id, postId));
  return true;
}

export async function removeHelpful(db: DbOrTx, postId: string, userId: string): Promise<boolean> {
  const rows = await db
    .delete(helpfulMarks)
    .where(and(eq(helpfulMarks.postId, postId), eq(helpfulMarks.userId, userId)))
    .returning({ postId: helpfulMarks.postId });
  if (rows.length === 0) return false;
  await db.update(posts).set({ helpfulCount: sql`greatest(${posts.helpfulCount} - 1, 0)` }).where(eq(posts.id, postId));
  return true;
}

export async function helpfulCount(db: DbOrTx, postId: string) {
  const [row] = await db.select({ n: posts.helpfulCount }).from(posts).where(eq(posts.id, postId));
  return row?.n ?? 0;
}

// Idempotency keys

/**
 * Claims (user, key) for this transaction. Returns true when claimed; false when the key exists — a
 * concurrent claimant waits on the primary key until the first transaction commits or rolls back.
 */
export async function claimIdempotencyKey(db: DbOrTx, userId: string, key: string, requestHash: string): Promise<boolean> {
  const rows = await db
    .insert(idempotencyKeys)
    .values({ userId, key, requestHash, statusCode: 0, response: {} })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  return rows.length > 0;
}

export async function findIdempotencyKey(db: DbOrTx, userId: string, key: string) {
  const [row] = await db
    .select({ requestHash: idempotencyKeys.requestHash, statusCode: idempotencyKeys.statusCode, response: idempotencyKeys.response })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)))
    .limit(1);
  return row ?? null;
}

export async function completeIdempotencyKey(db: DbOrTx, userId: string, key: string, statusCode: number, response: unknown) {
  await db
    .update(idempotencyKeys)
    .set({ statusCode, response })
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
}
