// What moderators review: the queue (flagged and held posts and topics, with each author's history), its
// counts, and the audit log.
import type { PostStatus, TopicModerationStatus } from '../../db/schema.js';
import type { Actor } from '../../policy/policy.js';
import { MODERATION_LIMITS, type FlagReason } from '../../../shared/schemas/moderation.js';
import { iso, type ModerationDeps } from './context.js';
import * as logQueries from './log-queries.js';
import * as q from './queries.js';

/** Fields of a log entry's before/after that hold a user id (a note names the post's author). */
const PERSON_FIELDS = ['authorId', 'userId', 'memberId'];
function personIds(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [];
  return PERSON_FIELDS.map((k) => (value as Record<string, unknown>)[k]).filter((v): v is string => typeof v === 'string');
}

export function createReview({ db, communities, users }: Pick<ModerationDeps, 'db' | 'communities' | 'users'>) {
  return {
    async counts(actor: Actor | null, communityId: string) {
      await communities.requireCommunity(db, actor, communityId, 'moderation.queue');
      return q.moderationCounts(db, communityId);
    },

    async queue(actor: Actor | null, communityId: string, limit = 50) {
      await communities.requireCommunity(db, actor, communityId, 'moderation.queue');
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

    async log(actor: Actor | null, communityId: string, query: { cursor?: string | undefined; action?: string | undefined; memberId?: string | undefined; limit?: number | undefined }) {
      await communities.requireCommunity(db, actor, communityId, 'moderation.log');
      const limit = query.limit ?? MODERATION_LIMITS.logPageDefault;
      const rows = await logQueries.listLogEntries(db, communityId, {
        beforeId: query.cursor !== undefined ? Number(query.cursor) : undefined,
        action: query.action,
        memberId: query.memberId,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      // Names instead of ids: the members acted on and the people named in before/after (a note's author);
      // posts and topics by title, with the topic to link to.
      const idsOf = (type: string) => page.filter((r) => r.targetType === type).map((r) => r.targetId);
      const mentioned = page.flatMap((r) => [r.before, r.after].flatMap((v) => personIds(v)));
      const [names, targets] = await Promise.all([
        users.displayNames(db, [...idsOf('member'), ...idsOf('user'), ...mentioned]),
        logQueries.logTargets(db, communityId, idsOf('post'), idsOf('topic')),
      ]);
      const target = (type: string, id: string) => {
        if (type === 'post') {
          const p = targets.posts.get(id);
          return { name: p?.title ?? null, topicId: p?.topicId ?? null, postId: p ? id : null };
        }
        if (type === 'topic') {
          const title = targets.topics.get(id);
          return { name: title ?? null, topicId: title === undefined ? null : id, postId: null };
        }
        return { name: names.get(id) ?? null, topicId: null, postId: null };
      };
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
          target: target(r.targetType, r.targetId),
          names: Object.fromEntries([r.before, r.after].flatMap((v) => personIds(v)).flatMap((id) => (names.has(id) ? [[id, names.get(id)!]] : []))),
        })),
        nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null,
      };
    },
  };
}
