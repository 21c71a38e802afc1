// Replies: threaded posting with idempotent submits, optimistic-concurrency edits with revisions,
// withdrawal, helpful marks, and the paged post list of a topic.
import { createHash } from 'node:crypto';
import type { Db, DbOrTx } from '../../db/client.js';
import { AppError, conflict, invalid, notFound, unprocessable } from '../../errors.js';
import { authorize, can, type Action, type Actor } from '../../policy/policy.js';
import { LIMITS } from '../../../shared/limits.js';
import type { CreatePostBody, Post, PostPage, UpdatePostBody } from '../../../shared/schemas/posts.js';
import { isUuid } from '../../../shared/schemas/common.js';
import { promptVisibility, promptVisibilityExtras } from '../../domain/read-access.js';
import { postScreeningExtras } from '../../domain/screening.js';
import { CURSOR_TIME } from '../../domain/cursor.js';
import { postViewerFor, topicContentVisible, type TopicAccess } from '../../domain/topic-access.js';
import { EVENT_VIEW, isPostVisible, type PostViewer } from '../../domain/visibility.js';
import type { AuditLogDeps, ContentStatusDeps, OutboxDeps, PostingLimitDeps, RenderDeps, TopicAccessDeps } from '../../domain/deps.js';
import type { PostingLimits } from '../../domain/posting-limits.js';
import { presentPost, type PostRow } from './present.js';
import { placeUnder, type PostingRules } from './rules.js';
import { asSeenBy, createSharedCopies } from './shared-copies.js';
import * as q from './queries.js';
import { extrasPerPageSize } from '../../db/page-size.js';

export const encodePostCursor = (row: Pick<PostRow, 'cursorKey' | 'id'>) => Buffer.from(`${row.cursorKey}|${row.id}`, 'utf8').toString('base64url');

