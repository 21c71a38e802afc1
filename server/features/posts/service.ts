// Replies: threaded posting with idempotent submits, optimistic-concurrency edits with revisions,
// withdrawal, helpful marks, and the paged post list of a topic.
import { createHash } from 'node:crypto';
import type { Db, DbOrTx } from '../../db/client.js';
import { AppError, conflict, invalid, notFound, unprocessable } from '../../errors.js';
import { authorize, can, type Action, type Actor } from '../../policy/policy.js';
import { LIMITS } from '../../../shared/limits.js';
import type { CreatePostBody, Post, UpdatePostBody } from '../../../shared/schemas/posts.js';
import { isUuid } from '../../../shared/schemas/common.js';
import { recordEvent } from '../live/events.js';
import { communityLiveCursor } from '../live/queries.js';
import { CURSOR_TIME, findPrompt, findTopic } from '../topics/queries.js';
import { assertTopicWritable, hiddenPromptIds, postViewerFor, renderField, requireTopic, topicContentVisible, type TopicAccess } from '../topics/service.js';
import { checkWatchedWords, needsPremoderation } from '../moderation/service.js';
import { insertLogEntry } from '../moderation/queries.js';
import { canSeePost, EVENT_VIEW, presentPost, type PostRow, type PostViewer } from './present.js';
import * as q from './queries.js';
import { enforcePostingLimit, type PostingLimits } from '../../domain/posting-limits.js';


export const encodePostCursor = (row: Pick<PostRow, 'cursorKey' | 'id'>) => Buffer.from(`${row.cursorKey}|${row.id}`, 'utf8').toString('base64url');

