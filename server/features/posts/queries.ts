// Post queries. A page of posts is ONE query (author name, helpful-by-me and solution flag joined in).
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { helpfulMarks, idempotencyKeys, postRevisions, posts, topics, users } from '../../db/schema.js';
import { cursorTime } from '../../domain/cursor.js';
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
    authorHandle: users.handle,
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
