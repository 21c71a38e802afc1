// Moderation rules: flags and auto-hide, the review queue, reversible removal, approval, notes to authors,
// watched words, settings, suspensions, topic locks and the append-only audit log — for posts and, the same
// way, for topics (their title, text and prompts: a topic is content too).
//
// Every action runs in ONE transaction that (1) changes the rows, (2) appends exactly one moderation_log
// row and (3) records the live event — so nothing is half-done, and nothing is done unlogged.
//
// Live events never carry a post's content or removal reason at the top level of `data`: those go under
// `data.private`, which the live feature delivers only to the post's author and the community's
// moderators. Members re-fetch the post over HTTP, where the posts API applies the status rules.
import type { Db, DbOrTx } from '../../db/client.js';
import type { PostStatus, TopicModerationStatus } from '../../db/schema.js';
import { AppError, conflict, invalid, notFound } from '../../errors.js';
import { authorize, topicContext, type Action, type Actor, type PolicyContext } from '../../policy/policy.js';
import { findCommunity, findMembership } from '../communities/queries.js';
import { requireCommunity } from '../communities/service.js';
import { recordEvent } from '../live/events.js';
import type { FlagReason } from '../../../shared/schemas/moderation.js';
import { MODERATION_LIMITS } from '../../../shared/schemas/moderation.js';
import { adjustCountsForStatusChange, findPostRow, setPostStatus } from '../posts/queries.js';
import { EVENT_VIEW, presentPost } from '../posts/present.js';
import { findTopic, findTopicWithCounts, type TopicCore } from '../topics/queries.js';
import { presentTopicSummary } from '../topics/present.js';
import * as q from './queries.js';
import { matchWatchedWords, normaliseForMatching, phraseKey, phraseMatcher, listWatchedWords } from './watched-words.js';

export { checkWatchedWords, matchWatchedWords, normaliseForMatching } from './watched-words.js';

/**
 * For the posts service, when a member creates a post: true when the member's post must wait for a
 * moderator's approval (status 'pending') because they have fewer published posts in the community than
 * the community's `premod_new_member_posts`. Members holding an added role (facilitator, moderator,
 * manager) are trusted and never pre-moderated.
 */
