// Topic, prompt and read-tracking queries. Post/poster/reader counts are columns kept exact on every write;
// the per-viewer unread count is post_count less the read position's stored read_count (migrations 0025, 0029:
// the posts up to it and the viewer's own), less the replies hidden from the viewer after it (probes), so one
// list page is one query that reads no post it does not subtract.
import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { asLimit, pageLimit, type PageLimit } from '../../db/page-size.js';
import { jsonRowMapper, preparedSelect } from '../../db/prepared-select.js';
import { communities, flags, memberships, posts, prompts, topicFacilitators, topicPosterCounts, topicReads, topicRevisions, topics, users, type TopicModerationStatus } from '../../db/schema.js';
import { coreColumns } from '../../domain/topic-access.js';
import { cursorTime } from '../../domain/cursor.js';
import { memberNotModeratorSql } from '../../domain/read-access.js';
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
export function topicSummaryFields(viewer: TopicViewer | null) {
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
    // Unread: published posts by others after my read position, less replies hidden from me. Those are post_count
    // less read_count (the published posts up to the position and my own anywhere, kept by the database:
    // migrations 0025 and 0029) and, if a prompt's replies are hidden from me, that prompt's replies after it.
    // No read position: everything is after it but my own published posts in the topic, a row kept by the
    // database (topic_poster_counts, migration 0027), not counted (0.5 ms for a member with 5,000 posts in one
    // topic). No published post: nothing to probe. `offset 0` keeps the hidden-prompt test a probe per listed topic:
    // without it PostgreSQL may turn it into one hashed scan of every prompt in the database (45 ms at scale 1).
    unreadCount: me
      ? sql<number>`case when ${topics.postCount} = 0 then 0 else (select ${topics.postCount} - coalesce(r.read_count, 0)
          - (case when r.last_read_at is null
               then coalesce((select mine.published from ${topicPosterCounts} mine where mine.topic_id = ${topics.id} and mine.user_id = ${me}), 0)
               else 0 end)
          ${viewer!.seesAllReplies ? sql`` : sql`- coalesce((select sum((select count(*)::int from ${posts} p where p.topic_id = ${topics.id} and p.prompt_id = h.id
               and p.status = 'published' and p.author_id <> ${me} and p.created_at > coalesce(r.last_read_at, '-infinity'::timestamptz)))::int
             from (${promptsHiddenFrom(me)} offset 0) h), 0)`}
        from (select 1) one left join ${topicReads} r on r.topic_id = ${topics.id} and r.user_id = ${me}) end`
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
  // The first page with no filter (what every visit to a community opens) is a prepared statement.
  if (!f.status && !f.kind && !f.after && !isTransaction(db)) {
    const key = `${f.seesHidden ? 'h' : ''}${f.isAdmin ? 'a' : ''}${f.viewer.seesAllReplies ? 's' : ''}`;
    const { name, limit } = pageLimit(`topic_list_${key || 'member'}`, f.limit);
    let forDb = preparedLists.get(db);
    if (!forDb) preparedLists.set(db, (forDb = new Map()));
    let query = forDb.get(name);
    if (!query) {
      const viewerId = sql.placeholder('viewerId') as unknown as string; // only ever interpolated into SQL
      const shape = { ...f, communityId: sql.placeholder('communityId') as unknown as string, viewer: { ...f.viewer, userId: viewerId } };
      query = preparedSelect(db as Db, listQuery(db, shape).limit(asLimit(limit)), name);
      forDb.set(name, query);
    }
    return (await query.execute({ communityId: f.communityId, viewerId: f.viewer.userId, limit: f.limit })) as TopicSummaryRow[];
  }
  return (await listQuery(db, f).limit(f.limit)) as TopicSummaryRow[];
}

const preparedLists = new WeakMap<object, Map<string, { execute(params: Record<string, unknown>): Promise<unknown[]> }>>();
const isTransaction = (db: DbOrTx) => 'rollback' in db;

function listQuery(db: DbOrTx, f: TopicListFilter) {
  return db
    .select(topicSummaryFields(f.viewer))
    .from(topics)
    .innerJoin(users, eq(users.id, topics.authorId))
    .where(and(...listConditions(f)))
    .orderBy(desc(topics.pinned), desc(topics.lastActivityAt), desc(topics.id));
}

/** Which topics a list page shows `f`'s viewer. */
function listConditions(f: Omit<TopicListFilter, 'limit'>) {
  const conditions: SQL[] = [sql`${topics.communityId} = ${f.communityId}`];
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
  return conditions;
}

/** The viewer of the list page read with the community's access check: a member, placeholder `actorId`. */
const memberViewer: TopicViewer = { userId: sql.placeholder('actorId') as unknown as string, seesAllReplies: false };

/**
 * The first list page (no filter) as a plain member sees it (not a moderator, not an admin: they see held topics
 * and all replies), as SQL for the community's access statement to read in the same round trip: `firstPage` is a
 * JSON array of rows, each the summary fields in order (`decodeListRow`); null for anyone else (not a member, a
 * moderator), who then asks listTopics. The community is the access statement's row, so the page is planned the
 * same whatever the community (db/page-size.ts says why that matters). Placeholders: actorId, and limit unless
 * `limit` is the size itself. The caller must not use it for an admin.
 */
export function firstListPageExtras(limit: PageLimit['limit']) {
  const { columns } = jsonRowMapper<TopicSummaryRow>(topicSummaryFields(memberViewer));
  const conditions = listConditions({ communityId: sql`${communities.id}` as unknown as string, viewer: memberViewer, isAdmin: false, seesHidden: false });
  return {
    firstPage: sql<unknown[][] | null>`case when ${memberNotModeratorSql} then
      (select coalesce(json_agg(page.r order by page.pinned desc, page.last_activity_at desc, page.id desc), '[]'::json) from (
        select json_build_array(${sql.join(columns as SQL[], sql`, `)}) as r, ${topics.pinned} as pinned, ${topics.lastActivityAt} as last_activity_at, ${topics.id} as id
        from ${topics} inner join ${users} on ${users.id} = ${topics.authorId}
        where ${and(...conditions)}
        order by ${topics.pinned} desc, ${topics.lastActivityAt} desc, ${topics.id} desc limit ${limit}) page) end`,
  };
}

const listRows = jsonRowMapper<TopicSummaryRow>(topicSummaryFields({ userId: '00000000-0000-0000-0000-000000000000', seesAllReplies: false }));
/** A row of firstListPageExtras' `firstPage`, as listTopics returns it. */
export const decodeListRow = (row: unknown[]): TopicSummaryRow => listRows.map(row);

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

// Read tracking (views and read positions): read-queries.ts.
export * from './read-queries.js';

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

