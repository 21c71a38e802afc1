// What every moderation action starts from: the post it is about (locked inside a write), its topic and
// community, the actor's membership and the policy check; and the small helpers the actions share.
import type { Db, DbOrTx } from '../../db/client.js';
import type { PostStatus } from '../../db/schema.js';
import { invalid, notFound } from '../../errors.js';
import { authorize, topicContext, type Action, type Actor, type PolicyContext } from '../../policy/policy.js';
import type { AuditLogDeps, CommunityAccessDeps, ContentStatusDeps, OutboxDeps, TopicAccessDeps, UsersDeps } from '../../domain/deps.js';
import type { PostService } from '../posts/service.js';
import * as q from './queries.js';

/** What the moderation service is built from (wired in server/services.ts). */
export interface ModerationDeps {
  db: Db;
  communities: Pick<CommunityAccessDeps, 'requireCommunity' | 'findCommunity' | 'findMembership'>;
  topics: Pick<TopicAccessDeps, 'findTopic' | 'requireTopic'>;
  /** post.* events carry the post as its author and moderators see it: the posts feature presents it. */
  posts: Pick<PostService, 'eventSnapshot'>;
  status: Pick<ContentStatusDeps, 'changePostStatus'>;
  audit: Pick<AuditLogDeps, 'insertLogEntry' | 'latestLogEntry'>;
  outbox: Pick<OutboxDeps, 'recordEvent'>;
  /** The audit log names people instead of showing their ids. */
  users: Pick<UsersDeps, 'displayNames'>;
}

export const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Non-blank after trimming, or 400 naming the field. */
export function requireText(field: string, value: string): string {
  if (value.trim() === '') throw invalid(field, `${field} must not be blank.`, 'empty_text');
  return value;
}

export type ModeratedPostRow = q.ModeratedPost;

export const moderated = (post: ModeratedPostRow, status: PostStatus, statusReason: string | null) => ({
  id: post.id,
  topicId: post.topicId,
  communityId: post.communityId,
  status,
  statusReason,
});

/**
 * Loads a post (locked for update when inside a write), its topic and community, the actor's membership,
 * and authorises `actions`. Unknown post → 404 (401 first for anonymous callers).
 */
export function createPostGate({ communities, topics }: Pick<ModerationDeps, 'communities' | 'topics'>) {
  return async function requirePost(tx: DbOrTx, actor: Actor | null, postId: string, actions: Action[], forUpdate = false) {
    const post = await q.findPost(tx, postId, forUpdate);
    if (!post) {
      authorize(actor, 'community.read', {}); // anonymous: 401 rather than 404
      throw notFound('Post');
    }
    const topic = (await topics.findTopic(tx, post.topicId))!;
    const community = (await communities.findCommunity(tx, post.communityId))!;
    const membership = actor ? await communities.findMembership(tx, community.id, actor.id) : null;
    const ctx: PolicyContext = { community, membership, post: { authorId: post.authorId }, topic: topicContext(topic) };
    let me: Actor | null = actor;
    for (const action of actions) me = authorize(me, action, ctx);
    return { post, topic, community, membership, actor: me! };
  };
}