export async function needsPremoderation(db: DbOrTx, communityId: string, userId: string): Promise<boolean> {
  const facts = await q.premodFacts(db, communityId, userId);
  if (!facts || facts.threshold <= 0) return false;
  if (facts.roles && facts.roles.length > 0) return false;
  return facts.published < facts.threshold;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * For the topics service, when a topic is created or edited (title, a problem's body, a CPD article, prompts):
 * the rules posts get. A 'block' rule in any of the texts refuses it with 422 `watched_word_blocked` naming
 * the field and the phrase (the caller's transaction rolls back: nothing is written); a 'hold' rule returns
 * the reason the topic waits for a moderator. Pass the Markdown sources, not the HTML.
 */
export async function screenTopicText(db: DbOrTx, communityId: string, texts: Array<{ field: string; text: string }>): Promise<string | null> {
  const rules = await listWatchedWords(db, communityId);
  if (rules.length === 0) return null;
  let hold: string | null = null;
  for (const { field, text } of texts) {
    const hit = matchWatchedWords(rules, text);
    if (hit?.action === 'block') {
      throw new AppError(422, 'watched_word_blocked', `This community does not allow "${hit.phrase}". Please reword the topic.`, { field, phrase: hit.phrase });
    }
    if (hit?.action === 'hold') hold ??= `watched word "${hit.phrase}" in ${field}`;
  }
  return hold;
}

/** Every hold is a moderation action too: the audit log records it, with no human actor. */
export const logTopicHold = (tx: DbOrTx, communityId: string, topicId: string, reason: string) =>
  q.insertLogEntry(tx, { communityId, actorId: null, action: 'topic.hold', targetType: 'topic', targetId: topicId, reason, after: { moderationStatus: 'pending' } });

/**
 * An edit of a topic that trips a 'hold' rule takes a published topic back to review, as an edit does a post
 * (a held, hidden or removed one stays as it is). Call with the topic row locked, before recording topic.updated.
 */
export async function holdTopicEdit(tx: DbOrTx, topic: Pick<TopicCore, 'id' | 'communityId' | 'moderationStatus'>, reason: string) {
  if (topic.moderationStatus !== 'published') return;
  await q.setTopicModeration(tx, topic.id, 'pending');
  await logTopicHold(tx, topic.communityId, topic.id, reason);
}

/** Non-blank after trimming, or 400 naming the field. */
function requireText(field: string, value: string): string {
  if (value.trim() === '') throw invalid(field, `${field} must not be blank.`, 'empty_text');
  return value;
}

type PostRow = q.ModeratedPost;

/**
 * The event payload for a post's moderation change: the post as the REST API shows it to its author and
 * moderators (content and removal reason included). The live filter re-presents it per subscriber with
 * the posts feature's own rule (presentPostSnapshot), so others get the placeholder, never the content.
 * Call AFTER the status change (it reads the row back).
 */
async function postEventData(tx: DbOrTx, postId: string) {
  return presentPost((await findPostRow(tx, postId, null))!, EVENT_VIEW);
}

const moderated = (post: PostRow, status: PostStatus, statusReason: string | null) => ({
  id: post.id,
  topicId: post.topicId,
  communityId: post.communityId,
  status,
  statusReason,
});

const moderatedTopic = (topic: Pick<TopicCore, 'id' | 'communityId'>, moderationStatus: TopicModerationStatus, moderationReason: string | null) => ({
  id: topic.id,
  communityId: topic.communityId,
  moderationStatus,
  moderationReason,
});

export interface TopicModerationInput {
  locked?: boolean | undefined;
  closed?: boolean | undefined;
  pinned?: boolean | undefined;
}

const presentTopicModeration = (t: { id: string; lockedAt: Date | null; closedAt: Date | null; pinned: boolean }) => ({
  id: t.id,
  lockedAt: iso(t.lockedAt),
  closedAt: iso(t.closedAt),
  pinned: t.pinned,
});

/**
 * THE lock/close/pin use case, shared by PATCH /api/topics/:id/moderation and PATCH /api/topics/:id:
 * applies what changes and appends ONE audit-log row for it (nothing when it is already so).
 * The caller has authorised 'topic.moderate', holds the topic row lock (`topic` loaded for update) and,
 * when `changed`, records topic.updated with recordTopicUpdated() as its last write.
 */
export async function applyTopicModeration(tx: DbOrTx, me: Actor, topic: TopicCore, input: TopicModerationInput) {
  const now = new Date();
  const changes: { lockedAt?: Date | null; closedAt?: Date | null; pinned?: boolean } = {};
  const before: Record<string, boolean> = {};
  const after: Record<string, boolean> = {};
  if (input.locked !== undefined && input.locked !== !!topic.lockedAt) {
    changes.lockedAt = input.locked ? now : null;
    before.locked = !!topic.lockedAt;
    after.locked = input.locked;
  }
  if (input.closed !== undefined && input.closed !== !!topic.closedAt) {
    changes.closedAt = input.closed ? now : null;
    before.closed = !!topic.closedAt;
    after.closed = input.closed;
  }
  if (input.pinned !== undefined && input.pinned !== topic.pinned) {
    changes.pinned = input.pinned;
    before.pinned = topic.pinned;
    after.pinned = input.pinned;
  }
  if (Object.keys(changes).length === 0) return { changed: false, topic }; // already so: nothing to log
  const updated = await q.updateTopicModeration(tx, topic.id, changes);
  await q.insertLogEntry(tx, { communityId: topic.communityId, actorId: me.id, action: 'topic.moderate', targetType: 'topic', targetId: topic.id, before, after });
  return { changed: true, topic: { ...topic, ...updated } };
}

/**
 * topic.updated (or another topic.* event) with the topic-list shape the REST API returns (no per-viewer unread
 * count), as its author and moderators see it: the live filter shows others the placeholder of a hidden or
 * removed topic and nothing of a held one (topics/present.ts canSeeTopicContent, the policy's topic.read).
 */
export async function recordTopicUpdated(tx: DbOrTx, communityId: string, topicId: string, name: 'topic.updated' | 'topic.removed' | 'topic.restored' | 'topic.approved' = 'topic.updated') {
  const summary = presentTopicSummary((await findTopicWithCounts(tx, topicId))!, { forViewer: false });
  await recordEvent(tx, { communityId, topicId, name, data: summary });
}

export function createModerationService({ db }: { db: Db }) {
  /**
   * Loads a post (locked for update when inside a write), its topic and community, the actor's membership,
   * and authorises `action`. Unknown post → 404 (401 first for anonymous callers).
   */
  async function requirePost(tx: DbOrTx, actor: Actor | null, postId: string, actions: Action[], forUpdate = false) {
    const post = await q.findPost(tx, postId, forUpdate);
    if (!post) {
      authorize(actor, 'community.read', {}); // anonymous: 401 rather than 404
      throw notFound('Post');
    }
    const topic = (await findTopic(tx, post.topicId))!;
    const community = (await findCommunity(tx, post.communityId))!;
    const membership = actor ? await findMembership(tx, community.id, actor.id) : null;
    const ctx: PolicyContext = { community, membership, post: { authorId: post.authorId }, topic: topicContext(topic) };
    let me: Actor | null = actor;
    for (const action of actions) me = authorize(me, action, ctx);
    return { post, topic, community, membership, actor: me! };
  }

  /** The topic a moderation action is about (row locked for the transaction), authorised for `actions`. */
  async function requireTopicFor(tx: DbOrTx, actor: Actor | null, topicId: string, actions: Action[]) {
    const topic = await findTopic(tx, topicId, { lock: 'update' });
    if (!topic) {
      authorize(actor, 'community.read', {}); // anonymous: 401 rather than 404
      throw notFound('Topic');
    }
    const community = (await findCommunity(tx, topic.communityId))!;
    const membership = actor ? await findMembership(tx, community.id, actor.id) : null;
    const ctx: PolicyContext = { community, membership, topic: topicContext(topic) };
    let me: Actor | null = actor;
    for (const action of actions) me = authorize(me, action, ctx);
    return { topic, community, actor: me! };
  }

  return {
    // ---------------- Flags ----------------

    async flag(actor: Actor | null, postId: string, input: { reason: FlagReason; note?: string | undefined }) {
      // A note is optional; one that is sent is stored exactly, so it may not be blank (leave it out instead).
      const note = input.note === undefined ? null : requireText('note', input.note);
      return db.transaction(async (tx) => {
        // The post row lock serialises concurrent flags on one post, so the threshold count is exact.
        const { post, topic, community, actor: me } = await requirePost(tx, actor, postId, ['topic.read', 'post.flag'], true);
        // A post of a hidden or removed topic is out of members' sight with it.
        if (post.status !== 'published' || topic.moderationStatus !== 'published') {
          throw conflict('post_not_flaggable', 'This post is not visible to members, so it cannot be flagged.');
        }
        if (await q.findOpenFlag(tx, post.id, me.id)) {
          throw conflict('already_flagged', 'You have already flagged this post; a moderator will review it.');
        }
        const flag = await q.insertFlag(tx, { communityId: community.id, postId: post.id, flaggerId: me.id, reason: input.reason, note });
        const flaggers = await q.countOpenFlaggers(tx, post.id);
        if (flaggers >= community.autoHideThreshold) {
          // Hidden pending review; the flags stay open so the post stays in the queue.
          await setPostStatus(tx, post.id, 'hidden', post.statusReason);
          await adjustCountsForStatusChange(tx, post, post.status, 'hidden');
          await q.insertLogEntry(tx, {
            communityId: community.id,
            actorId: null, // the system acted, on members' flags
            action: 'post.auto_hide',
            targetType: 'post',
            targetId: post.id,
            reason: `${flaggers} members flagged this post (threshold ${community.autoHideThreshold}).`,
            before: { status: post.status },
            after: { status: 'hidden' },
          });
          await recordEvent(tx, { communityId: community.id, topicId: post.topicId, name: 'post.updated', data: await postEventData(tx, post.id) });
        }
        return { id: flag.id, postId: post.id, reason: flag.reason, note: flag.note, createdAt: flag.createdAt.toISOString() };
      });
    },

    /** Flags a topic; at the community's threshold of flaggers it is hidden until a moderator reviews it. */
    async flagTopic(actor: Actor | null, topicId: string, input: { reason: FlagReason; note?: string | undefined }) {
      const note = input.note && input.note.trim() !== '' ? input.note : null;
      return db.transaction(async (tx) => {
        // The topic row lock serialises concurrent flags on one topic, so the threshold count is exact.
        const { topic, community, actor: me } = await requireTopicFor(tx, actor, topicId, ['topic.read', 'topic.flag']);
        if (topic.moderationStatus !== 'published') {
          throw conflict('topic_not_flaggable', 'This topic is not visible to members, so it cannot be flagged.');
        }
        if (await q.findOpenTopicFlag(tx, topic.id, me.id)) {
          throw conflict('already_flagged', 'You have already flagged this topic; a moderator will review it.');
        }
        const flag = await q.insertTopicFlag(tx, { communityId: community.id, topicId: topic.id, flaggerId: me.id, reason: input.reason, note });
        const flaggers = await q.countOpenTopicFlaggers(tx, topic.id);
        if (flaggers >= community.autoHideThreshold) {
          // Hidden pending review; the flags stay open so the topic stays in the queue.
          await q.setTopicModeration(tx, topic.id, 'hidden');
          await q.insertLogEntry(tx, {
            communityId: community.id,
            actorId: null, // the system acted, on members' flags
            action: 'topic.auto_hide',
            targetType: 'topic',
            targetId: topic.id,
            reason: `${flaggers} members flagged this topic (threshold ${community.autoHideThreshold}).`,
            before: { moderationStatus: topic.moderationStatus },
            after: { moderationStatus: 'hidden' },
          });
          await recordTopicUpdated(tx, community.id, topic.id);
        }
        return { id: flag.id, topicId: topic.id, reason: flag.reason, note: flag.note, createdAt: flag.createdAt.toISOString() };
      });
    },

    /** Keeps the topic: resolves its open flags; a topic hidden by them shows again. */
    async dismissTopicFlags(actor: Actor | null, topicId: string) {
      return db.transaction(async (tx) => {
        const { topic, community, actor: me } = await requireTopicFor(tx, actor, topicId, ['moderation.dismissFlags']);
        const resolved = await q.resolveOpenTopicFlags(tx, topic.id, 'kept');
        if (resolved === 0) throw conflict('no_open_flags', 'This topic has no open flags.');
        const status: TopicModerationStatus = topic.moderationStatus === 'hidden' ? 'published' : topic.moderationStatus;
        if (status !== topic.moderationStatus) await q.setTopicModeration(tx, topic.id, status);
        await q.insertLogEntry(tx, {
          communityId: community.id,
          actorId: me.id,
          action: 'flags.dismiss',
          targetType: 'topic',
          targetId: topic.id,
          before: { moderationStatus: topic.moderationStatus, openFlags: resolved },
          after: { moderationStatus: status, openFlags: 0 },
        });
        if (status !== topic.moderationStatus) await recordTopicUpdated(tx, community.id, topic.id);
        const reason = (await findTopicWithCounts(tx, topic.id))!.moderationReason;
        return moderatedTopic(topic, status, reason);
      });
    },

    async dismissFlags(actor: Actor | null, postId: string) {
      return db.transaction(async (tx) => {
        const { post, community, actor: me } = await requirePost(tx, actor, postId, ['moderation.dismissFlags'], true);
        const resolved = await q.resolveOpenFlags(tx, post.id, 'kept');
        if (resolved === 0) throw conflict('no_open_flags', 'This post has no open flags.');
        // Kept: a post hidden by flags goes back to what members saw.
        const status: PostStatus = post.status === 'hidden' ? 'published' : post.status;
        if (status !== post.status) {
          await setPostStatus(tx, post.id, status, post.statusReason);
          await adjustCountsForStatusChange(tx, post, post.status, status);
        }
        await q.insertLogEntry(tx, {
          communityId: community.id,
          actorId: me.id,
          action: 'flags.dismiss',
          targetType: 'post',
          targetId: post.id,
          before: { status: post.status, openFlags: resolved },
          after: { status, openFlags: 0 },
        });
        if (status !== post.status) {
          await recordEvent(tx, { communityId: community.id, topicId: post.topicId, name: 'post.updated', data: await postEventData(tx, post.id) });
        }
        return moderated(post, status, post.statusReason);
      });
    },

    // ---------------- Removal, restore, approval, notes ----------------

    async remove(actor: Actor | null, postId: string, reason: string) {
      requireText('reason', reason);
      return db.transaction(async (tx) => {
        const { post, community, actor: me } = await requirePost(tx, actor, postId, ['moderation.remove'], true);
        if (post.status === 'removed') throw conflict('already_removed', 'This post is already removed.');
        if (post.status === 'withdrawn') throw conflict('post_withdrawn', 'The author has withdrawn this post.');
        await setPostStatus(tx, post.id, 'removed', reason);
        await adjustCountsForStatusChange(tx, post, post.status, 'removed');
        await q.resolveOpenFlags(tx, post.id, 'removed');
        await q.insertLogEntry(tx, {
          communityId: community.id,
          actorId: me.id,
          action: 'post.remove',
          targetType: 'post',
          targetId: post.id,
          reason,
          // `before` is what restore puts back.
          before: { status: post.status, statusReason: post.statusReason },
          after: { status: 'removed', statusReason: reason },
        });
        await recordEvent(tx, { communityId: community.id, topicId: post.topicId, name: 'post.removed', data: await postEventData(tx, post.id) });
        return moderated(post, 'removed', reason);
      });
    },

    async restore(actor: Actor | null, postId: string) {
      return db.transaction(async (tx) => {
        const { post, community, actor: me } = await requirePost(tx, actor, postId, ['moderation.restore'], true);
        if (post.status !== 'removed') throw conflict('not_removed', 'This post is not removed.');
        const removal = await q.latestPostLogEntry(tx, post.id, 'post.remove');
        const kept = (removal?.before ?? null) as { status?: PostStatus; statusReason?: string | null } | null;
        // Exactly what was there before the removal. One exception: a post hidden by flags is restored as
        // published — the restore is the moderator's review, and the flags were resolved by the removal.
        let status: PostStatus = kept?.status ?? 'published';
        if (status === 'hidden' || status === 'removed') status = 'published';
        const statusReason = kept?.statusReason ?? null;
        await setPostStatus(tx, post.id, status, statusReason);
        await adjustCountsForStatusChange(tx, post, 'removed', status);
        await q.insertLogEntry(tx, {
          communityId: community.id,
          actorId: me.id,
          action: 'post.restore',
          targetType: 'post',
          targetId: post.id,
          before: { status: 'removed', statusReason: post.statusReason },
          after: { status, statusReason },
        });
        await recordEvent(tx, { communityId: community.id, topicId: post.topicId, name: 'post.restored', data: await postEventData(tx, post.id) });
        return moderated(post, status, statusReason);
      });
    },

    /**
     * Removes a topic (its title, text, prompts and discussion) from members' view: they see a placeholder, its
     * author and moderators the content with the reason. Nothing is deleted; restoreTopic puts it back.
     */
    async removeTopic(actor: Actor | null, topicId: string, reason: string) {
      requireText('reason', reason);
      return db.transaction(async (tx) => {
        const { topic, community, actor: me } = await requireTopicFor(tx, actor, topicId, ['moderation.remove']);
        if (topic.moderationStatus === 'removed') throw conflict('already_removed', 'This topic is already removed.');
        const previousReason = (await findTopicWithCounts(tx, topic.id))!.moderationReason;
        await q.setTopicModeration(tx, topic.id, 'removed', { reason });
        await q.resolveOpenTopicFlags(tx, topic.id, 'removed');
        await q.insertLogEntry(tx, {
          communityId: community.id,
          actorId: me.id,
          action: 'topic.remove',
          targetType: 'topic',
          targetId: topic.id,
          reason,
          // `before` is what restore puts back.
          before: { moderationStatus: topic.moderationStatus, moderationReason: previousReason },
          after: { moderationStatus: 'removed', moderationReason: reason },
        });
        await recordTopicUpdated(tx, community.id, topic.id, 'topic.removed');
        return moderatedTopic(topic, 'removed', reason);
      });
    },

    async restoreTopic(actor: Actor | null, topicId: string) {
      return db.transaction(async (tx) => {
        const { topic, community, actor: me } = await requireTopicFor(tx, actor, topicId, ['moderation.restore']);
        if (topic.moderationStatus !== 'removed') throw conflict('not_removed', 'This topic is not removed.');
        const currentReason = (await findTopicWithCounts(tx, topic.id))!.moderationReason;
        const removal = await q.latestTopicLogEntry(tx, topic.id, 'topic.remove');
        const kept = (removal?.before ?? null) as { moderationStatus?: TopicModerationStatus; moderationReason?: string | null } | null;
        // Exactly what was there before the removal; a topic hidden by flags comes back published (the restore
        // is the moderator's review, and the removal resolved the flags), as a post does.
        let status: TopicModerationStatus = kept?.moderationStatus ?? 'published';
        if (status === 'hidden' || status === 'removed') status = 'published';
        const restoredReason = kept?.moderationReason ?? null;
        await q.setTopicModeration(tx, topic.id, status, { reason: restoredReason });
        await q.insertLogEntry(tx, {
          communityId: community.id,
          actorId: me.id,
          action: 'topic.restore',
          targetType: 'topic',
          targetId: topic.id,
          before: { moderationStatus: 'removed', moderationReason: currentReason },
          after: { moderationStatus: status, moderationReason: restoredReason },
        });
        await recordTopicUpdated(tx, community.id, topic.id, 'topic.restored');
        return moderatedTopic(topic, status, restoredReason);
      });
    },

    /** Publishes a topic held for approval; it then sorts as new activity in the topic list. */
    async approveTopic(actor: Actor | null, topicId: string) {
      return db.transaction(async (tx) => {
        const { topic, community, actor: me } = await requireTopicFor(tx, actor, topicId, ['moderation.approve']);
        if (topic.moderationStatus !== 'pending') throw conflict('not_pending', 'This topic is not waiting for approval.');
        await q.setTopicModeration(tx, topic.id, 'published', { reason: null, touchActivity: true });
        await q.insertLogEntry(tx, {
          communityId: community.id,
          actorId: me.id,
          action: 'topic.approve',
          targetType: 'topic',
          targetId: topic.id,
          before: { moderationStatus: 'pending' },
          after: { moderationStatus: 'published' },
        });
        await recordTopicUpdated(tx, community.id, topic.id, 'topic.approved');
        return moderatedTopic(topic, 'published', null);
      });
    },

    async approve(actor: Actor | null, postId: string) {
      return db.transaction(async (tx) => {
        const { post, community, actor: me } = await requirePost(tx, actor, postId, ['moderation.approve'], true);
        if (post.status !== 'pending') throw conflict('not_pending', 'This post is not waiting for approval.');
        await setPostStatus(tx, post.id, 'published', null);
        // Approval is when the post becomes activity everyone sees: it counts, and bumps last activity.
        await adjustCountsForStatusChange(tx, post, 'pending', 'published', { touchActivity: true });
        await q.insertLogEntry(tx, {
          communityId: community.id,
          actorId: me.id,
          action: 'post.approve',
          targetType: 'post',
          targetId: post.id,
          before: { status: 'pending' },
          after: { status: 'published' },
        });
        await recordEvent(tx, { communityId: community.id, topicId: post.topicId, name: 'post.approved', data: await postEventData(tx, post.id) });
        return moderated(post, 'published', null);
      });
    },

    /** A private note to the author. There is no messaging system: the note lives in the audit log
     *  (after.message) and the author reads it with GET /api/posts/:postId/author-notes. */
    async noteAuthor(actor: Actor | null, postId: string, message: string) {
      requireText('message', message);
      return db.transaction(async (tx) => {
        const { post, community, actor: me } = await requirePost(tx, actor, postId, ['moderation.noteAuthor'], true);
        const id = await q.insertLogEntry(tx, {
          communityId: community.id,
          actorId: me.id,
          action: 'post.author_note',
          targetType: 'post',
          targetId: post.id,
          after: { message, authorId: post.authorId },
        });
        return { id: String(id), message, createdAt: new Date().toISOString(), sentBy: { id: me.id, displayName: me.displayName } };
      });
    },

    async listAuthorNotes(actor: Actor | null, postId: string) {
      const { actor: me, membership, post } = await requirePost(db, actor, postId, ['post.readModerationNotes']);
      // Moderators see who wrote each note; the author sees "a moderator".
      const showSender = me.isAdmin || (membership?.roles.includes('moderator') ?? false);
      const rows = await q.listAuthorNotes(db, post.id);
      return rows.map((r) => ({
        id: String(r.id),
        message: String((r.after as { message?: unknown } | null)?.message ?? ''),
        createdAt: r.createdAt.toISOString(),
        sentBy: showSender && r.actorId ? { id: r.actorId, displayName: r.actorName ?? '' } : null,
      }));
    },

    // ---------------- Queue ----------------

    async counts(actor: Actor | null, communityId: string) {
      await requireCommunity(db, actor, communityId, 'moderation.queue');
      return q.moderationCounts(db, communityId);
    },

    async queue(actor: Actor | null, communityId: string, limit = 50) {
      await requireCommunity(db, actor, communityId, 'moderation.queue');
      const flagged = await q.listFlaggedPosts(db, communityId, limit);
      const pending = await q.listPendingPosts(db, communityId, limit);
      const flagRows = await q.listOpenFlagsForPosts(db, flagged.map((p) => p.id));
      const flaggedTopics = await q.listFlaggedTopics(db, communityId, limit);
      const pendingTopics = await q.listPendingTopics(db, communityId, limit);
      const topicFlagRows = await q.listOpenFlagsForTopics(db, flaggedTopics.map((t) => t.id));
      const authorIds = [...new Set([...flagged, ...pending, ...flaggedTopics, ...pendingTopics].map((p) => p.authorId))];
      const histories = await q.authorHistories(db, communityId, authorIds);
      const counts = await q.moderationCounts(db, communityId);

      const presentPost = (p: (typeof flagged)[number]) => ({
        id: p.id,
        status: p.status,
        bodyMd: p.bodyMd,
        bodyHtml: p.bodyHtml,
        createdAt: p.createdAt.toISOString(),
        topic: { id: p.topicId, title: p.topicTitle },
        parent: p.parentId ? { id: p.parentId, excerpt: p.parentBody ?? '', authorName: p.parentAuthorName ?? '' } : null,
      });
      const presentAuthor = (p: { authorId: string; authorName: string; status?: PostStatus; moderationStatus?: TopicModerationStatus }) => {
        const h = histories.get(p.authorId)!;
        return {
          id: p.authorId,
          displayName: p.authorName,
          // "Earlier": not counting this post or topic if it is itself removed.
          earlierRemovals: Math.max(0, h.removedCount - (p.status === 'removed' || p.moderationStatus === 'removed' ? 1 : 0)),
          suspension: h.suspension ? { reason: h.suspension.reason, until: iso(h.suspension.until) } : null,
        };
      };
      const presentTopic = (t: (typeof flaggedTopics)[number]) => ({
        id: t.id,
        kind: t.kind,
        title: t.title,
        moderationStatus: t.moderationStatus,
        bodyMd: t.bodyMd,
        bodyHtml: t.bodyHtml,
        prompts: t.prompts,
        createdAt: t.createdAt.toISOString(),
      });
      const presentFlag = (f: { id: string; reason: FlagReason; note: string | null; createdAt: Date; flaggerId: string; flaggerName: string }) => ({
        id: f.id,
        reason: f.reason,
        note: f.note,
        createdAt: f.createdAt.toISOString(),
        flagger: { id: f.flaggerId, displayName: f.flaggerName },
      });
      return {
        flagged: flagged.map((p) => ({
          post: presentPost(p),
          author: presentAuthor(p),
          flags: flagRows
            .filter((f) => f.postId === p.id)
            .map((f) => ({
              id: f.id,
              reason: f.reason,
              note: f.note,
              createdAt: f.createdAt.toISOString(),
              flagger: { id: f.flaggerId, displayName: f.flaggerName },
            })),
        })),
        pending: pending.map((p) => ({ post: presentPost(p), author: presentAuthor(p) })),
        flaggedTopics: flaggedTopics.map((t) => ({
          topic: presentTopic(t),
          author: presentAuthor(t),
          flags: topicFlagRows.filter((f) => f.topicId === t.id).map(presentFlag),
        })),
        pendingTopics: pendingTopics.map((t) => ({ topic: presentTopic(t), author: presentAuthor(t) })),
        counts,
      };
    },

    // ---------------- Watched words ----------------

    async getWatchedWords(actor: Actor | null, communityId: string) {
      await requireCommunity(db, actor, communityId, 'settings.read');
      return { words: await listWatchedWords(db, communityId) };
    },

    async setWatchedWords(actor: Actor | null, communityId: string, words: Array<{ phrase: string; action: 'block' | 'hold' }>) {
      const seen = new Map<string, number>();
      // Each phrase is stored exactly as sent: whitespace around or inside it only matters for matching,
      // where any run of whitespace matches any other (watched-words.ts).
      const cleaned = words.map((w, i) => {
        const phrase = w.phrase;
        if (!phraseMatcher(phrase)) throw invalid(`words.${i}.phrase`, 'A watched phrase needs at least one visible character.', 'empty_text');
        const key = phraseKey(phrase);
        if (seen.has(key)) {
          throw invalid(`words.${i}.phrase`, `"${phrase}" is the same phrase as entry ${seen.get(key)! + 1} (ignoring case and width).`, 'duplicate_phrase');
        }
        seen.set(key, i);
        return { phrase, action: w.action };
      });
      return db.transaction(async (tx) => {
        const { actor: me } = await requireCommunity(tx, actor, communityId, 'settings.write');
        const before = await listWatchedWords(tx, communityId);
        if (JSON.stringify(before) === JSON.stringify(cleaned)) return { words: cleaned }; // unchanged: nothing to log
        await q.replaceWatchedWords(tx, communityId, cleaned);
        await q.insertLogEntry(tx, {
          communityId,
          actorId: me.id,
          action: 'watched_words.update',
          targetType: 'community',
          targetId: communityId,
          before: { words: before },
          after: { words: cleaned },
        });
        return { words: cleaned };
      });
    },

    // ---------------- Settings ----------------

    async getSettings(actor: Actor | null, communityId: string) {
      const { community } = await requireCommunity(db, actor, communityId, 'settings.read');
      return { autoHideThreshold: community.autoHideThreshold, premodNewMemberPosts: community.premodNewMemberPosts };
    },

    /** Note: lowering the threshold does not hide posts already over it; they are in the queue anyway. */
    async updateSettings(actor: Actor | null, communityId: string, patch: { autoHideThreshold?: number | undefined; premodNewMemberPosts?: number | undefined }) {
      return db.transaction(async (tx) => {
        const { actor: me } = await requireCommunity(tx, actor, communityId, 'settings.write');
        const current = (await q.findSettingsForUpdate(tx, communityId))!;
        const changes: { autoHideThreshold?: number; premodNewMemberPosts?: number } = {};
        if (patch.autoHideThreshold !== undefined && patch.autoHideThreshold !== current.autoHideThreshold) changes.autoHideThreshold = patch.autoHideThreshold;
        if (patch.premodNewMemberPosts !== undefined && patch.premodNewMemberPosts !== current.premodNewMemberPosts) changes.premodNewMemberPosts = patch.premodNewMemberPosts;
        if (Object.keys(changes).length === 0) return current; // nothing changed: nothing to log
        const updated = await q.updateSettings(tx, communityId, changes);
        const before = Object.fromEntries(Object.keys(changes).map((k) => [k, current[k as keyof typeof current]]));
        await q.insertLogEntry(tx, {
          communityId,
          actorId: me.id,
          action: 'settings.update',
          targetType: 'community',
          targetId: communityId,
          before,
          after: changes,
        });
        return updated;
      });
    },

    // ---------------- Suspensions ----------------

    async suspend(actor: Actor | null, communityId: string, userId: string, input: { reason: string; until?: string | undefined }) {
      requireText('reason', input.reason);
      const until = input.until ? new Date(input.until) : null;
      if (until && until.getTime() <= Date.now()) throw invalid('until', 'until must be in the future.');
      return db.transaction(async (tx) => {
        const { actor: me } = await requireCommunity(tx, actor, communityId, 'moderation.suspend');
        if (userId === me.id) throw new AppError(409, 'cannot_suspend_self', 'You cannot suspend yourself.');
        if (!(await q.findActiveMembershipForUpdate(tx, communityId, userId))) throw notFound('Member');
        // PUT replaces: an active suspension is lifted and the new one takes its place (both stay on record).
        const active = await q.findActiveSuspensions(tx, communityId, userId);
        await q.liftSuspensions(tx, active.map((s) => s.id));
        const row = await q.insertSuspension(tx, { communityId, userId, reason: input.reason, until, createdBy: me.id });
        const previous = active[0];
        await q.insertLogEntry(tx, {
          communityId,
          actorId: me.id,
          action: 'member.suspend',
          targetType: 'member',
          targetId: userId,
          reason: input.reason,
          before: previous ? { suspended: true, until: iso(previous.until), reason: previous.reason } : { suspended: false },
          after: { suspended: true, until: iso(until) },
        });
        // The live feature drops the member's write abilities / subscriptions on this event.
        await recordEvent(tx, { communityId, name: 'member.suspended', data: { userId, until: iso(until) } });
        return { id: row.id, userId, reason: row.reason, until: iso(row.until), createdAt: row.createdAt.toISOString() };
      });
    },

    async lift(actor: Actor | null, communityId: string, userId: string) {
      return db.transaction(async (tx) => {
        const { actor: me } = await requireCommunity(tx, actor, communityId, 'moderation.suspend');
        if (!(await q.findActiveMembershipForUpdate(tx, communityId, userId))) throw notFound('Member');
        const active = await q.findActiveSuspensions(tx, communityId, userId);
        if (active.length === 0) throw conflict('not_suspended', 'This member is not suspended.');
        await q.liftSuspensions(tx, active.map((s) => s.id));
        await q.insertLogEntry(tx, {
          communityId,
          actorId: me.id,
          action: 'member.unsuspend',
          targetType: 'member',
          targetId: userId,
          before: { suspended: true, until: iso(active[0]!.until), reason: active[0]!.reason },
          after: { suspended: false },
        });
        await recordEvent(tx, { communityId, name: 'member.unsuspended', data: { userId } });
      });
    },

    // ---------------- Topics ----------------

    async moderateTopic(actor: Actor | null, topicId: string, input: { locked?: boolean | undefined; closed?: boolean | undefined; pinned?: boolean | undefined }) {
      return db.transaction(async (tx) => {
        const topic = await findTopic(tx, topicId, { lock: 'update' });
        if (!topic) {
          authorize(actor, 'community.read', {});
          throw notFound('Topic');
        }
        const community = (await findCommunity(tx, topic.communityId))!;
        const membership = actor ? await findMembership(tx, community.id, actor.id) : null;
        const ctx: PolicyContext = { community, membership, topic: topicContext(topic) };
        const me = authorize(actor, 'topic.moderate', ctx);
        const updated = await applyTopicModeration(tx, me, topic, input);
        if (updated.changed) await recordTopicUpdated(tx, community.id, topic.id);
        return presentTopicModeration(updated.topic);
      });
    },

    // ---------------- Audit log ----------------

    async log(actor: Actor | null, communityId: string, query: { cursor?: string | undefined; action?: string | undefined; memberId?: string | undefined; limit?: number | undefined }) {
      await requireCommunity(db, actor, communityId, 'moderation.log');
      const limit = query.limit ?? MODERATION_LIMITS.logPageDefault;
      const rows = await q.listLogEntries(db, communityId, {
        beforeId: query.cursor !== undefined ? Number(query.cursor) : undefined,
        action: query.action,
        memberId: query.memberId,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      return {
        items: page.map((r) => ({
          id: String(r.id),
          action: r.action,
          actor: r.actorId ? { id: r.actorId, displayName: r.actorName ?? '' } : null,
          targetType: r.targetType,
          targetId: r.targetId,
          reason: r.reason,
          before: r.before,
          after: r.after,
          createdAt: r.createdAt.toISOString(),
        })),
        nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null,
      };
    },
  };
}

export type ModerationService = ReturnType<typeof createModerationService>;