function decodePostCursor(cursor: string) {
  const [createdAt, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (extra !== undefined || !createdAt || !CURSOR_TIME.test(createdAt) || !id || !isUuid(id)) {
    throw invalid('cursor', 'The cursor is not valid.', 'invalid_cursor');
  }
  return { createdAt, id };
}

/** Which page of a topic's posts (the route's query). */
type PageQuery = { cursor?: string | undefined; limit?: number | undefined };

/** A post of a page: its presented form, and its JSON when it is a shared copy. */
interface PageItem {
  post: Post;
  json?: string;
}

export interface CreatePostResult {
  statusCode: number;
  post: Post;
  /** True when an Idempotency-Key matched an earlier submit and its first response is returned. */
  replayed: boolean;
}

export interface PostServiceDeps {
  db: Db;
  access: Pick<TopicAccessDeps, 'requireTopic' | 'requireTopicForRead' | 'requireTopicForWrite' | 'hiddenPromptIds' | 'findTopic' | 'assertTopicWritable'>;
  rules: PostingRules;
  status: Pick<ContentStatusDeps, 'changePostStatus' | 'countNewPost'>;
  audit: Pick<AuditLogDeps, 'insertLogEntry'>;
  outbox: Pick<OutboxDeps, 'recordEvent' | 'recordEventSql'>;
  render: RenderDeps;
  /** How fast a member may reply (null: no limits, e.g. demo seeding). */
  postingLimits: PostingLimits | null;
  limits: Pick<PostingLimitDeps, 'enforcePostingLimit'>;
}

/** Thrown inside create()'s transaction to roll the submit back when its Idempotency-Key is taken. */
class IdempotencyKeyTaken extends Error {}

/** What the posts list reads with its access check: the prompts' rules for who sees which replies. */
const postsListExtras = promptVisibilityExtras();
/** The same for the first page, with the page itself as most viewers see it (one round trip), per page size. */
const firstPageStatement = extrasPerPageSize('posts_first', (limit) => ({ ...promptVisibilityExtras(), ...q.firstPostPageExtras(limit) }));
/** What creating a reply reads with its access check: the prompts' rules, and what screening needs. */
const postCreateExtras = { ...promptVisibilityExtras(), ...postScreeningExtras() };

export function createPostService({ db, access: topics, rules, status: content, audit, outbox, render, postingLimits, limits }: PostServiceDeps) {
  const { requireTopic, hiddenPromptIds, assertTopicWritable } = topics;
  const copies = createSharedCopies();
  const { renderField } = render;

  /** Every hold is a moderation action too: the audit log records it, with no human actor. */
  const logHold = (tx: DbOrTx, communityId: string, postId: string, reason: string) =>
    audit.insertLogEntry(tx, { communityId, actorId: null, action: 'post.hold', targetType: 'post', targetId: postId, reason, after: { status: 'pending' } });

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
    if (!topicContentVisible(access) || !isPostVisible(row, viewer, await hiddenPromptIds(db, access))) throw notFound('Post');
    authorize(access.actor, action, { ...access.ctx, post: { authorId: row.authorId } });
    return { row, access, viewer };
  }

  /**
   * Where a new reply goes: its prompt, its parent (capped depth) — or a 400 naming the bad field. The
   * topic's prompt rules and the prompts the author answered come with the access check (`prompts`).
   */
  async function placeReply(tx: DbOrTx, access: TopicAccess, viewer: PostViewer, input: CreatePostBody, prompts: ReturnType<typeof promptVisibility>) {
    const topicId = access.topic.id;
    let promptId: string | null = null;
    if (input.promptId) {
      const prompt = prompts.prompts.find((p) => p.id === input.promptId);
      const scheduled = !!prompt?.releaseAt && prompt.releaseAt > new Date();
      const reachable = prompt && (!scheduled || can(access.actor, 'prompt.readScheduled', access.ctx));
      if (!reachable) throw invalid('promptId', 'No such prompt in this topic.', 'unknown_prompt');
      promptId = prompt.id;
    }
    if (!input.parentId) return { parentId: null, promptId, depth: 0 };
    const hidden = await hiddenPromptIds(tx, access, prompts.prompts, prompts.answered);
    const parent = await q.findPostRow(tx, input.parentId, viewer.userId);
    if (!parent || parent.topicId !== topicId || !isPostVisible(parent, viewer, hidden)) {
      throw invalid('parentId', 'No such post in this topic.', 'unknown_parent');
    }
    return placeUnder(parent, promptId);
  }

  /** A post of a page as this viewer sees it: a shared copy when they see it as any other member does. */
  function presentInPage(row: q.PostPageRow, viewer: PostViewer): PageItem | null {
    if (!viewer.seesHidden && row.authorId !== viewer.userId && row.status !== 'pending') {
      return asSeenBy(copies.get(row.id, row.stamp) ?? copies.keep(row)!, row.helpfulByMe);
    }
    const post = presentPost(row, viewer);
    return post && { post };
  }

  /**
   * The first page from the access statement's `firstPage` (ids, stamps and the viewer's marks, whole rows for the
   * viewer's own posts), or null when a post's shared copy is missing or out of date: the caller then reads the rows.
   */
  function pageFromStamps(entries: q.FirstPageEntry[], viewer: PostViewer, limit: number) {
    const items: PageItem[] = [];
    let last: Pick<PostRow, 'cursorKey' | 'id'> | null = null;
    for (const [id, stamp, helpfulByMe, whole] of entries.slice(0, limit)) {
      if (whole) {
        const row = q.decodeFirstPageRow(whole);
        const item = presentInPage(row, viewer);
        if (item) items.push(item);
        last = row;
        continue;
      }
      const copy = copies.get(id, stamp);
      if (!copy) return null;
      items.push(asSeenBy(copy, helpfulByMe));
      last = copy.cursor;
    }
    return { items, nextCursor: entries.length > limit && last ? encodePostCursor(last) : null };
  }

  function readFirstPage(actor: Actor | null, topicId: string, size: number) {
    const { name, extras, params } = firstPageStatement(size);
    return topics.requireTopicForRead(db, actor, topicId, 'topic.read', name, extras, params);
  }

  async function readPage(actor: Actor | null, topicId: string, query: PageQuery) {
    const limit = query.limit ?? LIMITS.pageSizeDefault;
    // One statement for the access check, the live cursor (read before the data: see LiveCursor), the prompts'
    // rules and, for a first page, the page's ids and stamps as most viewers see it.
    const read = query.cursor
      ? await topics.requireTopicForRead(db, actor, topicId, 'topic.read', 'posts', postsListExtras)
      : await readFirstPage(actor, topicId, limit + 1);
    const { access, liveCursor } = read;
    const visibility = read.extra ? promptVisibility(read.extra) : null;
    // A hidden or removed topic: members see its placeholder and none of its discussion (its author and
    // moderators see everything); restoring it brings the replies back as they were.
    if (!topicContentVisible(access)) return { items: [], nextCursor: null, liveCursor };
    const after = query.cursor ? decodePostCursor(query.cursor) : undefined;
    const viewer = postViewerFor(access.actor, access.ctx);
    const hidden = await hiddenPromptIds(db, access, visibility?.prompts, visibility?.answered);
    const firstPage = read.extra && 'firstPage' in read.extra ? (read.extra.firstPage as q.FirstPageEntry[] | null) : null;
    const fromStamps = firstPage && !viewer.seesHidden && hidden.length === 0 ? pageFromStamps(firstPage, viewer, limit) : null;
    if (fromStamps) return { ...fromStamps, liveCursor };
    const rows = await q.listPostPage(db, { topicId, viewerId: access.actor.id, seesHidden: viewer.seesHidden, hiddenPromptIds: hidden, after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    return {
      items: page.map((row) => presentInPage(row, viewer)).filter((item): item is PageItem => item !== null),
      nextCursor: rows.length > limit ? encodePostCursor(page[page.length - 1]!) : null,
      liveCursor,
    };
  }

  return {
    /** A post as this viewer sees it, or null when it does not exist for them (domain/visibility.ts isPostVisible). */
    async findForViewer(tx: DbOrTx, postId: string, viewer: PostViewer, hiddenPromptIds: readonly string[]): Promise<Post | null> {
      const row = await q.findPostRow(tx, postId, viewer.userId);
      return row && isPostVisible(row, viewer, hiddenPromptIds) ? presentPost(row, viewer) : null;
    },

    /** Where a reply by email goes: under a post (its topic and the post as parent) or to a topic; null if gone. */
    async placeOf(target: { kind: 'p' | 't'; id: string }): Promise<{ topicId: string; parentId: string | null } | null> {
      if (target.kind === 't') return { topicId: target.id, parentId: null };
      const row = await q.findPostRow(db, target.id, null);
      return row ? { topicId: row.topicId, parentId: row.id } : null;
    },

    /** A post as its author and moderators see it: what the post.* events carry (EVENT_VIEW). */
    async eventSnapshot(tx: DbOrTx, postId: string): Promise<Post> {
      return presentPost((await q.findPostRow(tx, postId, null))!, EVENT_VIEW)!;
    },

    /** A page of a topic's posts, oldest first, as this viewer sees them. */
    async list(actor: Actor | null, topicId: string, query: PageQuery): Promise<PostPage> {
      const page = await readPage(actor, topicId, query);
      return { items: page.items.map((item) => item.post), nextCursor: page.nextCursor, liveCursor: page.liveCursor };
    },

    /** The same page as its JSON response body: the shared copies' JSON is not encoded again. */
    async listJson(actor: Actor | null, topicId: string, query: PageQuery): Promise<string> {
      const page = await readPage(actor, topicId, query);
      const items = page.items.map((item) => item.json ?? JSON.stringify(item.post)).join(',');
      return `{"items":[${items}],"nextCursor":${JSON.stringify(page.nextCursor)},"liveCursor":${JSON.stringify(page.liveCursor)}}`;
    },

    /**
     * Creates a reply. With an Idempotency-Key the key is claimed, with the response it answers, in the write's
     * last statement (primary key (user_id, key)): a retry — even a concurrent one, which waits there for the
     * first — finds it taken, rolls its own post back and gets the first 201 response, never a second post.
     */
    async create(actor: Actor | null, topicId: string, input: CreatePostBody, idempotencyKey?: string): Promise<CreatePostResult> {
      // One statement: the access check, the prompts' rules and the author's screening facts (watched words,
      // pre-moderation), read before the transaction as the access check always was.
      const read = await topics.requireTopicForWrite(db, actor, topicId, 'post.create', 'post_create', postCreateExtras);
      const { access } = read;
      if (!read.extra) throw notFound('Topic'); // not reached: a topic id that is no uuid is not found above
      const facts = { watchedWords: read.extra.watchedWords, premoderated: read.extra.premoderated };
      const prompts = promptVisibility(read.extra);
      const me = access.actor;
      const viewer = postViewerFor(me, access.ctx);
      const bodyHtml = await renderField('body', input.body, LIMITS.postBodyMax);
      const requestHash = createHash('sha256')
        .update(JSON.stringify(['post.create', topicId, input.body, input.parentId ?? null, input.promptId ?? null]))
        .digest('hex');
      try {
        return await db.transaction(async (tx) => {
          const { topic } = access;
          await limits.enforcePostingLimit(tx, postingLimits, 'post', me.id, async () => facts.premoderated);
          assertTopicWritable(topic); // as loaded; checked again under the lock below
          const place = await placeReply(tx, access, viewer, input, prompts);
          // Held (pending) posts exist for their author and moderators only, until a moderator approves.
          const held = rules.holdNewPost(facts, input.body);
          const status = held ? 'pending' : 'published';
          // The post, its first revision and the row presentPost() needs: one statement.
          const row = await q.insertPostWithRevision(tx, { communityId: topic.communityId, topicId, authorId: me.id, ...place, bodyMd: input.body, bodyHtml, status });
          if (held) await logHold(tx, topic.communityId, row.id, held);
          const post = presentPost(row, viewer)!;
          // The topic's row lock comes last, in the statement that moves its counters (and the rollup triggers,
          // deferred, take it at commit): replies to one busy topic queue on it, so it is held from that statement
          // to the commit only. The same statement records the event (recording takes no lock: events are ordered
          // after commit, outbox.ts) and claims the Idempotency-Key. The topic is re-read under that lock — the
          // one a close or lock of the topic also takes — so neither can slip in between this check and the
          // commit. A held post is not activity others can see: counts and last activity move on approval.
          const alongside = [outbox.recordEventSql({ communityId: topic.communityId, topicId, name: 'post.created', data: presentPost(row, EVENT_VIEW)! })];
          const claimAt = idempotencyKey ? alongside.push(q.claimIdempotencyKeySql(me.id, idempotencyKey, requestHash, 201, post)) - 1 : -1;
          const counted = (await content.countNewPost(tx, { id: row.id, topicId, authorId: me.id }, status, alongside))!;
          if (claimAt >= 0 && counted.alongsideRows[claimAt] === 0) throw new IdempotencyKeyTaken();
          assertTopicWritable(counted.topic);
          return { statusCode: 201, post, replayed: false };
        });
      } catch (err) {
        // A taken key rolled this submit back; and a retry of an accepted submit gets its first response even
        // when it would now be refused (posting too fast, the topic closed since). Otherwise the error stands.
        if (!idempotencyKey || !(err instanceof IdempotencyKeyTaken || err instanceof AppError)) throw err;
        const prior = await q.findIdempotencyKey(db, me.id, idempotencyKey);
        if (!prior) throw err instanceof IdempotencyKeyTaken ? new Error('An Idempotency-Key was taken and then not found.') : err;
        if (prior.requestHash !== requestHash) {
          throw unprocessable('idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
        }
        return { statusCode: prior.statusCode, post: prior.response as Post, replayed: true };
      }
    },

    /** Edits my post if `version` is current; the new text becomes the next revision. */
    async update(actor: Actor | null, postId: string, input: UpdatePostBody): Promise<Post> {
      const { row, viewer } = await requirePost(actor, postId, 'post.edit');
      const bodyHtml = await renderField('body', input.body, LIMITS.postBodyMax);
      return db.transaction(async (tx) => {
        // Post row, then topic row: the order in which moderation (and a status change's counters and
        // rollups) lock them. The topic is read under the lock a close or lock takes, as in create().
        const current = (await q.lockPost(tx, postId))!;
        const topic = (await topics.findTopic(tx, row.topicId, { lock: 'no key update' }))!;
        if (current.status === 'withdrawn' || current.status === 'removed') {
          throw conflict('post_not_editable', `This post is ${current.status} and can no longer be edited.`);
        }
        assertTopicWritable(topic);
        if (current.version !== input.version) {
          throw conflict('version_conflict', 'This post was changed since you loaded it.', { currentVersion: current.version });
        }
        // An edit that trips a 'hold' rule takes a published post back to pending review.
        const hold = await rules.holdEdit(tx, row.communityId, input.body, current.status);
        if (hold) {
          await content.changePostStatus(tx, row, 'published', 'pending');
          await logHold(tx, row.communityId, postId, hold);
        }
        const updated = await q.updatePostBody(tx, postId, input.body, bodyHtml, current.version);
        await q.insertRevision(tx, { postId, version: updated!.version, bodyMd: input.body, bodyHtml, editorId: viewer.userId! });
        const fresh = (await q.findPostRow(tx, postId, viewer.userId))!;
        await outbox.recordEvent(tx, { communityId: fresh.communityId, topicId: fresh.topicId, name: 'post.updated', data: presentPost(fresh, EVENT_VIEW)! });
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
          await content.changePostStatus(tx, row, current.status, 'withdrawn');
        }
        const fresh = (await q.findPostRow(tx, postId, viewer.userId))!;
        if (current.status !== 'withdrawn') {
          await outbox.recordEvent(tx, { communityId: fresh.communityId, topicId: fresh.topicId, name: 'post.withdrawn', data: presentPost(fresh, EVENT_VIEW)! });
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
          await outbox.recordEvent(tx, { communityId: row.communityId, topicId: row.topicId, name: 'post.helpful', data: { postId, topicId: row.topicId, helpfulCount } });
        }
        return { postId, helpfulCount, helpfulByMe: on };
      });
    },
  };
}

export type PostService = ReturnType<typeof createPostService>;
