// Topic, prompt and read-tracking queries. Post/poster/reader counts are columns kept exact on every write;
// the per-viewer unread count is a correlated subquery on the (topic_id, created_at) index (or, for a topic
// the viewer never opened, post_count less their own posts), so one list page is one query.
import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { selectRows, sqlArray, type DbOrTx } from '../../db/client.js';
import { flags, memberships, posts, prompts, topicFacilitators, topicReads, topicRevisions, topics, topicViews, users, type TopicModerationStatus } from '../../db/schema.js';
import { coreColumns, lockTopicCounters } from '../../domain/topic-access.js';
import { cursorTime } from '../../domain/cursor.js';
import type { TopicRow, TopicSummaryRow } from './present.js';
import type { FlagReason } from '../../../shared/schemas/moderation.js';

/** Who the list/detail counts are computed for. */
export interface TopicViewer {
  userId: string;
  /** Sees others' answer-first replies everywhere (moderators, admin): unread counts include them. */
  seesAllReplies: boolean;
}

/** SQL: the post p (alias) is hidden from the viewer by an answer-first or scheduled prompt. */
/**
 * The topic's prompts whose replies the viewer may not see yet: scheduled ones, and answer-first ones they
 * have not answered (topic facilitators see everything). Computed once per topic, not once per post.
 */
const promptsHiddenFrom = (viewerId: string) => sql`select pr.id from ${prompts} pr
  where pr.topic_id = ${topics.id}
    and not exists (select 1 from ${topicFacilitators} f where f.topic_id = pr.topic_id and f.user_id = ${viewerId})
    and (pr.release_at > now() or (pr.answer_first
      and not exists (select 1 from ${posts} mine where mine.topic_id = pr.topic_id and mine.prompt_id = pr.id and mine.author_id = ${viewerId})))`;

/** A shown topic: its summary fields and, for the topic page, its text (a list page leaves the text out). */
export function topicFields(viewer: TopicViewer | null) {
  return {
    ...topicSummaryFields(viewer),
    bodyMd: topics.bodyMd,
    bodyHtml: topics.bodyHtml,
    articleUrl: topics.articleUrl,
  };
}

/** What a topic list shows of each topic: no article or body (~4.5 KB a topic read and dropped otherwise). */
function topicSummaryFields(viewer: TopicViewer | null) {
  const me = viewer?.userId ?? null;
  return {
    ...coreColumns,
    title: topics.title,
    authorName: users.displayName,
    solutionPostId: topics.solutionPostId,
    postCount: topics.postCount,
    lastActivityAt: topics.lastActivityAt,
    createdAt: topics.createdAt,
    moderationReason: topics.moderationReason,
    // Counters kept exact on every write (domain/content-status.ts, recordView): a list page reads them.
    posterCount: topics.posterCount,
    readerCount: topics.readerCount,
    // Unread: published posts by others after my read position, less replies hidden from me. A topic I never
    // opened (no read position) with nothing hidden from me needs no post scan: that is post_count less my
    // own published posts (a probe of the partial index posts(topic_id, author_id) where published).
    unreadCount: me
      ? sql<number>`case
          when not exists (select 1 from ${topicReads} r where r.topic_id = ${topics.id} and r.user_id = ${me})
            ${viewer!.seesAllReplies ? sql`` : sql`and not exists (${promptsHiddenFrom(me)})`}
          then ${topics.postCount} - (select count(*)::int from ${posts} mine where mine.topic_id = ${topics.id} and mine.author_id = ${me} and mine.status = 'published')
          else (select count(*)::int from ${posts} p where p.topic_id = ${topics.id} and p.status = 'published' and p.author_id <> ${me}
            and p.created_at > coalesce((select r.last_read_at from ${topicReads} r where r.topic_id = ${topics.id} and r.user_id = ${me}), '-infinity'::timestamptz)
            ${viewer!.seesAllReplies ? sql`` : sql`and (p.prompt_id is null or p.prompt_id not in (${promptsHiddenFrom(me)}))`})
        end`
      : sql<number>`0`,
    cursorKey: sql<string>`${topics.pinned}::text || '|' || ${cursorTime(topics.lastActivityAt)} || '|' || ${topics.id}::text`,
  };
}