function decodePostCursor(cursor: string) {
  const [createdAt, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (extra !== undefined || !createdAt || !CURSOR_TIME.test(createdAt) || !id || !isUuid(id)) {
    throw invalid('cursor', 'The cursor is not valid.', 'invalid_cursor');
  }
  return { createdAt, id };
}

/** Whether the viewer may see this post at all (held posts, answer-first and scheduled prompts). */
function visibleTo(row: PostRow, viewer: PostViewer, hiddenPrompts: string[]) {
  return canSeePost(row, viewer) && (!row.promptId || row.authorId === viewer.userId || !hiddenPrompts.includes(row.promptId));
}

/**
 * Watched words, at the moment a post or an edit is written: a 'block' rule refuses it with 422
 * `watched_word_blocked` naming the phrase (the transaction rolls back, so nothing is written and an
 * Idempotency-Key is not consumed); a 'hold' rule returns the reason the post waits for a moderator.
 */
async function screenText(tx: DbOrTx, communityId: string, text: string): Promise<string | null> {
  const hit = await checkWatchedWords(tx, communityId, text);
  if (hit?.action === 'block') {
    throw new AppError(422, 'watched_word_blocked', `This community does not allow "${hit.phrase}". Please reword your post.`, { field: 'body', phrase: hit.phrase });
  }
  return hit?.action === 'hold' ? `watched word "${hit.phrase}"` : null;
}

/** Every hold is a moderation action too: the audit log records it, with no human actor. */
const logHold = (tx: DbOrTx, communityId: string, postId: string, reason: string) =>
  insertLogEntry(tx, { communityId, actorId: null, action: 'post.hold', targetType: 'post', targetId: postId, reason, after: { status: 'pending' } });

export interface CreatePostResult {
  statusCode: number;
  post: Post;
  /** True when an Idempotency-Key matched an earlier submit and its first response is returned. */
  replayed: boolean;
}

export function createPostService({ db, postingLimits = null }: { db: Db; postingLimits?: PostingLimits | null }) {
  /** Loads a post the actor can see and authorises `action` on it; otherwise 404 (or 401/403). */
  async function requirePost(actor: Actor | null, postId: string, action: Action) {
    const row = await q.findPostRow(db, postId, actor?.id ?? null);
    if (!row) {
      authorize(actor, 'community.read', {});
      throw notFound('Post');
    }
    const access = await requireTopic(db, actor, row.topicId, 'topic.read');
    const viewer = postViewerFor(access.actor, access.ctx);
    // The discussion of a hidden or removed topic goes out of members' sight with it.
    if (!topicContentVisible(access) || !visibleTo(row, viewer, await hiddenPromptIds(db, access))) throw notFound('Post');
    authorize(access.actor, action, { ...access.ctx, post: { authorId: row.authorId } });
    return { row, access, viewer };
  }

  /** Where a new reply goes: its prompt, its parent (capped depth) — or a 400 naming the bad field. */
  async function placeReply(tx: DbOrTx, access: TopicAccess, viewer: PostViewer, input: CreatePostBody) {
    const topicId = access.topic.id;
    const hidden = await hiddenPromptIds(tx, access);
    let promptId: string | null = null;
    if (input.promptId) {
      const prompt = await findPrompt(tx, input.promptId);
      const scheduled = !!prompt?.releaseAt && prompt.releaseAt > new Date();
      const reachable = prompt && prompt.topicId === topicId && (!scheduled || can(access.actor, 'prompt.readScheduled', access.ctx));
      if (!reachable) throw invalid('promptId', 'No such prompt in this topic.', 'unknown_prompt');
      promptId = prompt.id;
    }
    if (!input.parentId) return { parentId: null, promptId, depth: 0 };
    const parent = await q.findPostRow(tx, input.parentId, viewer.userId);
    if (!parent || parent.topicId !== topicId || !visibleTo(parent, viewer, hidden)) {
      throw invalid('parentId', 'No such post in this topic.', 'unknown_parent');
    }
    if (promptId && parent.promptId !== promptId) {
      throw invalid('promptId', 'A reply belongs to the prompt of the post it answers.', 'prompt_mismatch');
    }
    // Beyond the depth cap a reply becomes a sibling of its parent (attached to the deepest allowed ancestor).
    return parent.depth < LIMITS.replyDepthMax
      ? { parentId: parent.id, promptId: parent.promptId, depth: parent.depth + 1 }
      : { parentId: parent.parentId, promptId: parent.promptId, depth: parent.depth };
  }

  return {
    async list(actor: Actor | null, topicId: string, query: { cursor?: string | undefined; limit?: number | undefined }) {
      const liveCursor = isUuid(topicId) ? await communityLiveCursor(db, { topicId }) : 0; // before the data: see LiveCursor
      const access = await requireTopic(db, actor, topicId, 'topic.read');
      // A hidden or removed topic: members see its placeholder and none of its discussion (its author and
      // moderators see everything); restoring it brings the replies back as they were.
      if (!topicContentVisible(access)) return { items: [], nextCursor: null, liveCursor };
      const viewer = postViewerFor(access.actor, access.ctx);
      const limit = query.limit ?? LIMITS.pageSizeDefault;
      const rows = await q.listPostPage(db, {
        topicId,
        viewerId: access.actor.id,
        seesHidden: viewer.seesHidden,
        hiddenPromptIds: await hiddenPromptIds(db, access),
        after: query.cursor ? decodePostCursor(query.cursor) : undefined,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      return {
        items: page.map((r) => presentPost(r, viewer)).filter((p): p is Post => p !== null),
        nextCursor: rows.length > limit ? encodePostCursor(page[page.length - 1]!) : null,
        liveCursor,
      };
    },

    /**
     * Creates a reply. With an Idempotency-Key the key is claimed inside the same transaction (primary
     * key (user_id, key)): a retry — even a concurrent one — gets the first 201 response, never a second post.
     */
    async create(actor: Actor | null, topicId: string, input: CreatePostBody, idempotencyKey?: string): Promise<CreatePostResult> {
      const access = await requireTopic(db, actor, topicId, 'post.create');
      const me = access.actor;
      const viewer = postViewerFor(me, access.ctx);
      const bodyHtml = await renderField('body', input.body, LIMITS.postBodyMax);
      const requestHash = createHash('sha256')
        .update(JSON.stringify(['post.create', topicId, input.body, input.parentId ?? null, input.promptId ?? null]))
        .digest('hex');
      return db.transaction(async (tx) => {
        if (idempotencyKey && !(await q.claimIdempotencyKey(tx, me.id, idempotencyKey, requestHash))) {
          const prior = await q.findIdempotencyKey(tx, me.id, idempotencyKey);
          if (!prior || prior.requestHash !== requestHash) {
            throw unprocessable('idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
          }
          return { statusCode: prior.statusCode, post: prior.response as Post, replayed: true };
        }
        const { topic } = access;
        // Posting limits (429 posting_too_fast): after the key claim, so a retry of an accepted submit replays.
        await enforcePostingLimit(tx, postingLimits, 'post', me.id, () => needsPremoderation(tx, topic.communityId, me.id));
        assertTopicWritable(topic); // as loaded; checked again under the lock below
        const place = await placeReply(tx, access, viewer, input);
        // Held (pending) posts exist for their author and moderators only, until a moderator approves.
        const held =
          (await screenText(tx, topic.communityId, input.body)) ??
          ((await needsPremoderation(tx, topic.communityId, me.id)) ? 'new-member pre-moderation' : null);
        const status = held ? 'pending' : 'published';
        const postId = await q.insertPost(tx, {
          communityId: topic.communityId,
          topicId,
          authorId: me.id,
          ...place,
          bodyMd: input.body,
          bodyHtml,
          status,
        });
        await q.insertRevision(tx, { postId, version: 1, bodyMd: input.body, bodyHtml, editorId: me.id });
        if (held) await logHold(tx, topic.communityId, postId, held);
        const row = (await q.findPostRow(tx, postId, me.id))!;
        const post = presentPost(row, viewer)!;
        if (idempotencyKey) await q.completeIdempotencyKey(tx, me.id, idempotencyKey, 201, post);
        // The topic's row lock comes last: replies to one busy topic queue on it, so it is held for the last
        // three statements only (the rollup triggers are deferred to commit and take it after these).
        // Re-read under that lock — the one a close or lock of the topic also takes — neither can slip in
        // between this check and the commit.
        assertTopicWritable((await findTopic(tx, topicId, { lock: 'no key update' }))!);
        // A held post is not activity others can see: counts and last activity move on approval.
        await q.adjustCountsForStatusChange(tx, { id: postId, topicId, authorId: me.id }, null, status, { touchActivity: true, topicLocked: true });
        // Last write of the transaction: recordEvent holds the community's event-order lock until commit.
        await recordEvent(tx, { communityId: topic.communityId, topicId, name: 'post.created', data: presentPost(row, EVENT_VIEW) });
        return { statusCode: 201, post, replayed: false };
      });
    },

    /** Edits my post if `version` is current; the new text becomes the next revision. */
    async update(actor: Actor | null, postId: string, input: UpdatePostBody): Promise<Post> {
      const { row, viewer } = await requirePost(actor, postId, 'post.edit');
      const bodyHtml = await renderField('body', input.body, LIMITS.postBodyMax);
      return db.transaction(async (tx) => {
        // Post row, then topic row: the order in which moderation (and a status change's counters and
        // rollups) lock them. The topic is read under the lock a close or lock takes, as in create().
        const current = (await q.lockPost(tx, postId))!;
        const topic = (await findTopic(tx, row.topicId, { lock: 'no key update' }))!;
        if (current.status === 'withdrawn' || current.status === 'removed') {
          throw conflict('post_not_editable', `This post is ${current.status} and can no longer be edited.`);
        }
        assertTopicWritable(topic);
        if (current.version !== input.version) {
          throw conflict('version_conflict', 'This post was changed since you loaded it.', { currentVersion: current.version });
        }
        // An edit that trips a 'hold' rule takes a published post back to pending review.
        const hold = await screenText(tx, row.communityId, input.body);
        if (hold && current.status === 'published') {
          await q.setPostStatus(tx, postId, 'pending');
          await q.adjustCountsForStatusChange(tx, row, 'published', 'pending');
          await logHold(tx, row.communityId, postId, hold);
        }
        const updated = await q.updatePostBody(tx, postId, input.body, bodyHtml, current.version);
        await q.insertRevision(tx, { postId, version: updated!.version, bodyMd: input.body, bodyHtml, editorId: viewer.userId! });
        const fresh = (await q.findPostRow(tx, postId, viewer.userId))!;
        await recordEvent(tx, { communityId: fresh.communityId, topicId: fresh.topicId, name: 'post.updated', data: presentPost(fresh, EVENT_VIEW) });
        return presentPost(fresh, viewer)!;
      });
    },

    /** Withdraws my post: others see "withdrawn by author"; the content stays for moderators. */
    async withdraw(actor: Actor | null, postId: string): Promise<Post> {
      const { row, viewer } = await requirePost(actor, postId, 'post.withdraw');
      return db.transaction(async (tx) => {
        const current = (await q.lockPost(tx, postId))!;
        if (current.status === 'removed') throw conflict('post_not_withdrawable', 'This post was removed by a moderator.');
        if (current.status !== 'withdrawn') {
          await q.setPostStatus(tx, postId, 'withdrawn');
          await q.adjustCountsForStatusChange(tx, row, current.status, 'withdrawn');
        }
        const fresh = (await q.findPostRow(tx, postId, viewer.userId))!;
        if (current.status !== 'withdrawn') {
          await recordEvent(tx, { communityId: fresh.communityId, topicId: fresh.topicId, name: 'post.withdrawn', data: presentPost(fresh, EVENT_VIEW) });
        }
        return presentPost(fresh, viewer)!;
      });
    },

    async revisions(actor: Actor | null, postId: string) {
      await requirePost(actor, postId, 'post.readRevisions');
      const rows = await q.listRevisions(db, postId);
      return rows.map((r) => ({
        version: r.version,
        bodyMd: r.bodyMd,
        bodyHtml: r.bodyHtml,
        editor: { id: r.editorId, displayName: r.editorName },
        createdAt: r.createdAt.toISOString(),
      }));
    },

    /** Marks (on) or unmarks a post as helpful; repeating either is harmless. */
    async setHelpful(actor: Actor | null, postId: string, on: boolean) {
      const { row, viewer } = await requirePost(actor, postId, 'post.acknowledge');
      if (on && row.status !== 'published') throw conflict('post_not_published', 'Only published posts can be marked helpful.');
      return db.transaction(async (tx) => {
        const changed = on ? await q.addHelpful(tx, postId, viewer.userId!) : await q.removeHelpful(tx, postId, viewer.userId!);
        const helpfulCount = await q.helpfulCount(tx, postId);
        if (changed) {
          await recordEvent(tx, { communityId: row.communityId, topicId: row.topicId, name: 'post.helpful', data: { postId, topicId: row.topicId, helpfulCount } });
        }
        return { postId, helpfulCount, helpfulByMe: on };
      });
    },
  };
}

export type PostService = ReturnType<typeof createPostService>;
