// A topic as access checks and writes need it (TopicCore), the policy check on it (requireTopic), and the
// rules that follow from it for every feature: is it writable, which prompts' replies a viewer may not see
// yet, may the viewer read its words. Owns the SQL of those lookups.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { posts, prompts, topicFacilitators, topics } from '../db/schema.js';
import { conflict, notFound } from '../errors.js';
import { authorize, can, topicContext, type Action, type Actor, type PolicyContext } from '../policy/policy.js';
import type { TopicStatus } from '../../shared/schemas/topics.js';
import { requireCommunity, type CommunityAccess } from './community-access.js';
import { canSeeTopicContent, type PostViewer } from './visibility.js';

/** The columns access checks and writes need (TopicCore), also part of every shown topic. */
export const coreColumns = {
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

export const coreFields = {
  ...coreColumns,
  // `${topics}.id`, not ${topics.id}: drizzle writes a column unqualified in a one-table select, and the
  // bare "id" would be looked up in the subquery first.
  /** The topic_facilitators rows: a CPD topic's author and guests, none for a practice problem. The
   *  policy's facilitators (topicContext) add the author. */
  namedFacilitatorIds: sql<string[]>`array(select f.user_id::text from ${topicFacilitators} f where f.topic_id = ${topics}.id)`,
};

/**
 * THE loader of a topic with its facilitators, for every feature's access checks (policy topicContext)
 * and writes. `lock` locks the topic row (only that row) for the transaction.
 */
export async function findTopic(db: DbOrTx, topicId: string, { lock }: { lock?: 'update' | 'no key update' } = {}) {
  const query = db.select(coreFields).from(topics).where(eq(topics.id, topicId)).limit(1);
  const [row] = lock ? await query.for(lock, { of: topics }) : await query;
  return row ?? null;
}

/** What access checks and writes need of a topic (no text, no counts), with its named facilitators. */
export type TopicCore = NonNullable<Awaited<ReturnType<typeof findTopic>>>;

/**
 * The lock under which every change of a topic's post/poster/reader counters happens, one writer at a
 * time. NO KEY UPDATE (what `update topics set post_count …` takes anyway), not UPDATE: the writer has
 * already inserted a post or view row, whose foreign key holds KEY SHARE on the topic, and FOR UPDATE
 * would conflict with another writer's KEY SHARE — two concurrent posts would deadlock.
 */
export async function lockTopicCounters(db: DbOrTx, topicId: string) {
  await db.select({ id: topics.id }).from(topics).where(eq(topics.id, topicId)).for('no key update');
}

/** closed (by hand or after closesAt) wins over upcoming (before opensAt); otherwise open. */
export function topicStatus(t: { opensAt: Date | null; closesAt: Date | null; closedAt: Date | null }, now = new Date()): TopicStatus {
  if (t.closedAt || (t.closesAt && t.closesAt <= now)) return 'closed';
  if (t.opensAt && t.opensAt > now) return 'upcoming';
  return 'open';
}

export interface TopicAccess extends CommunityAccess {
  actor: Actor;
  topic: TopicCore;
  /** The policy context for decisions about this topic. */
  ctx: PolicyContext;
}

/**
 * Loads a topic, its community and the actor's membership, and authorises `action` on it. Unknown
 * topics, topics of communities the actor is not in, and upcoming topics the actor may not see → 404.
 */
export async function requireTopic(db: DbOrTx, actor: Actor | null, topicId: string, action: Action): Promise<TopicAccess> {
  const topic = await findTopic(db, topicId);
  if (!topic) {
    authorize(actor, 'community.read', {}); // anonymous: 401 rather than 404
    throw notFound('Topic');
  }
  return topicAccess(await requireCommunity(db, actor, topic.communityId, 'topics.list'), topic, action);
}

/** Authorises `action` on a topic of a community the actor's access was already checked for. */
export function topicAccess(access: CommunityAccess & { actor: Actor }, topic: TopicCore, action: Action): TopicAccess {
  const ctx: PolicyContext = { community: access.community, membership: access.membership, topic: topicContext(topic) };
  authorize(access.actor, action, ctx);
  return { ...access, topic, ctx };
}

export const postViewerFor = (actor: Actor, ctx: PolicyContext): PostViewer => ({ userId: actor.id, seesHidden: can(actor, 'post.readHidden', ctx) });

/** Whether the actor reads this topic's words and replies, or its placeholder (a hidden or removed topic). */
export const topicContentVisible = (access: Pick<TopicAccess, 'actor' | 'topic' | 'ctx'>) =>
  canSeeTopicContent(access.topic, { userId: access.actor.id, seesHidden: can(access.actor, 'topic.readHidden', access.ctx) });

/** Posting (and editing) needs an open, unlocked topic that members can see (not held, hidden or removed). */
export function assertTopicWritable(topic: Pick<TopicCore, 'opensAt' | 'closesAt' | 'closedAt' | 'lockedAt' | 'moderationStatus'>) {
  if (topic.moderationStatus === 'removed') throw conflict('topic_removed', 'A moderator removed this topic: it cannot be replied to.');
  if (topic.moderationStatus !== 'published') throw conflict('topic_held', 'This topic is waiting for a moderator: it cannot be replied to yet.');
  const status = topicStatus(topic);
  if (status === 'closed') throw conflict('topic_closed', 'This topic is closed: it can be read but not replied to.');
  if (status === 'upcoming') throw conflict('topic_not_open', 'This topic is not open yet.');
  if (topic.lockedAt) throw conflict('topic_locked', 'This topic is locked.');
}

// Prompts: which replies a viewer may see depends on them.

export type PromptRow = typeof prompts.$inferSelect;

export async function listPrompts(db: DbOrTx, topicId: string): Promise<PromptRow[]> {
  return db.select().from(prompts).where(eq(prompts.topicId, topicId)).orderBy(asc(prompts.position));
}

export async function findPrompt(db: DbOrTx, promptId: string): Promise<PromptRow | null> {
  const [row] = await db.select().from(prompts).where(eq(prompts.id, promptId)).limit(1);
  return row ?? null;
}

/** Prompts of the topic that the user has posted to (any status: withdrawing does not re-hide). */
export async function promptsAnsweredBy(db: DbOrTx, topicId: string, userId: string): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ promptId: posts.promptId })
    .from(posts)
    .where(and(eq(posts.topicId, topicId), eq(posts.authorId, userId), sql`${posts.promptId} is not null`));
  return new Set(rows.map((r) => r.promptId!));
}

export const isScheduled = (p: Pick<PromptRow, 'releaseAt'>, now: Date) => p.releaseAt !== null && p.releaseAt > now;

/**
 * Prompts whose replies (other than the viewer's own) the viewer may not see yet. `prompts` and
 * `answered` (the prompts the viewer has answered) are loaded here unless the caller already has them.
 */
export async function hiddenPromptIds(
  db: DbOrTx,
  access: TopicAccess,
  prompts?: Array<Pick<PromptRow, 'id' | 'releaseAt' | 'answerFirst'>>,
  answeredByViewer?: Set<string>,
): Promise<string[]> {
  const all = prompts ?? (await listPrompts(db, access.topic.id));
  const now = new Date();
  const seesScheduled = can(access.actor, 'prompt.readScheduled', access.ctx);
  const seesAll = can(access.actor, 'prompt.seeAllReplies', access.ctx);
  const answered =
    seesAll || !all.some((p) => p.answerFirst) ? new Set<string>() : (answeredByViewer ?? (await promptsAnsweredBy(db, access.topic.id, access.actor.id)));
  return all
    .filter((p) => (isScheduled(p, now) && !seesScheduled) || (p.answerFirst && !seesAll && !answered.has(p.id)))
    .map((p) => p.id);
}
