// Topics (CPD topics and practice problems), prompts and read tracking: shared with the client.
import { Type, type Static } from 'typebox';
import { LIMITS } from '../limits.js';
import { Body, IsoDateTime, Line, Uuid } from './common.js';
import { LiveCursor } from './live.js';
import { Post, PostAuthor } from './posts.js';

export const TopicKind = Type.Union([Type.Literal('cpd'), Type.Literal('problem')]);
/** upcoming: before opensAt · open · closed: after closesAt or closed by hand. */
export const TopicStatus = Type.Union([Type.Literal('open'), Type.Literal('upcoming'), Type.Literal('closed')]);

export const HttpUrl = Type.String({ maxLength: LIMITS.urlMax, pattern: '^https?://[^\\s]+$' });

export const PromptInput = Type.Object(
  {
    body: Type.String({ minLength: 1, maxLength: LIMITS.promptBodyMax, description: 'Markdown.' }),
    /** A future time: only the topic's facilitators see the prompt (as scheduled) until then. */
    releaseAt: Type.Optional(IsoDateTime),
    /** Members see others' replies to this prompt only after posting their own. */
    answerFirst: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/**
 * One body for both kinds (a discriminated union gives poor validation messages):
 * kind 'cpd' needs article and prompts (1–10) and may have articleUrl, opensAt, closesAt, facilitatorIds;
 * kind 'problem' needs body and takes none of the CPD fields. The service names the offending field.
 */
export const CreateTopicBody = Body({
  kind: TopicKind,
  title: Line(LIMITS.titleMax),
  article: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.articleMax })),
  articleUrl: Type.Optional(HttpUrl),
  prompts: Type.Optional(Type.Array(PromptInput, { minItems: 1, maxItems: LIMITS.promptsMax })),
  opensAt: Type.Optional(IsoDateTime),
  closesAt: Type.Optional(IsoDateTime),
  /** Guest facilitators for this topic only (community members). The author is always one. */
  facilitatorIds: Type.Optional(Type.Array(Uuid, { maxItems: 20, uniqueItems: true })),
  body: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.postBodyMax })),
});

/** Facilitators edit title/article/schedule; closed/locked/pinned are moderation (facilitators and moderators). */
export const UpdateTopicBody = Body({
  title: Type.Optional(Line(LIMITS.titleMax)),
  article: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.articleMax })),
  body: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.postBodyMax })),
  articleUrl: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
  opensAt: Type.Optional(Type.Union([IsoDateTime, Type.Null()])),
  closesAt: Type.Optional(Type.Union([IsoDateTime, Type.Null()])),
  closed: Type.Optional(Type.Boolean()),
  locked: Type.Optional(Type.Boolean()),
  pinned: Type.Optional(Type.Boolean()),
});

export const AddPromptBody = Body({
  body: PromptInput.properties.body,
  releaseAt: Type.Optional(IsoDateTime),
  answerFirst: Type.Optional(Type.Boolean()),
});

/** Edit a prompt (the topic's facilitators): any of its question, release time (null: released with the topic), answer-first. */
export const UpdatePromptBody = Body({
  body: Type.Optional(PromptInput.properties.body),
  releaseAt: Type.Optional(Type.Union([IsoDateTime, Type.Null()])),
  answerFirst: Type.Optional(Type.Boolean()),
});

export const TopicListQuery = Type.Object({
  status: Type.Optional(TopicStatus),
  kind: Type.Optional(TopicKind),
  cursor: Type.Optional(Type.String({ maxLength: 300 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: LIMITS.pageSizeDefault })),
});

/** A topic's moderation, as for posts: published; pending (held for approval); hidden (by flags, until reviewed); removed. */
export const TopicModerationStatus = Type.Union([Type.Literal('published'), Type.Literal('pending'), Type.Literal('hidden'), Type.Literal('removed')]);

export const TopicSummary = Type.Object({
  id: Uuid,
  communityId: Uuid,
  kind: TopicKind,
  /** null: a hidden or removed topic shown to a member as a placeholder (its author and moderators see it). */
  title: Type.Union([Type.String(), Type.Null()]),
  status: TopicStatus,
  pinned: Type.Boolean(),
  locked: Type.Boolean(),
  author: PostAuthor,
  opensAt: Type.Union([IsoDateTime, Type.Null()]),
  closesAt: Type.Union([IsoDateTime, Type.Null()]),
  /** Published replies. */
  postCount: Type.Integer(),
  /** Distinct members who posted. */
  posterCount: Type.Integer(),
  /** Members who opened the topic but have not posted. */
  readerCount: Type.Integer(),
  /** Posts by others after my last read position (0 in events: re-count per viewer). */
  unreadCount: Type.Integer(),
  hasSolution: Type.Boolean(),
  lastActivityAt: IsoDateTime,
  createdAt: IsoDateTime,
  moderationStatus: TopicModerationStatus,
  /** Why a moderator removed it: for its author and moderators only (null otherwise). */
  moderationReason: Type.Union([Type.String(), Type.Null()]),
});