/** The topic with poster/reader counts and, for a viewer, the unread count: for showing it. */
export async function findTopicWithCounts(db: DbOrTx, topicId: string, viewer: TopicViewer | null = null): Promise<TopicRow | null> {
  const [row] = await db
    .select(topicFields(viewer))
    .from(topics)
    .innerJoin(users, eq(users.id, topics.authorId))
    .where(eq(topics.id, topicId))
    .limit(1);
  return (row as TopicRow | undefined) ?? null;
}

export async function lockTopic(db: DbOrTx, topicId: string) {
  await db.select({ id: topics.id }).from(topics).where(eq(topics.id, topicId)).for('update');
}

export interface TopicListFilter {
  communityId: string;
  viewer: TopicViewer;
  isAdmin: boolean;
  /** Lists held, hidden and removed topics too (moderators); others see those they wrote. */
  seesHidden: boolean;
  status?: 'open' | 'upcoming' | 'closed' | undefined;
  kind?: 'cpd' | 'problem' | undefined;
  after?: { pinned: boolean; lastActivityAt: string; id: string } | undefined;
  limit: number;
}

const STATUS_SQL = {
  closed: sql`(${topics.closedAt} is not null or ${topics.closesAt} <= now())`,
  upcoming: sql`(${topics.closedAt} is null and (${topics.closesAt} is null or ${topics.closesAt} > now()) and ${topics.opensAt} > now())`,
  open: sql`(${topics.closedAt} is null and (${topics.closesAt} is null or ${topics.closesAt} > now()) and (${topics.opensAt} is null or ${topics.opensAt} <= now()))`,
};

/**
 * Pinned first, then latest activity; upcoming topics only for their facilitators (and admin); held, hidden
 * and removed topics only for their author and moderators (as posts in those states leave a topic's counts).
 */
export async function listTopics(db: DbOrTx, f: TopicListFilter): Promise<TopicSummaryRow[]> {
  const conditions: SQL[] = [eq(topics.communityId, f.communityId)];
  if (!f.seesHidden) conditions.push(sql`(${topics.moderationStatus} = 'published' or ${topics.authorId} = ${f.viewer.userId})`);
  if (!f.isAdmin) {
    conditions.push(sql`(${topics.opensAt} is null or ${topics.opensAt} <= now()
      or exists (select 1 from ${topicFacilitators} f where f.topic_id = ${topics.id} and f.user_id = ${f.viewer.userId}))`);
  }
  if (f.status) conditions.push(STATUS_SQL[f.status]);
  if (f.kind) conditions.push(eq(topics.kind, f.kind));
  if (f.after) {
    conditions.push(
      sql`(${topics.pinned}, ${topics.lastActivityAt}, ${topics.id}) < (${f.after.pinned}, ${f.after.lastActivityAt}::timestamptz, ${f.after.id}::uuid)`,
    );
  }
  const rows = await db
    .select(topicSummaryFields(f.viewer))
    .from(topics)
    .innerJoin(users, eq(users.id, topics.authorId))
    .where(and(...conditions))
    .orderBy(desc(topics.pinned), desc(topics.lastActivityAt), desc(topics.id))
    .limit(f.limit);
  return rows as TopicSummaryRow[];
}

export async function insertTopic(db: DbOrTx, values: typeof topics.$inferInsert) {
  const [row] = await db.insert(topics).values(values).returning({ id: topics.id });
  return row!;
}

export async function insertFacilitators(db: DbOrTx, topicId: string, userIds: string[]) {
  if (userIds.length === 0) return;
  await db.insert(topicFacilitators).values(userIds.map((userId) => ({ topicId, userId }))).onConflictDoNothing();
}

