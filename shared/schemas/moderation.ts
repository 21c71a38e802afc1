// Moderation: flags, the review queue, removal/restore, watched words, settings, suspensions,
// topic locks and the audit log. Server routes and client components share these shapes.
import { Type, type Static } from 'typebox';
import { LIMITS } from '../limits.js';
import { Body, IsoDateTime, Line, Uuid } from './common.js';
import { TopicKind, TopicModerationStatus } from './topics.js';

/** Limits of the moderation feature (kept here rather than in shared/limits.ts to keep merges easy). */
export const MODERATION_LIMITS = {
  flagNoteMax: 1_000,
  reasonMax: LIMITS.reasonMax,
  authorNoteMax: 4_000,
  watchedWordPhraseMax: 100,
  watchedWordsMax: 500,
  autoHideThresholdMin: 1,
  autoHideThresholdMax: 50,
  premodNewMemberPostsMin: 0,
  premodNewMemberPostsMax: 20,
  /** Per flagger, per minute. */
  flagsPerMinute: 20,
  queuePageMax: 200,
  logPageDefault: 50,
  logPageMax: 200,
} as const;

/** Free text that may span lines (tabs and newlines allowed), no other control characters. */
export const Text = (maxLength: number, minLength = 1) =>
  Type.String({ minLength, maxLength, pattern: '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$' });

export const FLAG_REASONS = ['inappropriate', 'offensive', 'off_topic', 'spam', 'other'] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];
export const FlagReasonSchema = Type.Union([
  Type.Literal('inappropriate'),
  Type.Literal('offensive'),
  Type.Literal('off_topic'),
  Type.Literal('spam'),
  Type.Literal('other'),
]);

export const CreateFlagBody = Body({
  reason: FlagReasonSchema,
  note: Type.Optional(Text(MODERATION_LIMITS.flagNoteMax, 0)),
});

export const Flag = Type.Object({
  id: Uuid,
  postId: Uuid,
  reason: FlagReasonSchema,
  note: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoDateTime,
});

export const TopicFlag = Type.Object({
  id: Uuid,
  topicId: Uuid,
  reason: FlagReasonSchema,
  note: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoDateTime,
});

export const RemovalBody = Body({ reason: Text(MODERATION_LIMITS.reasonMax) });
export const AuthorNoteBody = Body({ message: Text(MODERATION_LIMITS.authorNoteMax) });

export const PostStatusSchema = Type.Union([
  Type.Literal('published'),
  Type.Literal('pending'),
  Type.Literal('hidden'),
  Type.Literal('withdrawn'),
  Type.Literal('removed'),
]);

/** The post's moderation state after an action (what moderators and the author see). */
export const ModeratedPost = Type.Object({
  id: Uuid,
  topicId: Uuid,
  communityId: Uuid,
  status: PostStatusSchema,
  statusReason: Type.Union([Type.String(), Type.Null()]),
});

/** The topic's moderation state after an action (what moderators and the author see). */
export const ModeratedTopic = Type.Object({
  id: Uuid,
  communityId: Uuid,
  moderationStatus: TopicModerationStatus,
  moderationReason: Type.Union([Type.String(), Type.Null()]),
});

export const AuthorNote = Type.Object({
  id: Type.String(),
  message: Type.String(),
  createdAt: IsoDateTime,
  /** The moderator who wrote it: shown to moderators only (null for the author). */
  sentBy: Type.Union([Type.Object({ id: Uuid, displayName: Type.String() }), Type.Null()]),
});

/** A note as the topic page lists it: which post it is about. */
export const TopicAuthorNote = Type.Object({ postId: Uuid, ...AuthorNote.properties });

// ---- Review queue ----

const QueuePost = Type.Object({
  id: Uuid,
  status: PostStatusSchema,
  bodyMd: Type.String(),
  bodyHtml: Type.String(),
  createdAt: IsoDateTime,
  topic: Type.Object({ id: Uuid, title: Type.String() }),
  /** The post it replies to, shortened (null for a top-level post). */
  parent: Type.Union([Type.Object({ id: Uuid, excerpt: Type.String(), authorName: Type.String() }), Type.Null()]),
});

const QueueAuthor = Type.Object({
  id: Uuid,
  displayName: Type.String(),
  /** Other posts of theirs in this community that are currently removed. */
  earlierRemovals: Type.Integer(),
  suspension: Type.Union([Type.Object({ reason: Type.String(), until: Type.Union([IsoDateTime, Type.Null()]) }), Type.Null()]),
});

export const QueueFlag = Type.Object({
  id: Uuid,
  reason: FlagReasonSchema,
  note: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoDateTime,
  flagger: Type.Object({ id: Uuid, displayName: Type.String() }),
});

/** A topic in the queue: its words as moderators see them (the title, the problem or article, the prompts). */
const QueueTopic = Type.Object({
  id: Uuid,
  kind: TopicKind,
  title: Type.String(),
  moderationStatus: TopicModerationStatus,
  bodyMd: Type.String(),
  bodyHtml: Type.String(),
  prompts: Type.Array(Type.Object({ position: Type.Integer(), bodyHtml: Type.String() })),
  createdAt: IsoDateTime,
});

export const ModerationCounts = Type.Object({
  /** Posts with at least one open flag. */
  flaggedPosts: Type.Integer(),
  /** Posts held for approval. */
  pendingPosts: Type.Integer(),
  /** Topics with at least one open flag. */
  flaggedTopics: Type.Integer(),
  /** Topics held for approval. */
  pendingTopics: Type.Integer(),
  /** Badge number: all four added up. */
  total: Type.Integer(),
});

