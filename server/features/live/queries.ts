// The event log and the few lookups live delivery needs. Every function takes a database or a transaction.
import { and, asc, eq, gt, gte, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { events, memberships, posts, prompts, sessions, topics, users, type PostStatus } from '../../db/schema.js';
import type { CommunityRole, MembershipContext } from '../../policy/policy.js';
import { activeSuspension } from '../../domain/community-access.js';
import { channelFilter, type ChannelKey } from '../../domain/outbox.js';

// The hub reads a channel's newest id from the outbox itself.
export { lastChannelEventId, type ChannelKey } from '../../domain/outbox.js';

export interface EventRow {
  id: number;
  communityId: string;
  topicId: string | null;
  name: string;
  data: unknown;
}

// An event's `id` on the wire and in every cursor is its position (the commit order, event-sequencer.ts).
const eventColumns = { id: sql<number>`${events.position}`.mapWith(Number), communityId: events.communityId, topicId: events.topicId, name: events.name, data: events.data };

/** Loads the events positioned from `first` to `last`, in position order (one query per batch of NOTIFYs). */
export async function findEventsByPositions(db: DbOrTx, first: number, last: number): Promise<EventRow[]> {
  return db
    .select(eventColumns)
    .from(events)
    .where(and(gte(events.position, first), lte(events.position, last)))
    .orderBy(asc(events.position))
    .prepare('live_events_by_positions') // once per sequenced batch: parsed once per connection
    .execute();
}

/** Events of one channel positioned after `since`, oldest first; at most `limit` rows (events_community_position_idx / events_topic_position_idx). */
export async function findChannelEventsSince(db: DbOrTx, channel: ChannelKey, since: number, limit: number): Promise<EventRow[]> {
  return db
    .select(eventColumns)
    .from(events)
    .where(and(channelFilter(channel), gt(events.position, since)))
    .orderBy(asc(events.position))
    .limit(limit);
}

/** The oldest event position still in the log, or null when the log is empty. */
export async function oldestRetainedEventId(db: DbOrTx): Promise<number | null> {
  const [row] = await db.select({ id: sql<string | null>`min(${events.position})` }).from(events);
  return row?.id ? Number(row.id) : null;
}

/** Deletes events older than the retention window (the log is a derived copy; posts themselves are never deleted). */
export async function pruneEventsOlderThan(db: DbOrTx, days: number): Promise<number> {
  const rows = await db
    .delete(events)
    .where(sql`${events.createdAt} < now() - make_interval(days => ${days})`)
    .returning({ id: events.id });
  return rows.length;
}

/** The current status of each of these posts (absent ids are left out), in one query: the replay check. */
export async function findPostStatuses(db: DbOrTx, postIds: string[]): Promise<Map<string, PostStatus>> {
  if (postIds.length === 0) return new Map();
  const rows = await db.select({ id: posts.id, status: posts.status }).from(posts).where(inArray(posts.id, postIds));
  return new Map(rows.map((r) => [r.id, r.status]));
}

export async function findPromptAnswerFirst(db: DbOrTx, promptId: string): Promise<boolean | null> {
  const [row] = await db.select({ answerFirst: prompts.answerFirst }).from(prompts).where(eq(prompts.id, promptId)).limit(1);
  return row ? row.answerFirst : null;
}

/** Which of these users have posted in the prompt (any status but withdrawn): the answer-first rule. */
export async function usersWhoAnsweredPrompt(db: DbOrTx, promptId: string, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectDistinct({ authorId: posts.authorId })
    .from(posts)
    .where(and(eq(posts.promptId, promptId), inArray(posts.authorId, userIds), sql`${posts.status} <> 'withdrawn'`));
  return new Set(rows.map((r) => r.authorId));
}

/**
 * Marks scheduled prompts whose time has come as released and returns them. The conditional UPDATE is
 * safe with several processes: a second process's UPDATE waits for the first's row locks, re-checks
 * `released_event_at is null`, and skips the rows.
 */
export async function claimDuePrompts(db: DbOrTx) {
  return db
    .update(prompts)
    .set({ releasedEventAt: sql`now()` })
    .where(and(isNotNull(prompts.releaseAt), lte(prompts.releaseAt, sql`now()`), isNull(prompts.releasedEventAt)))
    .returning({
      id: prompts.id,
      topicId: prompts.topicId,
      position: prompts.position,
      bodyMd: prompts.bodyMd,
      bodyHtml: prompts.bodyHtml,
      releaseAt: prompts.releaseAt,
      answerFirst: prompts.answerFirst,
      communityId: sql<string>`(select ${topics.communityId} from ${topics} where ${topics.id} = ${prompts.topicId})`,
    });
}

/** Of these sessions, the ones still valid (not ended, not expired, account not suspended). */
export async function findValidSessionIds(db: DbOrTx, sessionIds: string[]): Promise<Set<string>> {
  if (sessionIds.length === 0) return new Set();
  const rows = await db
    .select({ id: sessions.id })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(inArray(sessions.id, sessionIds), isNull(sessions.endedAt), gt(sessions.expiresAt, sql`now()`), isNull(users.suspendedAt)));
  return new Set(rows.map((r) => r.id));
}

/** Active memberships of these users, keyed `${communityId}:${userId}` (one query for every open socket). */
export async function findMembershipsOfUsers(db: DbOrTx, userIds: string[]): Promise<Map<string, MembershipContext>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .select({
      communityId: memberships.communityId,
      userId: memberships.userId,
      roles: memberships.roles,
      suspended: activeSuspension(memberships.communityId, memberships.userId),
    })
    .from(memberships)
    .where(and(inArray(memberships.userId, userIds), isNull(memberships.removedAt)));
  return new Map(rows.map((r) => [`${r.communityId}:${r.userId}`, { roles: r.roles as CommunityRole[], suspended: r.suspended }]));
}