/** Of these users, those who are current members of the community. */
export async function activeMemberIds(db: DbOrTx, communityId: string, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.communityId, communityId), inArray(memberships.userId, userIds), isNull(memberships.removedAt)));
  return rows.map((r) => r.userId);
}

export async function facilitatorsOf(db: DbOrTx, topicId: string) {
  return db
    .select({ id: users.id, displayName: users.displayName })
    .from(topicFacilitators)
    .innerJoin(users, eq(users.id, topicFacilitators.userId))
    .where(eq(topicFacilitators.topicId, topicId))
    .orderBy(asc(users.displayName));
}

export async function updateTopic(db: DbOrTx, topicId: string, values: Partial<typeof topics.$inferInsert>) {
  await db.update(topics).set({ ...values, updatedAt: sql`now()` }).where(eq(topics.id, topicId));
}

// Revisions of a topic's words and its prompts' (topic_revisions)

/** The highest version kept for the topic's own words (promptId null) or one prompt's, 0 when never edited. */
export async function latestTopicRevision(db: DbOrTx, topicId: string, promptId: string | null): Promise<number> {
  const [row] = await db
    .select({ version: sql<number>`coalesce(max(${topicRevisions.version}), 0)::int` })
    .from(topicRevisions)
    .where(and(eq(topicRevisions.topicId, topicId), promptId === null ? isNull(topicRevisions.promptId) : eq(topicRevisions.promptId, promptId)));
  return row?.version ?? 0;
}

export async function insertTopicRevisions(db: DbOrTx, rows: Array<typeof topicRevisions.$inferInsert>) {
  if (rows.length) await db.insert(topicRevisions).values(rows);
}

/** Every kept version of the topic's words and of its prompts', oldest first. */
export async function listTopicRevisions(db: DbOrTx, topicId: string) {
  return db
    .select({
      promptId: topicRevisions.promptId,
      version: topicRevisions.version,
      title: topicRevisions.title,
      bodyMd: topicRevisions.bodyMd,
      bodyHtml: topicRevisions.bodyHtml,
      editorId: topicRevisions.editorId,
      editorName: users.displayName,
      createdAt: topicRevisions.createdAt,
    })
    .from(topicRevisions)
    .innerJoin(users, eq(users.id, topicRevisions.editorId))
    .where(eq(topicRevisions.topicId, topicId))
    .orderBy(asc(topicRevisions.version));
}

/** A topic's words as they are now (the revision an edit keeps), with who wrote them and when. */
export async function findTopicWords(db: DbOrTx, topicId: string) {
  const [row] = await db
    .select({ title: topics.title, bodyMd: topics.bodyMd, bodyHtml: topics.bodyHtml, authorId: topics.authorId, createdAt: topics.createdAt })
    .from(topics)
    .where(eq(topics.id, topicId));
  return row!;
}

/** The author's name (version 1 of words never edited is theirs). */
export async function userName(db: DbOrTx, userId: string): Promise<string> {
  const [row] = await db.select({ displayName: users.displayName }).from(users).where(eq(users.id, userId));
  return row?.displayName ?? '';
}

// Prompts

export async function updatePrompt(db: DbOrTx, promptId: string, values: Partial<Pick<typeof prompts.$inferInsert, 'bodyMd' | 'bodyHtml' | 'releaseAt' | 'answerFirst'>>) {
  const [row] = await db.update(prompts).set(values).where(eq(prompts.id, promptId)).returning();
  return row!;
}

export async function insertPrompts(db: DbOrTx, rows: Array<typeof prompts.$inferInsert>) {
  if (rows.length === 0) return [];
  return db.insert(prompts).values(rows).returning();
}

