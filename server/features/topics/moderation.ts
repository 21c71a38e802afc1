// Moderation of topics (a topic is content too: its title, text and prompts): flags and auto-hide, removal
// and restore, approval of a held topic, lock/close/pin, and holds from watched words. The same rules as
// for posts (moderation/post-actions.ts): every action runs in ONE transaction that changes the rows,
// appends exactly one audit-log row and records the live event.
import type { Db, DbOrTx } from '../../db/client.js';
import type { TopicModerationStatus } from '../../db/schema.js';
import { conflict, invalid, notFound } from '../../errors.js';
import { authorize, topicContext, type Action, type Actor, type PolicyContext } from '../../policy/policy.js';
import type { FlagReason } from '../../../shared/schemas/moderation.js';
import type { AuditLogDeps, CommunityAccessDeps, OutboxDeps, TopicAccessDeps } from '../../domain/deps.js';
import type { TopicCore } from '../../domain/topic-access.js';
import { presentTopicSummary } from './present.js';
import * as q from './queries.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export interface TopicModerationInput {
  locked?: boolean | undefined;
  closed?: boolean | undefined;
  pinned?: boolean | undefined;
}

export interface TopicModerationDeps {
  db: Db;
  communities: Pick<CommunityAccessDeps, 'findCommunity' | 'findMembership'>;
  topics: Pick<TopicAccessDeps, 'findTopic'>;
  audit: Pick<AuditLogDeps, 'insertLogEntry' | 'latestLogEntry'>;
  outbox: Pick<OutboxDeps, 'recordEvent'>;
}

/** Non-blank after trimming, or 400 naming the field. */
function requireText(field: string, value: string): string {
  if (value.trim() === '') throw invalid(field, `${field} must not be blank.`, 'empty_text');
  return value;
}

const moderatedTopic = (topic: Pick<TopicCore, 'id' | 'communityId'>, moderationStatus: TopicModerationStatus, moderationReason: string | null) => ({
  id: topic.id,
  communityId: topic.communityId,
  moderationStatus,
  moderationReason,
});

const presentTopicModeration = (t: { id: string; lockedAt: Date | null; closedAt: Date | null; pinned: boolean }) => ({
  id: t.id,
  lockedAt: iso(t.lockedAt),
  closedAt: iso(t.closedAt),
  pinned: t.pinned,
});

/** The steps the topics service shares with the moderation actions (edits that trip a hold, lock/close/pin). */
export function createTopicModerationSteps({ audit, outbox }: Pick<TopicModerationDeps, 'audit' | 'outbox'>) {
  /** Every hold is a moderation action too: the audit log records it, with no human actor. */
  const logTopicHold = (tx: DbOrTx, communityId: string, topicId: string, reason: string) =>
    audit.insertLogEntry(tx, { communityId, actorId: null, action: 'topic.hold', targetType: 'topic', targetId: topicId, reason, after: { moderationStatus: 'pending' } });

  return {
    logTopicHold,

    /**
     * An edit of a topic that trips a 'hold' rule takes a published topic back to review, as an edit does a post
     * (a held, hidden or removed one stays as it is). Call with the topic row locked, before recording topic.updated.
     */
    async holdTopicEdit(tx: DbOrTx, topic: Pick<TopicCore, 'id' | 'communityId' | 'moderationStatus'>, reason: string) {
      if (topic.moderationStatus !== 'published') return;
      await q.setTopicModeration(tx, topic.id, 'pending');
      await logTopicHold(tx, topic.communityId, topic.id, reason);
    },

    /**
     * THE lock/close/pin use case, shared by PATCH /api/topics/:id/moderation and PATCH /api/topics/:id:
     * applies what changes and appends ONE audit-log row for it (nothing when it is already so).
     * The caller has authorised 'topic.moderate', holds the topic row lock (`topic` loaded for update) and,
     * when `changed`, records topic.updated with recordTopicUpdated().
     */
    async applyTopicModeration(tx: DbOrTx, me: Actor, topic: TopicCore, input: TopicModerationInput) {
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
      await audit.insertLogEntry(tx, { communityId: topic.communityId, actorId: me.id, action: 'topic.moderate', targetType: 'topic', targetId: topic.id, before, after });
      return { changed: true, topic: { ...topic, ...updated } };
    },

    /**
     * topic.updated (or another topic.* event) with the topic-list shape the REST API returns (no per-viewer unread
     * count), as its author and moderators see it: the live filter shows others the placeholder of a hidden or
     * removed topic and nothing of a held one (domain/visibility.ts canSeeTopicContent, the policy's topic.read).
     */
    async recordTopicUpdated(tx: DbOrTx, communityId: string, topicId: string, name: 'topic.updated' | 'topic.removed' | 'topic.restored' | 'topic.approved' = 'topic.updated') {
      const summary = presentTopicSummary((await q.findTopicWithCounts(tx, topicId))!, { forViewer: false });
      await outbox.recordEvent(tx, { communityId, topicId, name, data: summary });
    },
  };
}

