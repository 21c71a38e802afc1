// Members flag posts; at the community's threshold of distinct flaggers a post is hidden until a moderator
// reviews it, and a moderator may dismiss the flags (keeping the post). Topic flags: topics/moderation.ts.
import type { PostStatus } from '../../db/schema.js';
import { conflict } from '../../errors.js';
import type { Actor } from '../../policy/policy.js';
import type { FlagReason } from '../../../shared/schemas/moderation.js';
import { createPostGate, moderated, requireText, type ModerationDeps } from './context.js';
import * as q from './queries.js';

export function createFlagActions(deps: ModerationDeps) {
  const { db, posts, status: content, audit, outbox } = deps;
  const requirePost = createPostGate(deps);
  return {
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
          await content.changePostStatus(tx, post, post.status, 'hidden', { statusReason: post.statusReason });
          await audit.insertLogEntry(tx, {
            communityId: community.id,
            actorId: null, // the system acted, on members' flags
            action: 'post.auto_hide',
            targetType: 'post',
            targetId: post.id,
            reason: `${flaggers} members flagged this post (threshold ${community.autoHideThreshold}).`,
            before: { status: post.status },
            after: { status: 'hidden' },
          });
          await outbox.recordEvent(tx, { communityId: community.id, topicId: post.topicId, name: 'post.updated', data: await posts.eventSnapshot(tx, post.id) });
        }
        return { id: flag.id, postId: post.id, reason: flag.reason, note: flag.note, createdAt: flag.createdAt.toISOString() };
      });
    },

    async dismissFlags(actor: Actor | null, postId: string) {
      return db.transaction(async (tx) => {
        const { post, community, actor: me } = await requirePost(tx, actor, postId, ['moderation.dismissFlags'], true);
        const resolved = await q.resolveOpenFlags(tx, post.id, 'kept');
        if (resolved === 0) throw conflict('no_open_flags', 'This post has no open flags.');
        // Kept: a post hidden by flags goes back to what members saw.
        const status: PostStatus = post.status === 'hidden' ? 'published' : post.status;
        if (status !== post.status) await content.changePostStatus(tx, post, post.status, status, { statusReason: post.statusReason });
        await audit.insertLogEntry(tx, {
          communityId: community.id,
          actorId: me.id,
          action: 'flags.dismiss',
          targetType: 'post',
          targetId: post.id,
          before: { status: post.status, openFlags: resolved },
          after: { status, openFlags: 0 },
        });
        if (status !== post.status) {
          await outbox.recordEvent(tx, { communityId: community.id, topicId: post.topicId, name: 'post.updated', data: await posts.eventSnapshot(tx, post.id) });
        }
        return moderated(post, status, post.statusReason);
      });
    },
  };
}
