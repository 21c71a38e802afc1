// Drizzle queries of the moderation feature (reads of the audit log: log-queries.ts). Each takes the database or
// an open transaction.
import { and, asc, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import {
  communities,
  flags,
  memberships,
  posts,
  suspensions,
  topics,
  users,
  watchedWords,
} from '../../db/schema.js';
import { suspensionInForce } from '../../domain/community-access.js';
import type { FlagReason } from '../../../shared/schemas/moderation.js';

// ---- Posts (a topic with its facilitators: domain/topic-access.ts findTopic) ----

const postColumns = {
  id: posts.id,
  communityId: posts.communityId,
  topicId: posts.topicId,
  authorId: posts.authorId,
  parentId: posts.parentId,
  status: posts.status,
  statusReason: posts.statusReason,
  bodyMd: posts.bodyMd,
  bodyHtml: posts.bodyHtml,
};

/** The post a moderation action is about. `forUpdate` locks the post row for the transaction. */
export async function findPost(db: DbOrTx, postId: string, forUpdate = false) {
  const query = db.select(postColumns).from(posts).where(eq(posts.id, postId)).limit(1);
  const [row] = forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

export type ModeratedPost = NonNullable<Awaited<ReturnType<typeof findPost>>>;

// ---- Flags ----

export async function findOpenFlag(db: DbOrTx, postId: string, flaggerId: string) {
  const [row] = await db
    .select({ id: flags.id })
    .from(flags)
    .where(and(eq(flags.postId, postId), eq(flags.flaggerId, flaggerId), isNull(flags.resolvedAt)))
    .limit(1);
  return row ?? null;
}

export async function insertFlag(db: DbOrTx, values: { communityId: string; postId: string; flaggerId: string; reason: FlagReason; note: string | null }) {
  const [row] = await db
    .insert(flags)
    .values(values)
    .returning({ id: flags.id, postId: flags.postId, reason: flags.reason, note: flags.note, createdAt: flags.createdAt });
  return row!;
}

/** Distinct members with an open flag on the post (the partial unique index makes rows = members). */
export async function countOpenFlaggers(db: DbOrTx, postId: string) {
  const [row] = await db
    .select({ n: sql<number>`count(distinct ${flags.flaggerId})::int` })
    .from(flags)
    .where(and(eq(flags.postId, postId), isNull(flags.resolvedAt)));
  return row?.n ?? 0;
}

export async function resolveOpenFlags(db: DbOrTx, postId: string, resolution: 'removed' | 'kept') {
  const rows = await db
    .update(flags)
    .set({ resolvedAt: sql`now()`, resolution })
    .where(and(eq(flags.postId, postId), isNull(flags.resolvedAt)))
    .returning({ id: flags.id });
  return rows.length;
}

// ---- Review queue ----

const parents = alias(posts, 'parent_post');
const parentAuthors = alias(users, 'parent_author');

const queuePostSelection = {
  id: posts.id,
  status: posts.status,
  bodyMd: posts.bodyMd,
  bodyHtml: posts.bodyHtml,
  createdAt: posts.createdAt,
  authorId: posts.authorId,
  authorName: users.displayName,
  topicId: topics.id,
  topicTitle: topics.title,
  parentId: parents.id,
  parentBody: sql<string | null>`left(${parents.bodyMd}, 200)`,
  parentAuthorName: parentAuthors.displayName,
};

function queuePostsQuery(db: DbOrTx) {
  return db
    .select(queuePostSelection)
    .from(posts)
    .innerJoin(users, eq(users.id, posts.authorId))
    .innerJoin(topics, eq(topics.id, posts.topicId))
    .leftJoin(parents, eq(parents.id, posts.parentId))
    .leftJoin(parentAuthors, eq(parentAuthors.id, parents.authorId));
}

const hasOpenFlag = sql`exists (select 1 from ${flags} f where f.post_id = ${posts.id} and f.resolved_at is null)`;
const firstOpenFlagAt = sql`(select min(f.created_at) from ${flags} f where f.post_id = ${posts.id} and f.resolved_at is null)`;

/** Posts with open flags, oldest flag first (first come, first reviewed). */
export async function listFlaggedPosts(db: DbOrTx, communityId: string, limit: number) {
  return queuePostsQuery(db)
    .where(and(eq(posts.communityId, communityId), hasOpenFlag))
    .orderBy(asc(firstOpenFlagAt), asc(posts.id))
    .limit(limit);
}

/** Posts held for approval (watched word "hold" or new-member pre-moderation), oldest first. */
export async function listPendingPosts(db: DbOrTx, communityId: string, limit: number) {
  return queuePostsQuery(db)
    .where(and(eq(posts.communityId, communityId), eq(posts.status, 'pending')))
    .orderBy(asc(posts.createdAt), asc(posts.id))
    .limit(limit);
}

// Topics in the queue: their words (title, text, prompts) as moderators see them.
const queueTopicSelection = {
  id: topics.id,
  kind: topics.kind,
  title: topics.title,
  moderationStatus: topics.moderationStatus,
  bodyMd: topics.bodyMd,
  bodyHtml: topics.bodyHtml,
  createdAt: topics.createdAt,
  authorId: topics.authorId,
  authorName: users.displayName,
  prompts: sql<Array<{ position: number; bodyHtml: string }>>`coalesce((select json_agg(json_build_object('position', pr.position, 'bodyHtml', pr.body_html) order by pr.position)
    from prompts pr where pr.topic_id = ${topics.id}), '[]'::json)`,
};

const topicHasOpenFlag = sql`exists (select 1 from ${flags} f where f.topic_id = ${topics.id} and f.resolved_at is null)`;
const topicFirstOpenFlagAt = sql`(select min(f.created_at) from ${flags} f where f.topic_id = ${topics.id} and f.resolved_at is null)`;

/** Topics with open flags, oldest flag first. */
export async function listFlaggedTopics(db: DbOrTx, communityId: string, limit: number) {
  return db
    .select(queueTopicSelection)
    .from(topics)
    .innerJoin(users, eq(users.id, topics.authorId))
    .where(and(eq(topics.communityId, communityId), topicHasOpenFlag))
    .orderBy(asc(topicFirstOpenFlagAt), asc(topics.id))
    .limit(limit);
}

/** Topics held for approval (watched word "hold" or new-member pre-moderation), oldest first. */
export async function listPendingTopics(db: DbOrTx, communityId: string, limit: number) {
  return db
    .select(queueTopicSelection)
    .from(topics)
    .innerJoin(users, eq(users.id, topics.authorId))
    .where(and(eq(topics.communityId, communityId), eq(topics.moderationStatus, 'pending')))
    .orderBy(asc(topics.createdAt), asc(topics.id))
    .limit(limit);
}

export async function listOpenFlagsForTopics(db: DbOrTx, topicIds: string[]) {
  if (topicIds.length === 0) return [];
  return db
    .select({
      id: flags.id,
      topicId: flags.topicId,
      reason: flags.reason,
      note: flags.note,
      createdAt: flags.createdAt,
      flaggerId: flags.flaggerId,
      flaggerName: users.displayName,
    })
    .from(flags)
    .innerJoin(users, eq(users.id, flags.flaggerId))
    .where(and(inArray(flags.topicId, topicIds), isNull(flags.resolvedAt)))
    .orderBy(asc(flags.createdAt), asc(flags.id));
}

export async function listOpenFlagsForPosts(db: DbOrTx, postIds: string[]) {
  if (postIds.length === 0) return [];
  return db
    .select({
      id: flags.id,
      postId: flags.postId,
      reason: flags.reason,
      note: flags.note,
      createdAt: flags.createdAt,
      flaggerId: flags.flaggerId,
      flaggerName: users.displayName,
    })
    .from(flags)
    .innerJoin(users, eq(users.id, flags.flaggerId))
    .where(and(inArray(flags.postId, postIds), isNull(flags.resolvedAt)))
    .orderBy(asc(flags.createdAt), asc(flags.id));
}

/** Per author: how many of their posts and topics in this community are removed, and their active suspension. */
export async function authorHistories(db: DbOrTx, communityId: string, authorIds: string[]) {
  if (authorIds.length === 0) return new Map<string, { removedCount: number; suspension: { reason: string; until: Date | null } | null }>();
  const removedPosts = await db
    .select({ authorId: posts.authorId, n: count() })
    .from(posts)
    .where(and(eq(posts.communityId, communityId), inArray(posts.authorId, authorIds), eq(posts.status, 'removed')))
    .groupBy(posts.authorId);
  const removedTopics = await db
    .select({ authorId: topics.authorId, n: count() })
    .from(topics)
    .where(and(eq(topics.communityId, communityId), inArray(topics.authorId, authorIds), eq(topics.moderationStatus, 'removed')))
    .groupBy(topics.authorId);
  const removed = [...removedPosts, ...removedTopics];
  const active = await db
    .select({ userId: suspensions.userId, reason: suspensions.reason, until: suspensions.until })
    .from(suspensions)
    .where(and(eq(suspensions.communityId, communityId), inArray(suspensions.userId, authorIds), suspensionInForce))
    .orderBy(desc(suspensions.createdAt));
  const out = new Map<string, { removedCount: number; suspension: { reason: string; until: Date | null } | null }>();
  for (const id of authorIds) out.set(id, { removedCount: 0, suspension: null });
  for (const r of removed) out.get(r.authorId)!.removedCount += Number(r.n);
  for (const s of active) {
    const entry = out.get(s.userId)!;
    entry.suspension ??= { reason: s.reason, until: s.until };
  }
  return out;
}

export async function moderationCounts(db: DbOrTx, communityId: string) {
  const [row] = await db
    .select({
      flaggedPosts: sql<number>`(select count(distinct f.post_id)::int from ${flags} f where f.community_id = ${communityId} and f.resolved_at is null)`,
      pendingPosts: sql<number>`(select count(*)::int from ${posts} p where p.community_id = ${communityId} and p.status = 'pending')`,
      flaggedTopics: sql<number>`(select count(distinct f.topic_id)::int from ${flags} f where f.community_id = ${communityId} and f.resolved_at is null)`,
      pendingTopics: sql<number>`(select count(*)::int from ${topics} t where t.community_id = ${communityId} and t.moderation_status = 'pending')`,
    })
    .from(communities)
    .where(eq(communities.id, communityId));
  const flaggedPosts = row?.flaggedPosts ?? 0;
  const pendingPosts = row?.pendingPosts ?? 0;
  const flaggedTopics = row?.flaggedTopics ?? 0;
  const pendingTopics = row?.pendingTopics ?? 0;
  return { flaggedPosts, pendingPosts, flaggedTopics, pendingTopics, total: flaggedPosts + pendingPosts + flaggedTopics + pendingTopics };
}

// ---- Watched words and settings ----

export async function replaceWatchedWords(db: DbOrTx, communityId: string, words: Array<{ phrase: string; action: 'block' | 'hold' }>) {
  await db.delete(watchedWords).where(eq(watchedWords.communityId, communityId));
  if (words.length === 0) return;
  // created_at keeps the list's order (rules are evaluated and shown in that order).
  const base = Date.now();
  await db.insert(watchedWords).values(words.map((w, i) => ({ communityId, phrase: w.phrase, action: w.action, createdAt: new Date(base + i) })));
}

const settingsColumns = {
  autoHideThreshold: communities.autoHideThreshold,
  premodNewMemberPosts: communities.premodNewMemberPosts,
  searchLanguage: communities.searchLanguage,
};

export async function findSettings(db: DbOrTx, communityId: string) {
  const [row] = await db.select(settingsColumns).from(communities).where(eq(communities.id, communityId)).limit(1);
  return row ?? null;
}

export async function findSettingsForUpdate(db: DbOrTx, communityId: string) {
  const [row] = await db.select(settingsColumns).from(communities).where(eq(communities.id, communityId)).for('update').limit(1);
  return row ?? null;
}

export async function updateSettings(db: DbOrTx, communityId: string, values: { autoHideThreshold?: number; premodNewMemberPosts?: number }) {
  await db.update(communities).set(values).where(eq(communities.id, communityId));
}

// ---- Suspensions ----

export async function findActiveSuspensions(db: DbOrTx, communityId: string, userId: string) {
  return db
    .select({ id: suspensions.id, reason: suspensions.reason, until: suspensions.until, createdAt: suspensions.createdAt })
    .from(suspensions)
    .where(and(eq(suspensions.communityId, communityId), eq(suspensions.userId, userId), suspensionInForce))
    .orderBy(desc(suspensions.createdAt));
}

export async function liftSuspensions(db: DbOrTx, ids: string[]) {
  if (ids.length === 0) return;
  await db.update(suspensions).set({ liftedAt: sql`now()` }).where(inArray(suspensions.id, ids));
}

export async function insertSuspension(db: DbOrTx, values: { communityId: string; userId: string; reason: string; until: Date | null; createdBy: string }) {
  const [row] = await db
    .insert(suspensions)
    .values(values)
    .returning({ id: suspensions.id, userId: suspensions.userId, reason: suspensions.reason, until: suspensions.until, createdAt: suspensions.createdAt });
  return row!;
}

/** Locks the membership row so concurrent suspend/lift of one member serialise. */
export async function findActiveMembershipForUpdate(db: DbOrTx, communityId: string, userId: string) {
  const [row] = await db
    .select({ userId: memberships.userId, roles: memberships.roles })
    .from(memberships)
    .where(and(eq(memberships.communityId, communityId), eq(memberships.userId, userId), isNull(memberships.removedAt)))
    .for('update')
    .limit(1);
  return row ?? null;
}
