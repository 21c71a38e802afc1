// Reads of the moderation audit log (moderation_log): the log page with its targets' links and titles, and the
// private notes to authors. domain/audit-log.ts writes the rows. Each takes the database or an open transaction.
import { and, asc, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { moderationLog, posts, topics, users } from '../../db/schema.js';

export async function listLogEntries(
  db: DbOrTx,
  communityId: string,
  opts: { beforeId?: number | undefined; action?: string | undefined; memberId?: string | undefined; limit: number },
) {
  const conditions = [eq(moderationLog.communityId, communityId)];
  if (opts.beforeId !== undefined) conditions.push(lt(moderationLog.id, opts.beforeId));
  if (opts.action) conditions.push(eq(moderationLog.action, opts.action));
  if (opts.memberId) {
    // Anything the member did, anything done to them, and anything done to their posts and topics.
    conditions.push(
      or(
        eq(moderationLog.actorId, opts.memberId),
        and(eq(moderationLog.targetType, 'member'), eq(moderationLog.targetId, opts.memberId)),
        and(
          eq(moderationLog.targetType, 'post'),
          sql`${moderationLog.targetId} in (select p.id::text from ${posts} p where p.author_id = ${opts.memberId} and p.community_id = ${communityId})`,
        ),
        and(
          eq(moderationLog.targetType, 'topic'),
          sql`${moderationLog.targetId} in (select t.id::text from ${topics} t where t.author_id = ${opts.memberId} and t.community_id = ${communityId})`,
        ),
      )!,
    );
  }
  return db
    .select({
      id: moderationLog.id,
      action: moderationLog.action,
      actorId: moderationLog.actorId,
      actorName: users.displayName,
      targetType: moderationLog.targetType,
      targetId: moderationLog.targetId,
      reason: moderationLog.reason,
      before: moderationLog.before,
      after: moderationLog.after,
      createdAt: moderationLog.createdAt,
    })
    .from(moderationLog)
    .leftJoin(users, eq(users.id, moderationLog.actorId))
    .where(and(...conditions))
    .orderBy(desc(moderationLog.id))
    .limit(opts.limit);
}

/**
 * Where the log's posts and topics are, for links and titles: each post's topic, and each topic's title
 * (only rows of this community; held and removed ones too, as moderators read the log).
 */
export async function logTargets(db: DbOrTx, communityId: string, postIds: string[], topicIds: string[]) {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const postRows = postIds.length
    ? await db
        .select({ id: posts.id, topicId: posts.topicId, title: topics.title })
        .from(posts)
        .innerJoin(topics, eq(topics.id, posts.topicId))
        .where(and(eq(posts.communityId, communityId), inArray(posts.id, postIds.filter((id) => uuid.test(id)))))
    : [];
  const ids = [...new Set([...topicIds.filter((id) => uuid.test(id))])];
  const topicRows = ids.length
    ? await db.select({ id: topics.id, title: topics.title }).from(topics).where(and(eq(topics.communityId, communityId), inArray(topics.id, ids)))
    : [];
  return {
    posts: new Map(postRows.map((r) => [r.id, { topicId: r.topicId, title: r.title }])),
    topics: new Map(topicRows.map((r) => [r.id, r.title])),
  };
}

export async function listAuthorNotes(db: DbOrTx, postId: string) {
  return db
    .select({
      id: moderationLog.id,
      after: moderationLog.after,
      createdAt: moderationLog.createdAt,
      actorId: moderationLog.actorId,
      actorName: users.displayName,
    })
    .from(moderationLog)
    .leftJoin(users, eq(users.id, moderationLog.actorId))
    .where(and(eq(moderationLog.targetType, 'post'), eq(moderationLog.targetId, postId), eq(moderationLog.action, 'post.author_note')))
    .orderBy(asc(moderationLog.id));
}

/** Every note to an author about the posts of one topic, with the post's author (for the policy check). */
export async function listTopicAuthorNotes(db: DbOrTx, topicId: string) {
  return db
    .select({
      id: moderationLog.id,
      postId: posts.id,
      postAuthorId: posts.authorId,
      after: moderationLog.after,
      createdAt: moderationLog.createdAt,
      actorId: moderationLog.actorId,
      actorName: users.displayName,
    })
    .from(moderationLog)
    .innerJoin(posts, sql`${posts.id}::text = ${moderationLog.targetId}`)
    .leftJoin(users, eq(users.id, moderationLog.actorId))
    .where(and(eq(posts.topicId, topicId), eq(moderationLog.communityId, posts.communityId), eq(moderationLog.targetType, 'post'), eq(moderationLog.action, 'post.author_note')))
    .orderBy(asc(moderationLog.id));
}
