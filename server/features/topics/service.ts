// CPD topics and practice problems: creation, the topic list with engagement counts, the topic page,
// facilitator edits (their revisions: revisions.ts; prompts: prompts.ts), the practice problem's solution, and read tracking.
import type { Db, DbOrTx } from '../../db/client.js';
import { conflict, invalid } from '../../errors.js';
import { authorize, can, type Actor } from '../../policy/policy.js';
import { LIMITS } from '../../../shared/limits.js';
import type { CreateTopicBody, TopicDetail, TopicListQuery, UpdateTopicBody } from '../../../shared/schemas/topics.js';
import { isScheduled, postViewerFor, topicContentVisible, topicStatus, type TopicAccess } from '../../domain/topic-access.js';
import { PREMODERATION_REASON } from '../../domain/screening.js';
import type { CommunityAccessDeps, OutboxDeps, PostingLimitDeps, RenderDeps, ScreeningDeps, TopicAccessDeps } from '../../domain/deps.js';
import type { PostingLimits } from '../../domain/posting-limits.js';
import type { PostService } from '../posts/service.js';
import { checkSchedule, decodeTopicCursor, encodeCursor, parseTime } from './input.js';
import type { TopicModerationSteps } from './moderation.js';
import { presentTopicSummary } from './present.js';
import { keepRevision } from './revisions.js';
import { createPromptActions, presentPrompt } from './prompts.js';
import * as q from './queries.js';
import { extrasPerPageSize } from '../../db/page-size.js';
import { createTopicPageCache, loadTopicPage, pageFromRow, pageParams, topicPageFields, type TopicPageRow } from './page-query.js';
import type { ViewBuffer } from './view-buffer.js';

export interface TopicServiceDeps {
  db: Db;
  communities: Pick<CommunityAccessDeps, 'requireCommunity' | 'requireCommunityForRead'>;
  access: Pick<TopicAccessDeps, 'requireTopic' | 'requireTopicForRead' | 'topicAccess' | 'findTopic' | 'listPrompts' | 'hiddenPromptIds'>;
  /** The solution and the read position name a post: the posts feature loads it. */
  posts: Pick<PostService, 'findForViewer'>;
  moderation: TopicModerationSteps;
  screening: Pick<ScreeningDeps, 'screenTopicText' | 'needsPremoderation'>;
  outbox: Pick<OutboxDeps, 'recordEvent'>;
  render: RenderDeps;
  /** How fast a member may open topics (null: no limits, e.g. demo seeding). */
  postingLimits: PostingLimits | null;
  limits: Pick<PostingLimitDeps, 'enforcePostingLimit'>;
  /** Opening a topic notes a view here; the buffer records views in batches (view-buffer.ts). */
  views: Pick<ViewBuffer, 'record'>;
}

/** The topic page's columns, read with its access check (for viewers who do not see all replies). */
const pageExtras = { page: topicPageFields(false) };

/** The community's access statement with a member's first list page of `size` rows (one per page size). */
const firstListStatement = extrasPerPageSize('topic_list_first', q.firstListPageExtras);