export const TopicPage = Type.Object({ items: Type.Array(TopicSummary), nextCursor: Type.Union([Type.String(), Type.Null()]), liveCursor: LiveCursor });

export const Prompt = Type.Object({
  id: Uuid,
  position: Type.Integer(),
  bodyHtml: Type.String(),
  /** The markdown source, for those who may edit the prompt (null for everyone else). */
  bodyMd: Type.Union([Type.String(), Type.Null()]),
  releaseAt: Type.Union([IsoDateTime, Type.Null()]),
  /** Not yet released: only the topic's facilitators see it. */
  scheduled: Type.Boolean(),
  answerFirst: Type.Boolean(),
  /** Replies to this prompt the viewer can see. */
  replyCount: Type.Integer(),
  /** answerFirst and the viewer has not answered yet: others' replies are hidden. */
  repliesHidden: Type.Boolean(),
  answeredByMe: Type.Boolean(),
});

export const ReadPosition = Type.Object({ lastReadPostId: Type.Union([Uuid, Type.Null()]), lastReadAt: IsoDateTime });

export const TopicDetail = Type.Object({
  ...TopicSummary.properties,
  /** The CPD article or the practice problem's description (null in the placeholder of a hidden or removed topic). */
  bodyHtml: Type.Union([Type.String(), Type.Null()]),
  /** The markdown source, for those who may edit the topic (null for everyone else, and in the placeholder). */
  bodyMd: Type.Union([Type.String(), Type.Null()]),
  articleUrl: Type.Union([Type.String(), Type.Null()]),
  closedAt: Type.Union([IsoDateTime, Type.Null()]),
  lockedAt: Type.Union([IsoDateTime, Type.Null()]),
  prompts: Type.Array(Prompt),
  facilitators: Type.Array(PostAuthor),
  solutionPostId: Type.Union([Uuid, Type.Null()]),
  /** The marked solution, shown first. */
  solution: Type.Union([Post, Type.Null()]),
  myReadPosition: Type.Union([ReadPosition, Type.Null()]),
  /** What the viewer may do here (the server still checks every request). */
  can: Type.Object({
    post: Type.Boolean(),
    update: Type.Boolean(),
    addPrompt: Type.Boolean(),
    moderate: Type.Boolean(),
    markSolution: Type.Boolean(),
    /** Flag the topic for moderators. */
    flag: Type.Boolean(),
    /** Remove, restore or approve the topic (the community's moderators). */
    remove: Type.Boolean(),
    /** Open the history of the topic's words and prompts (its editors, moderators). */
    readRevisions: Type.Boolean(),
  }),
  /** Set by GET (the read a page keeps live); absent from the answers to writes. */
  liveCursor: Type.Optional(LiveCursor),
});

/** One version of a topic's words (promptId null: title and text) or of one prompt's question (promptId set). */
export const TopicRevision = Type.Object({
  promptId: Type.Union([Uuid, Type.Null()]),
  version: Type.Integer(),
  title: Type.Union([Type.String(), Type.Null()]),
  bodyMd: Type.String(),
  bodyHtml: Type.String(),
  editor: PostAuthor,
  createdAt: IsoDateTime,
});
export const TopicRevisionList = Type.Object({ items: Type.Array(TopicRevision) });

export const MarkReadBody = Body({ postId: Uuid });
export const SolutionBody = Body({ postId: Type.Union([Uuid, Type.Null()]) });
export const SolutionState = Type.Object({ topicId: Uuid, solutionPostId: Type.Union([Uuid, Type.Null()]) });

export type TopicKind = Static<typeof TopicKind>;
export type TopicStatus = Static<typeof TopicStatus>;
export type TopicModerationStatus = Static<typeof TopicModerationStatus>;
export type CreateTopicBody = Static<typeof CreateTopicBody>;
export type UpdateTopicBody = Static<typeof UpdateTopicBody>;
export type AddPromptBody = Static<typeof AddPromptBody>;
export type UpdatePromptBody = Static<typeof UpdatePromptBody>;
export type TopicRevision = Static<typeof TopicRevision>;
export type TopicListQuery = Static<typeof TopicListQuery>;
export type TopicSummary = Static<typeof TopicSummary>;
export type TopicPage = Static<typeof TopicPage>;
export type Prompt = Static<typeof Prompt>;
export type TopicDetail = Static<typeof TopicDetail>;
export type ReadPosition = Static<typeof ReadPosition>;