/** Published replies per prompt of the topic. */
export async function promptReplyCounts(db: DbOrTx, topicId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ promptId: posts.promptId, n: sql<number>`count(*)::int` })
    .from(posts)
    .where(and(eq(posts.topicId, topicId), eq(posts.status, 'published'), sql`${posts.promptId} is not null`))
    .groupBy(posts.promptId);
  return new Map(rows.map((r) => [r.promptId!, r.n]));
}

// Read tracking

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

/** Marks every topic of the community read up to its latest post. */
export async function markCommunityRead(db: DbOrTx, communityId: string, userId: string) {
  await db.execute(sql`
    insert into ${topicReads} (topic_id, user_id, last_read_post_id, last_read_at, updated_at)
    select distinct on (p.topic_id) p.topic_id, ${userId}, p.id, p.created_at, now()
    from ${posts} p where p.community_id = ${communityId}
    order by p.topic_id, p.created_at desc, p.id desc
    on conflict (user_id, topic_id) do update
      set last_read_post_id = excluded.last_read_post_id, last_read_at = excluded.last_read_at, updated_at = now()
      where ${topicReads}.last_read_at < excluded.last_read_at`);
}

// Moderation of topics (topics/moderation.ts): status, lock/close/pin, and members' flags on topics.

export async function updateTopicModeration(
  db: DbOrTx,
  topicId: string,
  values: { lockedAt?: Date | null; closedAt?: Date | null; pinned?: boolean },
) {
  const [row] = await db
    .update(topics)
    // Not touching topics.updatedAt: in the current schema it maps to the created_at column (see report).
    .set(values)
    .where(eq(topics.id, topicId))
    .returning({ id: topics.id, lockedAt: topics.lockedAt, closedAt: topics.closedAt, pinned: topics.pinned });
  return row!;
}

/**
 * Sets a topic's moderation status and, when given, its reason (undefined: the reason stays). `touchActivity`
 * when it becomes activity members see (approval): it then sorts as new in the topic list.
 */
export async function setTopicModeration(
  db: DbOrTx,
  topicId: string,
  moderationStatus: TopicModerationStatus,
  { reason, touchActivity = false }: { reason?: string | null; touchActivity?: boolean } = {},
) {
  await db
    .update(topics)
    .set({
      moderationStatus,
      ...(reason !== undefined ? { moderationReason: reason } : {}),
      ...(touchActivity ? { lastActivityAt: sql`now()` } : {}),
    })
    .where(eq(topics.id, topicId));
}

// Topic flags: the same table, with topic_id instead of post_id (one open flag per member and topic).

export async function findOpenTopicFlag(db: DbOrTx, topicId: string, flaggerId: string) {
  const [row] = await db
    .select({ id: flags.id })
    .from(flags)
    .where(and(eq(flags.topicId, topicId), eq(flags.flaggerId, flaggerId), isNull(flags.resolvedAt)))
    .limit(1);
  return row ?? null;
}

export async function insertTopicFlag(db: DbOrTx, values: { communityId: string; topicId: string; flaggerId: string; reason: FlagReason; note: string | null }) {
  const [row] = await db
    .insert(flags)
    .values(values)
    .returning({ id: flags.id, topicId: flags.topicId, reason: flags.reason, note: flags.note, createdAt: flags.createdAt });
  return row!;
}

export async function countOpenTopicFlaggers(db: DbOrTx, topicId: string) {
  const [row] = await db
    .select({ n: sql<number>`count(distinct ${flags.flaggerId})::int` })
    .from(flags)
    .where(and(eq(flags.topicId, topicId), isNull(flags.resolvedAt)));
  return row?.n ?? 0;
}

export async function resolveOpenTopicFlags(db: DbOrTx, topicId: string, resolution: 'removed' | 'kept') {
  const rows = await db
    .update(flags)
    .set({ resolvedAt: sql`now()`, resolution })
    .where(and(eq(flags.topicId, topicId), isNull(flags.resolvedAt)))
    .returning({ id: flags.id });
  return rows.length;
}