export const ModerationQueue = Type.Object({
  flagged: Type.Array(Type.Object({ post: QueuePost, author: QueueAuthor, flags: Type.Array(QueueFlag) })),
  pending: Type.Array(Type.Object({ post: QueuePost, author: QueueAuthor })),
  flaggedTopics: Type.Array(Type.Object({ topic: QueueTopic, author: QueueAuthor, flags: Type.Array(QueueFlag) })),
  pendingTopics: Type.Array(Type.Object({ topic: QueueTopic, author: QueueAuthor })),
  counts: ModerationCounts,
});

export const QueueQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MODERATION_LIMITS.queuePageMax })),
});

// ---- Watched words ----

export const WatchedWordAction = Type.Union([Type.Literal('block'), Type.Literal('hold')]);
export const WatchedWord = Type.Object({
  phrase: Line(MODERATION_LIMITS.watchedWordPhraseMax),
  action: WatchedWordAction,
});
export const WatchedWordsBody = Body({
  words: Type.Array(Type.Object({ phrase: Line(MODERATION_LIMITS.watchedWordPhraseMax), action: WatchedWordAction }, { additionalProperties: false }), {
    maxItems: MODERATION_LIMITS.watchedWordsMax,
  }),
});
export const WatchedWords = Type.Object({ words: Type.Array(WatchedWord) });

// ---- Settings ----

export const ModerationSettings = Type.Object({
  autoHideThreshold: Type.Integer(),
  premodNewMemberPosts: Type.Integer(),
  /** The text-search configuration the community's words are stemmed with ('simple': no stemming). */
  searchLanguage: Type.String(),
  /** The configurations this database offers (read-only). */
  searchLanguages: Type.Array(Type.String()),
});
export const ModerationSettingsPatch = Type.Object(
  {
    autoHideThreshold: Type.Optional(
      Type.Integer({ minimum: MODERATION_LIMITS.autoHideThresholdMin, maximum: MODERATION_LIMITS.autoHideThresholdMax }),
    ),
    premodNewMemberPosts: Type.Optional(
      Type.Integer({ minimum: MODERATION_LIMITS.premodNewMemberPostsMin, maximum: MODERATION_LIMITS.premodNewMemberPostsMax }),
    ),
    /** One of searchLanguages; changing it re-stems every topic, prompt and post of the community. */
    searchLanguage: Type.Optional(Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z_]+$' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

// ---- Suspensions ----

export const SuspensionBody = Body({
  reason: Text(MODERATION_LIMITS.reasonMax),
  /** Omit for "until lifted". */
  until: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
});
export const Suspension = Type.Object({
  id: Uuid,
  userId: Uuid,
  reason: Type.String(),
  until: Type.Union([IsoDateTime, Type.Null()]),
  createdAt: IsoDateTime,
});

// ---- Topic moderation ----

export const TopicModerationBody = Type.Object(
  { locked: Type.Optional(Type.Boolean()), closed: Type.Optional(Type.Boolean()), pinned: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
export const TopicModerationState = Type.Object({
  id: Uuid,
  lockedAt: Type.Union([IsoDateTime, Type.Null()]),
  closedAt: Type.Union([IsoDateTime, Type.Null()]),
  pinned: Type.Boolean(),
});

// ---- Audit log ----

export const LOG_ACTIONS = [
  'post.auto_hide',
  /** A post or edit held for review by a watched word or new-member pre-moderation (no human actor). */
  'post.hold',
  'post.remove',
  'post.restore',
  'post.approve',
  'post.author_note',
  'flags.dismiss',
  'watched_words.update',
  'settings.update',
  'member.suspend',
  'member.unsuspend',
  'member.remove',
  'topic.moderate',
  /** A topic, or an edit of it, held for review by a watched word or new-member pre-moderation (no human actor). */
  'topic.hold',
  'topic.auto_hide',
  'topic.remove',
  'topic.restore',
  'topic.approve',
] as const;
export type LogAction = (typeof LOG_ACTIONS)[number];

export const LogEntry = Type.Object({
  id: Type.String(),
  action: Type.String(),
  actor: Type.Union([Type.Object({ id: Uuid, displayName: Type.String() }), Type.Null()]),
  targetType: Type.String(),
  targetId: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  createdAt: IsoDateTime,
  /** What the entry is about, in words: a member's name, or the title of the topic (of a post); null when gone. */
  target: Type.Object({
    name: Type.Union([Type.String(), Type.Null()]),
    /** The topic to link to (a post's topic, or the topic itself). */
    topicId: Type.Union([Uuid, Type.Null()]),
    /** The post to link to, when the entry is about a post. */
    postId: Type.Union([Uuid, Type.Null()]),
  }),
  /** Display names of the people whose ids appear in before/after (e.g. a note's authorId). */
  names: Type.Record(Type.String(), Type.String()),
});
export const LogPage = Type.Object({
  items: Type.Array(LogEntry),
  /** Pass as ?cursor= for the next (older) page; null when there is none. */
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export const LogQuery = Type.Object({
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
  action: Type.Optional(Type.String({ enum: [...LOG_ACTIONS] })),
  memberId: Type.Optional(Uuid),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MODERATION_LIMITS.logPageMax })),
});

export type ModerationQueue = Static<typeof ModerationQueue>;
export type LogEntry = Static<typeof LogEntry>;
export type WatchedWordRule = Static<typeof WatchedWord>;