export type TopicModerationSteps = ReturnType<typeof createTopicModerationSteps>;

export function createTopicModerationService(deps: TopicModerationDeps) {
  const { db, communities, topics, audit } = deps;
  const { applyTopicModeration, recordTopicUpdated } = createTopicModerationSteps(deps);

  /** The topic a moderation action is about (row locked for the transaction), authorised for `actions`. */
  async function requireTopicFor(tx: DbOrTx, actor: Actor | null, topicId: string, actions: Action[]) {
    const topic = await topics.findTopic(tx, topicId, { lock: 'update' });
    if (!topic) {
      authorize(actor, 'community.read', {}); // anonymous: 401 rather than 404
      throw notFound('Topic');
    }
    const community = (await communities.findCommunity(tx, topic.communityId))!;
    const membership = actor ? await communities.findMembership(tx, community.id, actor.id) : null;
    const ctx: PolicyContext = { community, membership, topic: topicContext(topic) };
    let me: Actor | null = actor;
    for (const action of actions) me = authorize(me, action, ctx);
    return { topic, community, actor: me! };
  }

  return {
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
          await audit.insertLogEntry(tx, {
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
        await audit.insertLogEntry(tx, {
          communityId: community.id,
          actorId: me.id,
          action: 'flags.dismiss',
          targetType: 'topic',
          targetId: topic.id,
          before: { moderationStatus: topic.moderationStatus, openFlags: resolved },
          after: { moderationStatus: status, openFlags: 0 },
        });
        if (status !== topic.moderationStatus) await recordTopicUpdated(tx, community.id, topic.id);
        const reason = (await q.findTopicWithCounts(tx, topic.id))!.moderationReason;
        return moderatedTopic(topic, status, reason);
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
        const previousReason = (await q.findTopicWithCounts(tx, topic.id))!.moderationReason;
        await q.setTopicModeration(tx, topic.id, 'removed', { reason });
        await q.resolveOpenTopicFlags(tx, topic.id, 'removed');
        await audit.insertLogEntry(tx, {
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
        const currentReason = (await q.findTopicWithCounts(tx, topic.id))!.moderationReason;
        const removal = await audit.latestLogEntry(tx, { type: 'topic', id: topic.id }, 'topic.remove');
        const kept = (removal?.before ?? null) as { moderationStatus?: TopicModerationStatus; moderationReason?: string | null } | null;
        // Exactly what was there before the removal; a topic hidden by flags comes back published (the restore
        // is the moderator's review, and the removal resolved the flags), as a post does.
        let status: TopicModerationStatus = kept?.moderationStatus ?? 'published';
        if (status === 'hidden' || status === 'removed') status = 'published';
        const restoredReason = kept?.moderationReason ?? null;
        await q.setTopicModeration(tx, topic.id, status, { reason: restoredReason });
        await audit.insertLogEntry(tx, {
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
        await audit.insertLogEntry(tx, {
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

    async moderateTopic(actor: Actor | null, topicId: string, input: TopicModerationInput) {
      return db.transaction(async (tx) => {
        const topic = await topics.findTopic(tx, topicId, { lock: 'update' });
        if (!topic) {
          authorize(actor, 'community.read', {});
          throw notFound('Topic');
        }
        const community = (await communities.findCommunity(tx, topic.communityId))!;
        const membership = actor ? await communities.findMembership(tx, community.id, actor.id) : null;
        const ctx: PolicyContext = { community, membership, topic: topicContext(topic) };
        const me = authorize(actor, 'topic.moderate', ctx);
        const updated = await applyTopicModeration(tx, me, topic, input);
        if (updated.changed) await recordTopicUpdated(tx, community.id, topic.id);
        return presentTopicModeration(updated.topic);
      });
    },
  };
}

export type TopicModerationService = ReturnType<typeof createTopicModerationService>;