export function createTopicService({ db, communities, access: topics, posts, moderation, screening, outbox, render, postingLimits, limits, views }: TopicServiceDeps) {
  const { requireCommunity, requireCommunityForRead } = communities;
  const { requireTopic, requireTopicForRead, topicAccess, hiddenPromptIds } = topics;
  /** Shared parts of topic pages, checked against the topic row on every read (page-query.ts). */
  const pageCache = createTopicPageCache();
  const { applyTopicModeration, holdTopicEdit, logTopicHold, recordTopicUpdated } = moderation;
  const { screenTopicText, needsPremoderation } = screening;
  const { renderField } = render;

  /**
   * The topic page for this viewer (records nothing). `preloaded`: the page's row as read with the access
   * check (GET), computed for viewers who do not see all replies; others read theirs here.
   */
  async function detail(access: TopicAccess, preloaded?: TopicPageRow): Promise<TopicDetail> {
    const me = access.actor;
    const { ctx } = access;
    const viewer = { userId: me.id, seesAllReplies: can(me, 'prompt.seeAllReplies', { community: access.community, membership: access.membership }) };
    const page =
      preloaded && !viewer.seesAllReplies ? pageFromRow(access.topic.id, preloaded, pageCache) : (await loadTopicPage(db, access.topic.id, viewer, pageCache))!;
    const { topic, facilitators, readPosition, answered } = page;
    const { prompts, replyCounts: counts } = page.shared;
    const now = new Date();
    const hidden = new Set(await hiddenPromptIds(db, access, prompts, answered));
    const seesScheduled = can(me, 'prompt.readScheduled', ctx);
    const postViewer = postViewerFor(me, ctx);
    // A hidden or removed topic: a placeholder (no title, text, prompts or solution) unless its author or a moderator.
    const content = topicContentVisible(access);
    const published = topic.moderationStatus === 'published';
    // The markdown sources are for the edit forms: a member who may not edit reads the HTML alone, half the page.
    const editsTopic = can(me, 'topic.update', ctx);
    const editsPrompts = can(me, 'topic.editPrompt', ctx);
    let solution = null;
    if (content && topic.solutionPostId) {
      // The solution shows to whoever may see it in the thread (a reply to a prompt hidden from them does not).
      solution = await posts.findForViewer(db, topic.solutionPostId, postViewer, [...hidden]);
    }
    return {
      ...presentTopicSummary(topic, { now, content }),
      bodyHtml: content ? topic.bodyHtml : null,
      bodyMd: content && editsTopic ? topic.bodyMd : null,
      articleUrl: content ? topic.articleUrl : null,
      closedAt: topic.closedAt ? topic.closedAt.toISOString() : null,
      lockedAt: topic.lockedAt ? topic.lockedAt.toISOString() : null,
      prompts: prompts
        .filter((p) => content && (seesScheduled || !isScheduled(p, now)))
        .map((p) => presentPrompt(p, { replyCount: counts.get(p.id) ?? 0, hidden: hidden.has(p.id) && !answered.has(p.id), answered: answered.has(p.id), withSource: editsPrompts }, now)),
      facilitators,
      solutionPostId: topic.solutionPostId,
      solution,
      myReadPosition: readPosition ? { lastReadPostId: readPosition.lastReadPostId, lastReadAt: readPosition.lastReadAt.toISOString() } : null,
      can: {
        post: can(me, 'post.create', ctx) && topicStatus(topic, now) === 'open' && !topic.lockedAt && published,
        update: can(me, 'topic.update', ctx) && topic.moderationStatus !== 'removed',
        addPrompt: can(me, 'topic.addPrompt', ctx) && topic.moderationStatus !== 'removed',
        moderate: can(me, 'topic.moderate', ctx),
        markSolution: topic.kind === 'problem' && can(me, 'topic.markSolution', ctx) && published,
        flag: can(me, 'topic.flag', ctx) && published,
        remove: can(me, 'moderation.remove', ctx),
        readRevisions: can(me, 'topic.readRevisions', ctx),
      },
    };
  }

  async function eventSummary(tx: DbOrTx, topicId: string) {
    return presentTopicSummary((await q.findTopicWithCounts(tx, topicId))!, { forViewer: false });
  }

  /**
   * A new topic is screened as a new post is: watched words in any of its texts (block → 422 naming the
   * field, nothing written; hold → held), then new-member pre-moderation. The reason it is held, or null.
   */
  async function holdForReview(tx: DbOrTx, communityId: string, authorId: string, texts: Array<{ field: string; text: string }>) {
    return (await screenTopicText(tx, communityId, texts)) ?? ((await needsPremoderation(tx, communityId, authorId)) ? PREMODERATION_REASON : null);
  }

  return {
    async create(actor: Actor | null, communityId: string, input: CreateTopicBody): Promise<TopicDetail> {
      const access = await requireCommunity(db, actor, communityId, input.kind === 'cpd' ? 'topic.createCpd' : 'topic.createProblem');
      const me = access.actor;
      if (!input.title.trim()) throw invalid('title', 'The title is empty.', 'empty_text');
      const values = { communityId, kind: input.kind, title: input.title, authorId: me.id };
      let topicId: string;
      if (input.kind === 'problem') {
        for (const field of ['article', 'articleUrl', 'prompts', 'opensAt', 'closesAt', 'facilitatorIds'] as const) {
          if (input[field] !== undefined) throw invalid(field, `A practice problem has no ${field}.`, 'not_for_kind');
        }
        if (input.body === undefined) throw invalid('body', 'body is required for a practice problem.');
        const bodyHtml = await renderField('body', input.body, LIMITS.postBodyMax);
        topicId = await db.transaction(async (tx) => {
          await limits.enforcePostingLimit(tx, postingLimits, 'topic', me.id, () => needsPremoderation(tx, communityId, me.id)); // 429 posting_too_fast
          const held = await holdForReview(tx, communityId, me.id, [{ field: 'title', text: input.title }, { field: 'body', text: input.body! }]);
          const { id } = await q.insertTopic(tx, { ...values, bodyMd: input.body!, bodyHtml, moderationStatus: held ? 'pending' : 'published' });
          if (held) await logTopicHold(tx, communityId, id, held);
          await outbox.recordEvent(tx, { communityId, topicId: id, name: 'topic.created', data: await eventSummary(tx, id) });
          return id;
        });
      } else {
        if (input.body !== undefined) throw invalid('body', 'A CPD topic has an article, not a body.', 'not_for_kind');
        if (input.article === undefined) throw invalid('article', 'article is required for a CPD topic.');
        if (input.prompts === undefined) throw invalid('prompts', 'A CPD topic needs 1 to 10 prompts.');
        const bodyHtml = await renderField('article', input.article, LIMITS.articleMax);
        const opensAt = parseTime('opensAt', input.opensAt) ?? null;
        const closesAt = parseTime('closesAt', input.closesAt) ?? null;
        checkSchedule(opensAt, closesAt);
        if (closesAt && closesAt <= new Date()) throw invalid('closesAt', 'closesAt must be in the future.', 'invalid_schedule');
        const prompts: Array<{ position: number; bodyMd: string; bodyHtml: string; releaseAt: Date | null; answerFirst: boolean }> = [];
        for (const [i, p] of input.prompts.entries()) {
          prompts.push({
            position: i + 1,
            bodyMd: p.body,
            bodyHtml: await renderField(`prompts.${i}.body`, p.body, LIMITS.promptBodyMax),
            releaseAt: parseTime(`prompts.${i}.releaseAt`, p.releaseAt) ?? null,
            answerFirst: p.answerFirst ?? false,
          });
        }
        const guests = (input.facilitatorIds ?? []).filter((id) => id !== me.id);
        const members = new Set(await q.activeMemberIds(db, communityId, guests));
        const unknown = guests.find((id) => !members.has(id));
        if (unknown) throw invalid('facilitatorIds', `${unknown} is not a member of this community.`, 'unknown_facilitator');
        topicId = await db.transaction(async (tx) => {
          await limits.enforcePostingLimit(tx, postingLimits, 'topic', me.id, () => needsPremoderation(tx, communityId, me.id)); // 429 posting_too_fast
          const held = await holdForReview(tx, communityId, me.id, [
            { field: 'title', text: input.title },
            { field: 'article', text: input.article! },
            ...prompts.map((p, i) => ({ field: `prompts.${i}.body`, text: p.bodyMd })),
          ]);
          const { id } = await q.insertTopic(tx, {
            ...values,
            bodyMd: input.article!,
            bodyHtml,
            articleUrl: input.articleUrl ?? null,
            opensAt,
            closesAt,
            moderationStatus: held ? 'pending' : 'published',
          });
          await q.insertFacilitators(tx, id, [me.id, ...guests]);
          await q.insertPrompts(tx, prompts.map((p) => ({ ...p, topicId: id })));
          if (held) await logTopicHold(tx, communityId, id, held);
          await outbox.recordEvent(tx, { communityId, topicId: id, name: 'topic.created', data: await eventSummary(tx, id) });
          return id;
        });
      }
      return detail(topicAccess(access, (await topics.findTopic(db, topicId))!, 'topic.read'));
    },

    async list(actor: Actor | null, communityId: string, query: TopicListQuery) {
      const limit = query.limit ?? LIMITS.pageSizeDefault;
      const after = query.cursor ? decodeTopicCursor(query.cursor) : undefined;
      // One statement for the access check and the live cursor (read before the data: see LiveCursor) and, for a
      // member's first unfiltered page, the page itself.
      const first = !query.status && !query.kind && !after && actor && !actor.isAdmin ? firstListStatement(limit + 1) : undefined;
      const read = await requireCommunityForRead(db, actor, communityId, 'topics.list', first);
      const { access: { community, membership, actor: me }, liveCursor } = read;
      const viewer = { userId: me.id, seesAllReplies: can(me, 'prompt.seeAllReplies', { community, membership }) };
      const seesHidden = can(me, 'topic.readHidden', { community, membership });
      const firstPage = read.extra?.firstPage ?? null;
      const rows =
        firstPage && !viewer.seesAllReplies && !seesHidden && !me.isAdmin
          ? firstPage.map(q.decodeListRow)
          : await q.listTopics(db, { communityId, viewer, isAdmin: me.isAdmin, seesHidden, status: query.status, kind: query.kind, after, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const now = new Date();
      return {
        items: page.map((r) => presentTopicSummary(r, { now })),
        nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.cursorKey) : null,
        liveCursor,
      };
    },

    /** The topic page; opening it notes today's view for the engagement report (recorded in a batch, not here). */
    async get(actor: Actor | null, topicId: string): Promise<TopicDetail> {
      // One statement for the access check, the live cursor (read before the data: see LiveCursor) and the
      // page's own columns as most viewers see them.
      const read = await requireTopicForRead(db, actor, topicId, 'topic.read', 'page', pageExtras, pageParams(topicId, pageCache));
      const { access, liveCursor } = read;
      if (access.membership) await views.record({ topicId, communityId: access.topic.communityId, userId: access.actor.id });
      return { ...(await detail(access, read.extra?.page as TopicPageRow | undefined)), liveCursor };
    },

    async update(actor: Actor | null, topicId: string, patch: UpdateTopicBody): Promise<TopicDetail> {
      const contentFields = (['title', 'article', 'body', 'articleUrl', 'opensAt', 'closesAt'] as const).filter((f) => patch[f] !== undefined);
      const moderationFields = (['closed', 'locked', 'pinned'] as const).filter((f) => patch[f] !== undefined);
      if (contentFields.length + moderationFields.length === 0) throw invalid('body', 'Nothing to change.', 'empty_update');
      const access = await requireTopic(db, actor, topicId, contentFields.length > 0 ? 'topic.update' : 'topic.moderate');
      if (contentFields.length > 0 && moderationFields.length > 0) authorize(access.actor, 'topic.moderate', access.ctx);
      const { topic } = access;
      const values: Parameters<typeof q.updateTopic>[2] = {};
      if (patch.title !== undefined) {
        if (!patch.title.trim()) throw invalid('title', 'The title is empty.', 'empty_text');
        values.title = patch.title;
      }
      const textField = topic.kind === 'cpd' ? 'article' : 'body';
      const wrongField = topic.kind === 'cpd' ? 'body' : 'article';
      if (patch[wrongField] !== undefined) throw invalid(wrongField, `This topic's text is edited as "${textField}".`, 'not_for_kind');
      const text = patch[textField];
      if (text !== undefined) {
        values.bodyMd = text;
        values.bodyHtml = await renderField(textField, text, topic.kind === 'cpd' ? LIMITS.articleMax : LIMITS.postBodyMax);
      }
      if (topic.kind === 'problem') {
        for (const field of ['articleUrl', 'opensAt', 'closesAt'] as const) {
          if (patch[field] !== undefined) throw invalid(field, `A practice problem has no ${field}.`, 'not_for_kind');
        }
      }
      if (patch.articleUrl !== undefined) values.articleUrl = patch.articleUrl;
      const opensAt = patch.opensAt !== undefined ? parseTime('opensAt', patch.opensAt) ?? null : topic.opensAt;
      const closesAt = patch.closesAt !== undefined ? parseTime('closesAt', patch.closesAt) ?? null : topic.closesAt;
      checkSchedule(opensAt, closesAt);
      if (patch.opensAt !== undefined) values.opensAt = opensAt;
      if (patch.closesAt !== undefined) values.closesAt = closesAt;
      await db.transaction(async (tx) => {
        const locked = (await topics.findTopic(tx, topicId, { lock: 'update' }))!;
        if (contentFields.length > 0 && locked.moderationStatus === 'removed') {
          throw conflict('topic_not_editable', 'A moderator removed this topic: it can no longer be edited.');
        }
        // Edited words are screened as a post's edit is: block → 422; hold → a published topic goes back to review.
        const screened = [
          ...(values.title !== undefined ? [{ field: 'title', text: values.title }] : []),
          ...(text !== undefined ? [{ field: textField, text }] : []),
        ];
        const hold = screened.length > 0 ? await screenTopicText(tx, topic.communityId, screened) : null;
        if (hold) await holdTopicEdit(tx, locked, hold);
        // New words keep the old ones as a revision (under the row lock: versions are numbered without gaps).
        const old = values.title !== undefined || values.bodyMd !== undefined ? await q.findTopicWords(tx, topicId) : null;
        if (old && ((values.title ?? old.title) !== old.title || (values.bodyMd ?? old.bodyMd) !== old.bodyMd)) {
          await keepRevision(tx, { topicId, promptId: null, createdAt: old.createdAt, authorId: old.authorId, editorId: access.actor.id },
            { title: old.title, bodyMd: old.bodyMd, bodyHtml: old.bodyHtml },
            { title: values.title ?? old.title, bodyMd: values.bodyMd ?? old.bodyMd, bodyHtml: values.bodyHtml ?? old.bodyHtml });
        }
        if (contentFields.length > 0) await q.updateTopic(tx, topicId, values);
        // closed/locked/pinned: the moderation use case (audit log), the same as PATCH …/moderation.
        const moderated = moderationFields.length > 0 ? await applyTopicModeration(tx, access.actor, locked, patch) : { changed: false };
        if (contentFields.length > 0 || moderated.changed) await recordTopicUpdated(tx, topic.communityId, topicId);
      });
      // The topic as written (opensAt may have changed what the actor sees); community and membership as checked.
      return detail(topicAccess(access, (await topics.findTopic(db, topicId))!, 'topic.read'));
    },

    // addPrompt, editPrompt (prompts.ts)
    ...createPromptActions({ db, access: topics, moderation, screening, render }),

    /** Marks (or, with null, clears) the reply that solved a practice problem. */
    async setSolution(actor: Actor | null, topicId: string, postId: string | null) {
      const access = await requireTopic(db, actor, topicId, 'topic.markSolution');
      const { topic } = access;
      if (topic.kind !== 'problem') throw conflict('not_a_practice_problem', 'Only practice problems have a solution.');
      if (topic.moderationStatus === 'removed') throw conflict('topic_not_editable', 'A moderator removed this topic: it can no longer be edited.');
      if (postId) {
        const post = await posts.findForViewer(db, postId, postViewerFor(access.actor, access.ctx), []);
        if (!post || post.topicId !== topicId) throw invalid('postId', 'No such reply in this topic.', 'unknown_post');
        if (post.status !== 'published') throw conflict('post_not_published', 'Only a published reply can be the solution.');
      }
      await db.transaction(async (tx) => {
        await q.lockTopic(tx, topicId);
        await q.updateTopic(tx, topicId, { solutionPostId: postId });
        await recordTopicUpdated(tx, topic.communityId, topicId);
      });
      return { topicId, solutionPostId: postId };
    },

    /** Moves my read position forward to this post. */
    async markRead(actor: Actor | null, topicId: string, postId: string) {
      const access = await requireTopic(db, actor, topicId, 'topic.markRead');
      // A page left open while the topic was removed or hidden still reports what it showed before it heard:
      // not an error (the member did nothing wrong), and nothing moves. null: the route answers 204.
      if (!topicContentVisible(access)) return null;
      const visible =
        (await posts.findForViewer(db, postId, postViewerFor(access.actor, access.ctx), await hiddenPromptIds(db, access)))?.topicId === topicId;
      if (!visible) throw invalid('postId', 'No such post in this topic.', 'unknown_post');
      await q.advanceReadPosition(db, topicId, access.actor.id, postId);
      const position = (await q.findReadPosition(db, topicId, access.actor.id))!;
      return { lastReadPostId: position.lastReadPostId, lastReadAt: position.lastReadAt.toISOString() };
    },

    async markAllRead(actor: Actor | null, communityId: string) {
      const { actor: me } = await requireCommunity(db, actor, communityId, 'topics.markAllRead');
      await q.markCommunityRead(db, communityId, me.id);
    },
  };
}

export type TopicService = ReturnType<typeof createTopicService>;
