// Topic, prompt and read-tracking queries. Post/poster/reader counts are columns kept exact on every write;
// the per-viewer unread count is a correlated subquery on the (topic_id, created_at) index (or, for a topic
// the viewer never opened, post_count less their own posts), so one list page is one query.
import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { memberships, posts, prompts, topicFacilitators, topicReads, topics, topicViews, users } from '../../db/schema.js';
import type { TopicRow, TopicSummaryRow } from './present.js';

/** Microsecond-exact UTC text of a timestamp, for keyset cursors. */
export const cursorTime = (column: unknown) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
/** The text cursorTime() writes: what cursor decoders accept. */
export const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

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

/** The columns access checks and writes need (TopicCore), also part of every shown topic. */
const coreColumns = {
  id: topics.id,
  communityId: topics.communityId,
  kind: topics.kind,
  authorId: topics.authorId,
  opensAt: topics.opensAt,
  closesAt: topics.closesAt,
  closedAt: topics.closedAt,
  lockedAt: topics.lockedAt,
  pinned: topics.pinned,
  moderationStatus: topics.moderationStatus,
};

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
    // Counters kept exact on every write (adjustCountsForStatusChange, recordView): a list page reads them.
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

/** What access checks and writes need of a topic (no text, no counts), with its named facilitators. */
export type TopicCore = Pick<TopicRow, keyof typeof coreColumns> & {
  /** The topic_facilitators rows: a CPD topic's author and guests, none for a practice problem. The
   *  policy's facilitators (topicContext) add the author. */
  namedFacilitatorIds: string[];
};

const coreFields = {
  ...coreColumns,
  // `${topics}.id`, not ${topics.id}: drizzle writes a column unqualified in a one-table select, and the
  // bare "id" would be looked up in the subquery first.
  namedFacilitatorIds: sql<string[]>`array(select f.user_id::text from ${topicFacilitators} f where f.topic_id = ${topics}.id)`,
};

/**
 * THE loader of a topic with its facilitators, for every feature's access checks (policy topicContext)
 * and writes. `lock` locks the topic row (only that row) for the transaction.
 */
export async function findTopic(db: DbOrTx, topicId: string, { lock }: { lock?: 'update' | 'no key update' } = {}): Promise<TopicCore | null> {
  const query = db.select(coreFields).from(topics).where(eq(topics.id, topicId)).limit(1);
  const [row] = lock ? await query.for(lock, { of: topics }) : await query;
  return row ?? null;
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

/**
 * The lock under which every change of a topic's post/poster/reader counters happens, one writer at a
 * time. NO KEY UPDATE (what `update topics set post_count …` takes anyway), not UPDATE: the writer has
 * already inserted a post or view row, whose foreign key holds KEY SHARE on the topic, and FOR UPDATE
 * would conflict with another writer's KEY SHARE — two concurrent posts would deadlock.
 */
export async function lockTopicCounters(db: DbOrTx, topicId: string) {
  await db.select({ id: topics.id }).from(topics).where(eq(topics.id, topicId)).for('no key update');
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

// Prompts

export type PromptRow = typeof prompts.$inferSelect;

export async function insertPrompts(db: DbOrTx, rows: Array<typeof prompts.$inferInsert>) {
  if (rows.length === 0) return [];
  return db.insert(prompts).values(rows).returning();
}

export async function listPrompts(db: DbOrTx, topicId: string): Promise<PromptRow[]> {
  return db.select().from(prompts).where(eq(prompts.topicId, topicId)).orderBy(asc(prompts.position));
}

export async function findPrompt(db: DbOrTx, promptId: string): Promise<PromptRow | null> {
  const [row] = await db.select().from(prompts).where(eq(prompts.id, promptId)).limit(1);
  return row ?? null;
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

/** Prompts of the topic that the user has posted to (any status: withdrawing does not re-hide). */
export async function promptsAnsweredBy(db: DbOrTx, topicId: string, userId: string): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ promptId: posts.promptId })
    .from(posts)
    .where(and(eq(posts.topicId, topicId), eq(posts.authorId, userId), sql`${posts.promptId} is not null`));
  return new Set(rows.map((r) => r.promptId!));
}

// Read tracking

/**
 * Records a view: one row per member per topic per UTC day, however often they open it. The member's
 * first view of the topic ever makes them a reader (reader_count + 1) unless they already have a
 * published post in it. One transaction (a savepoint inside a caller's), and the counter probes run after
 * the topic row lock, as in adjustCountsForStatusChange (posts/queries.ts): the two cannot miscount
 * each other.
 */
export async function recordView(db: DbOrTx, topicId: string, communityId: string, userId: string) {
  await db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(topicViews)
      .values({ topicId, communityId, userId, day: sql`(now() at time zone 'UTC')::date` as unknown as string })
      .onConflictDoNothing()
      .returning({ day: topicViews.day });
    if (!inserted) return; // already viewed today: nothing can change
    await lockTopicCounters(tx, topicId);
    // Probes: the topic_views primary key (topic_id, user_id, day) and the partial published index.
    await tx
      .update(topics)
      .set({ readerCount: sql`${topics.readerCount} + 1` })
      .where(
        and(
          eq(topics.id, topicId),
          sql`not exists (select 1 from ${topicViews} v where v.topic_id = ${topicId} and v.user_id = ${userId} and v.day <> ${inserted.day})`,
          sql`not exists (select 1 from ${posts} p where p.topic_id = ${topicId} and p.author_id = ${userId} and p.status = 'published')`,
        ),
      );
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
