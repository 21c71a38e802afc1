// A moderator's actions on one post: remove (reversible) and restore, approve a held post, and private
// notes to its author. Each runs in ONE transaction: rows, exactly one audit-log row, then the live event.
import type { PostStatus } from '../../db/schema.js';
import { conflict } from '../../errors.js';
import { can, type Actor } from '../../policy/policy.js';
import { createPostGate, moderated, requireText, type ModerationDeps } from './context.js';
import * as logQueries from './log-queries.js';
import * as q from './queries.js';

export function createPostActions(deps: ModerationDeps) {
  const { db, posts, topics, status: content, audit, outbox } = deps;
  const requirePost = createPostGate(deps);
  return {
    async remove(actor: Actor | null, postId: string, reason: string) {
      requireText('reason', reason);
      return db.transaction(async (tx) => {
        const { post, community, actor: me } = await requirePost(tx, actor, postId, ['moderation.remove'], true);
        if (post.status === 'removed') throw conflict('already_removed', 'This post is already removed.');
        if (post.status === 'withdrawn') throw conflict('post_withdrawn', 'The author has withdrawn this post.');
        await content.changePostStatus(tx, post, post.status, 'removed', { statusReason: reason });
        await q.resolveOpenFlags(tx, post.id, 'removed');
        await audit.insertLogEntry(tx, {
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
        await outbox.recordEvent(tx, { communityId: community.id, topicId: post.topicId, name: 'post.removed', data: await posts.eventSnapshot(tx, post.id) });
        return moderated(post, 'removed', reason);
      });
    },

    async restore(actor: Actor | null, postId: string) {
      return db.transaction(async (tx) => {
        const { post, community, actor: me } = await requirePost(tx, actor, postId, ['moderation.restore'], true);
        if (post.status !== 'removed') throw conflict('not_removed', 'This post is not removed.');
        const removal = await audit.latestLogEntry(tx, { type: 'post', id: post.id }, 'post.remove');
        const kept = (removal?.before ?? null) as { status?: PostStatus; statusReason?: string | null } | null;
        // Exactly what was there before the removal. One exception: a post hidden by flags is restored as
        // published — the restore is the moderator's review, and the flags were resolved by the removal.
        let status: PostStatus = kept?.status ?? 'published';
        if (status === 'hidden' || status === 'removed') status = 'published';
        const statusReason = kept?.statusReason ?? null;
        await content.changePostStatus(tx, post, 'removed', status, { statusReason });
        await audit.insertLogEntry(tx, {
          communityId: community.id,
          actorId: me.id,
          action: 'post.restore',
          targetType: 'post',
          targetId: post.id,
          before: { status: 'removed', statusReason: post.statusReason },
          after: { status, statusReason },
        });
        await outbox.recordEvent(tx, { communityId: community.id, topicId: post.topicId, name: 'post.restored', data: await posts.eventSnapshot(tx, post.id) });
        return moderated(post, status, statusReason);
      });
    },

    async approve(actor: Actor | null, postId: string) {
      return db.transaction(async (tx) => {
        const { post, community, actor: me } = await requirePost(tx, actor, postId, ['moderation.approve'], true);
        if (post.status !== 'pending') throw conflict('not_pending', 'This post is not waiting for approval.');
        // Approval is when the post becomes activity everyone sees: it counts, and bumps last activity.
        await content.changePostStatus(tx, post, 'pending', 'published', { statusReason: null, touchActivity: true });
        await audit.insertLogEntry(tx, {
          communityId: community.id,
          actorId: me.id,
          action: 'post.approve',
          targetType: 'post',
          targetId: post.id,
          before: { status: 'pending' },
          after: { status: 'published' },
        });
        await outbox.recordEvent(tx, { communityId: community.id, topicId: post.topicId, name: 'post.approved', data: await posts.eventSnapshot(tx, post.id) });
        return moderated(post, 'published', null);
      });
    },

    /** A private note to the author. There is no messaging system: the note lives in the audit log
     *  (after.message) and the author reads it with GET /api/posts/:postId/author-notes. */
    async noteAuthor(actor: Actor | null, postId: string, message: string) {
      requireText('message', message);
      return db.transaction(async (tx) => {
        const { post, community, actor: me } = await requirePost(tx, actor, postId, ['moderation.noteAuthor'], true);
        const id = await audit.insertLogEntry(tx, {
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

    /** The notes on a topic's posts that this viewer may read (their own posts'; every post's for moderators),
     *  so the topic page shows each note on its post with one request. */
    async listTopicAuthorNotes(actor: Actor | null, topicId: string) {
      const access = await topics.requireTopic(db, actor, topicId, 'topic.read');
      const showSender = can(access.actor, 'moderation.noteAuthor', access.ctx);
      const rows = await logQueries.listTopicAuthorNotes(db, topicId);
      return rows
        .filter((r) => can(access.actor, 'post.readModerationNotes', { ...access.ctx, post: { authorId: r.postAuthorId } }))
        .map((r) => ({
          postId: r.postId,
          id: String(r.id),
          message: String((r.after as { message?: unknown } | null)?.message ?? ''),
          createdAt: r.createdAt.toISOString(),
          sentBy: showSender && r.actorId ? { id: r.actorId, displayName: r.actorName ?? '' } : null,
        }));
    },

    async listAuthorNotes(actor: Actor | null, postId: string) {
      const { actor: me, membership, post } = await requirePost(db, actor, postId, ['post.readModerationNotes']);
      // Moderators see who wrote each note; the author sees "a moderator".
      const showSender = me.isAdmin || (membership?.roles.includes('moderator') ?? false);
      const rows = await logQueries.listAuthorNotes(db, post.id);
      return rows.map((r) => ({
        id: String(r.id),
        message: String((r.after as { message?: unknown } | null)?.message ?? ''),
        createdAt: r.createdAt.toISOString(),
        sentBy: showSender && r.actorId ? { id: r.actorId, displayName: r.actorName ?? '' } : null,
      }));
    },
  };
}
