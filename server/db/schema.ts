// The whole data model. Column names are snake_case in SQL, camelCase in TypeScript.
// Nothing a member writes is ever deleted: posts change status, edits add revisions,
// moderation writes to an append-only log (see migrations/0001_*).
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  customType,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  pgSequence,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(), // stored lower-cased
    passwordHash: text('password_hash').notNull(),
    displayName: text('display_name').notNull(),
    /** Unique, lower-case, for @mentions; a trigger derives it from the display name when an insert leaves it out. */
    handle: text('handle')
      .notNull()
      .$defaultFn(() => sql`default`),
    bio: text('bio').notNull().default(''),
    /** "What I can help with": the seeds' "who knows what". */
    expertise: text('expertise').notNull().default(''),
    /** Null until the member follows the link mailed at registration: no mail goes to an unverified address. */
    emailVerifiedAt: ts('email_verified_at'),
    /** How notifications reach the member by mail: at once (grouped per topic and minute), digests, or never. */
    emailPreference: text('email_preference', { enum: ['immediate', 'daily', 'weekly', 'never'] }).notNull().default('daily'),
    isAdmin: boolean('is_admin').notNull().default(false),
    suspendedAt: ts('suspended_at'), // instance-wide account suspension: no sign-in, sessions end
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    uniqueIndex('users_handle_key').on(t.handle),
    check('users_handle_check', sql`${t.handle} ~ '^[a-z0-9_]{3,30}$'`),
  ],
);

/**
 * Single-use tokens mailed to a member: password reset (1 hour), email verification, email change (to the new
 * address). Only a hash is kept; using one stamps used_at, so a second use fails.
 */
export const accountTokens = pgTable(
  'account_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    purpose: text('purpose', { enum: ['password_reset', 'verify_email', 'change_email'] }).notNull(),
    tokenHash: text('token_hash').notNull(),
    /** change_email: the address that becomes the account's once confirmed. */
    newEmail: text('new_email'),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('account_tokens_hash_key').on(t.tokenHash),
    index('account_tokens_user_idx').on(t.userId, t.purpose, t.createdAt),
    check('account_tokens_purpose_check', sql`${t.purpose} in ('password_reset', 'verify_email', 'change_email')`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(), // sha256 of the cookie token; the token itself is never stored
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    expiresAt: ts('expires_at').notNull(),
    endedAt: ts('ended_at'),
  },
  (t) => [uniqueIndex('sessions_token_hash_key').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

// One row per failed sign-in and counter it feeds (account + address, account + device, the account's
// untrusted attempts, the address), so throttling holds across processes (features/auth/sign-in-limits.ts).
// Counters, not member content: rows older than the longest window are pruned.
export const loginFailures = pgTable(
  'login_failures',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull(),
    at: createdAt(),
  },
  (t) => [index('login_failures_key_at_idx').on(t.key, t.at)],
);

// Secrets the server generates once and every process shares (e.g. the key that signs device cookies
// when COOKIE_SECRET is unset), so they survive restarts and agree across processes.
export const serverSecrets = pgTable('server_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: createdAt(),
});

/**
 * Outgoing mail as durable jobs (server/mail/queue.ts). A worker claims a due job for a lease, sends it outside
 * any transaction, then marks it sent; a refused or failed send is retried with backoff. `dedupe_key` makes
 * enqueueing the same mail twice (a digest for one member and day, say) a no-op.
 */
export const mailJobs = pgTable(
  'mail_jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').notNull(),
    toAddress: text('to_address').notNull(),
    userId: uuid('user_id'),
    /** { subject, text, html, messageId, inReplyTo?, references?, headers? } */
    message: jsonb('message').notNull(),
    dedupeKey: text('dedupe_key').unique(),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    runAt: timestamp('run_at', { withTimezone: true }).notNull().defaultNow(),
    /** While `sending`: the claim; another worker may take the job again only after it has passed. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    claimToken: uuid('claim_token'),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('mail_jobs_due_idx').on(t.runAt).where(sql`status in ('pending', 'sending')`),
    check('mail_jobs_status_check', sql`${t.status} in ('pending', 'sending', 'sent', 'failed')`),
  ],
);

export const communities = pgTable(
  'communities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    joinPolicy: text('join_policy').$type<'open' | 'invite'>().notNull(),
    autoHideThreshold: integer('auto_hide_threshold').notNull().default(3),
    premodNewMemberPosts: integer('premod_new_member_posts').notNull().default(0),
    // The text-search configuration its words are stemmed with (migration 0018; 'simple' if not installed).
    searchLanguage: text('search_language').notNull().default('simple'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('communities_slug_key').on(t.slug)],
);

export const memberships = pgTable(
  'memberships',
  {
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    // Every member is a practitioner; these are the added roles.
    roles: text('roles').array().$type<Array<'facilitator' | 'moderator' | 'manager'>>().notNull().default(sql`'{}'::text[]`),
    joinedAt: ts('joined_at').notNull().defaultNow(),
    removedAt: ts('removed_at'), // membership removal keeps the row (and everything the member wrote)
  },
  (t) => [primaryKey({ columns: [t.communityId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

export const suspensions = pgTable(
  'suspensions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    reason: text('reason').notNull(),
    until: ts('until'), // null: until lifted
    liftedAt: ts('lifted_at'),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('suspensions_member_idx').on(t.communityId, t.userId)],
);

export const invites = pgTable(
  'invites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    tokenHash: text('token_hash').notNull(),
    roles: text('roles').array().$type<Array<'facilitator' | 'moderator' | 'manager'>>().notNull().default(sql`'{}'::text[]`),
    email: text('email'),
    expiresAt: ts('expires_at').notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    acceptedBy: uuid('accepted_by').references(() => users.id),
    acceptedAt: ts('accepted_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('invites_token_hash_key').on(t.tokenHash)],
);

// Topics, prompts and posts also have a `search_vector` tsvector column, its GIN index and the triggers
// that write it (migration 0018_search.sql; queries in domain/search-index.ts and features/search). They
// are not mapped here on purpose, so that no ORM select carries a row's vector.

export type TopicModerationStatus = 'published' | 'pending' | 'hidden' | 'removed';

export const topics = pgTable(
  'topics',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    kind: text('kind').$type<'cpd' | 'problem'>().notNull(),
    title: text('title').notNull(),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    // The CPD article, or the practice problem's description.
    bodyMd: text('body_md').notNull(),
    bodyHtml: text('body_html').notNull(),
    articleUrl: text('article_url'),
    opensAt: ts('opens_at'),
    closesAt: ts('closes_at'),
    lockedAt: ts('locked_at'),
    closedAt: ts('closed_at'), // closed by hand, before or without closesAt
    pinned: boolean('pinned').notNull().default(false),
    solutionPostId: uuid('solution_post_id'),
    postCount: integer('post_count').notNull().default(0),
    // Kept exactly by adjustCountsForStatusChange and recordView (posts/topics queries), under the topic
    // row lock: distinct authors of published posts, and members who viewed but have no published post.
    posterCount: integer('poster_count').notNull().default(0),
    readerCount: integer('reader_count').notNull().default(0),
    lastActivityAt: ts('last_activity_at').notNull().defaultNow(),
    // Moderation, as for posts (not the open/upcoming/closed `status` of the API, which comes from the dates):
    // pending = held for approval (watched word "hold", new-member pre-moderation), hidden = auto-hidden by
    // flags until reviewed, removed = by a moderator. Only published topics are listed for and counted by members.
    moderationStatus: text('moderation_status').$type<TopicModerationStatus>().notNull().default('published'),
    moderationReason: text('moderation_reason'), // removal reason shown to the author and moderators
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('topics_community_activity_idx').on(t.communityId, t.pinned, t.lastActivityAt),
    // Posting limits (server/domain/posting-limits.ts) count a member's recent topics.
    index('topics_author_created_idx').on(t.authorId, t.createdAt),
    // Search finds a community's most recent matching topics first (features/search).
    index('topics_community_created_idx').on(t.communityId, t.createdAt),
  ],
);

// Guest facilitators (and the author) named for one topic.
export const topicFacilitators = pgTable(
  'topic_facilitators',
  {
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.topicId, t.userId] })],
);

export const prompts = pgTable(
  'prompts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id),
    position: integer('position').notNull(),
    bodyMd: text('body_md').notNull(),
    bodyHtml: text('body_html').notNull(),
    releaseAt: ts('release_at'), // null: released with the topic
    answerFirst: boolean('answer_first').notNull().default(false),
    releasedEventAt: ts('released_event_at'), // when prompt.released was published (scheduled prompts)
    createdAt: createdAt(),
  },
  (t) => [index('prompts_topic_idx').on(t.topicId, t.position)],
);

// Every version of a topic's own words (its title and its CPD article or practice-problem description: prompt_id
// null) and of each prompt's text (prompt_id set), as post_revisions keeps a reply's. The first edit also writes
// version 1 (the words as created, by the topic's author), so the history starts where the topic did; a topic or
// prompt never edited has no rows (its current words are its version 1). Rows are only ever added.
export const topicRevisions = pgTable(
  'topic_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id),
    promptId: uuid('prompt_id').references(() => prompts.id),
    version: integer('version').notNull(),
    title: text('title'), // the topic's rows only
    bodyMd: text('body_md').notNull(),
    bodyHtml: text('body_html').notNull(),
    editorId: uuid('editor_id')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [unique('topic_revisions_version_uq').on(t.topicId, t.promptId, t.version).nullsNotDistinct()],
);

export type PostStatus = 'published' | 'pending' | 'hidden' | 'withdrawn' | 'removed';

export const posts = pgTable(
  'posts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    parentId: uuid('parent_id'),
    promptId: uuid('prompt_id'),
    depth: integer('depth').notNull().default(0),
    bodyMd: text('body_md').notNull(),
    bodyHtml: text('body_html').notNull(),
    status: text('status').$type<PostStatus>().notNull().default('published'),
    statusReason: text('status_reason'), // removal reason shown to the author
    version: integer('version').notNull().default(1),
    helpfulCount: integer('helpful_count').notNull().default(0),
    createdAt: createdAt(),
    editedAt: ts('edited_at'),
  },
  (t) => [
    index('posts_topic_created_idx').on(t.topicId, t.createdAt, t.id),
    index('posts_community_created_idx').on(t.communityId, t.createdAt),
    index('posts_author_created_idx').on(t.authorId, t.createdAt),
    // "Has this member a published post here?" (a first view that makes a reader, invitations' follow-up).
    index('posts_topic_author_published_idx').on(t.topicId, t.authorId).where(sql`status = 'published'`),
    // A member's unread count per listed topic: published posts after their read position, by others, not
    // in prompts hidden from them. Carrying author and prompt makes it an index-only scan (a heap read per
    // post before: 28 ms a list at scale 1).
    index('posts_topic_published_created_idx').on(t.topicId, t.createdAt, t.authorId, t.promptId).where(sql`status = 'published'`),
    // A listed topic's replies hidden from the viewer after their read position, prompt by prompt: this prompt's
    // published replies only, not every published post of the topic since the position (in a busy topic a
    // member had not read for a while: 865 replies of one prompt among 20,000 posts, 3.8 of a 5.1 ms list).
    index('posts_prompt_published_created_idx').on(t.promptId, t.createdAt, t.authorId, t.topicId).where(sql`status = 'published' and prompt_id is not null`),
    // "Has this member answered this answer-first prompt?" for every prompt of the listed topics: read from
    // this index alone (PostgreSQL hashes the member's (topic, prompt) pairs), not from all of a prolific
    // member's posts (19k posts: 92 ms of one list request).
    index('posts_author_prompt_idx').on(t.authorId, t.promptId, t.topicId).where(sql`prompt_id is not null`),
    // Engagement reports scan a period's posts: carrying what they read in the index makes it an
    // index-only scan instead of one random heap read per post (posts are stored topic by topic).
    index('posts_community_created_cover_idx').on(t.communityId, t.createdAt, t.status, t.authorId, t.topicId, t.promptId, t.id),
  ],
);

// Every version of every post, the first included.
export const postRevisions = pgTable(
  'post_revisions',
  {
    postId: uuid('post_id')
      .notNull()
      .references(() => posts.id),
    version: integer('version').notNull(),
    bodyMd: text('body_md').notNull(),
    bodyHtml: text('body_html').notNull(),
    editorId: uuid('editor_id')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.version] })],
);

export const helpfulMarks = pgTable(
  'helpful_marks',
  {
    postId: uuid('post_id')
      .notNull()
      .references(() => posts.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.postId, t.userId] }),
    // "Did I mark this post helpful?" for each post of a page: without it PostgreSQL hashed every mark of
    // the viewer found by a sequential scan of all marks (50 ms of a 52 ms page of posts at scale 1).
    index('helpful_marks_user_post_idx').on(t.userId, t.postId),
  ],
);

// One row per member per topic per day they opened it: the engagement report's "readers".
export const topicViews = pgTable(
  'topic_views',
  {
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    day: date('day', { mode: 'string' }).notNull(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    // The member's previous day on this topic (null: the first). Kept by triggers (migration 0007). It
    // turns "distinct topics / readers in a range" into a count without a sort or hash over every view:
    // a view in d0..d1 is its (topic, member) pair's first in the range exactly when prev_day < d0 or null.
    prevDay: date('prev_day', { mode: 'string' }),
  },
  (t) => [
    primaryKey({ columns: [t.topicId, t.userId, t.day] }),
    // Engagement reports (topics viewed, silent readers per topic): an index-only scan of a period's views.
    index('topic_views_community_day_cover_idx').on(t.communityId, t.day, t.userId, t.topicId, t.prevDay),
    // One member's views in a range (a page of the engagement members table; the authors' own reading
    // in the topics report), index-only.
    index('topic_views_member_day_idx').on(t.communityId, t.userId, t.day, t.topicId, t.prevDay),
  ],
);

// Engagement rollup: on which days of each ISO week (bit 0 = Monday … bit 6 = Sunday, UTC days as in
// topic_views) a member opened any topic of the community. One row per member per week instead of one
// per topic per day, so "did they read in this range / this week" is a small scan. Kept exact by
// triggers on topic_views (migration 0004), in the same transaction as the view; bulk loads that skip
// triggers call engagement_view_weeks_rebuild(). No foreign keys: derived rows, checked at the source.
export const engagementViewWeeks = pgTable(
  'engagement_view_weeks',
  {
    communityId: uuid('community_id').notNull(),
    weekStart: date('week_start', { mode: 'string' }).notNull(),
    userId: uuid('user_id').notNull(),
    days: integer('days').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.weekStart, t.userId] }),
    index('engagement_view_weeks_member_idx').on(t.communityId, t.userId, t.weekStart),
    // A period's readers as an index-only scan (the rollup's rows are not stored week by week).
    index('engagement_view_weeks_cover_idx').on(t.communityId, t.weekStart, t.userId, t.days),
  ],
);

// Engagement rollup: what each member wrote on each UTC day — counted posts (topic openings plus published or
// withdrawn replies), of which replies and openings, replies removed by moderators, and helpful marks received
// on that day's counted replies. One row per member per active day instead of one per post, so a period's
// "who posted how much" is a short scan and the helpful count needs no join. Kept exact by triggers on
// topics, posts and helpful_marks (migration 0006), in the writing transaction; bulk loads that skip
// triggers call engagement_member_days_rebuild(). Reports use it when their time zone is UTC, whose days
// are its days; other zones group the posts themselves by local day. No foreign keys: derived rows.
export const engagementMemberDays = pgTable(
  'engagement_member_days',
  {
    communityId: uuid('community_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    userId: uuid('user_id').notNull(),
    posts: integer('posts').notNull().default(0),
    replies: integer('replies').notNull().default(0),
    openings: integer('openings').notNull().default(0),
    removed: integer('removed').notNull().default(0),
    helpful: integer('helpful').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.day, t.userId] }),
    index('engagement_member_days_member_idx').on(t.communityId, t.userId, t.day),
  ],
);

// A log of changes to the engagement rollups' finished past: one row per statement and (community, ISO week)
// that changed a row of engagement_member_days for a day before today (UTC, by the clock), or of
// engagement_view_weeks for a week that ended before today (migration 0021). The engagement reports cache
// finished weeks in memory (features/engagement/activity-cache.ts) and trust a cached week while its
// number of log rows is what it was when the week was read. Append-only: writers take no shared lock.
export const engagementFinalChanges = pgTable(
  'engagement_final_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    communityId: uuid('community_id').notNull(),
    weekStart: date('week_start', { mode: 'string' }).notNull(),
  },
  (t) => [index('engagement_final_changes_week_idx').on(t.communityId, t.weekStart)],
);

/** PostgreSQL `bit varying`: the member bitmaps of engagement_topic_weeks, handled in SQL only. */
const varbit = customType<{ data: string }>({ dataType: () => 'bit varying' });

// Per-topic engagement rollups (migration 0009), kept exact by triggers like engagement_member_days, so the
// per-topic report need not read a period's posts and views (~260k and ~1.3M rows for 3 months at bench scale).
// Distinct readers and posters over any set of weeks are bit counts of OR-ed bitmaps, one bit per participant:
// engagement_participants numbers each (community, user) that ever read or wrote in the community, densely from 0.
export const engagementParticipants = pgTable(
  'engagement_participants',
  {
    communityId: uuid('community_id').notNull(),
    userId: uuid('user_id').notNull(),
    no: integer('no').notNull(),
  },
  (t) => [primaryKey({ columns: [t.communityId, t.userId] }), uniqueIndex('engagement_participants_no_idx').on(t.communityId, t.no)],
);

// One row per topic and ISO week (UTC) with activity: bit n of `viewers` is set when participant n viewed the
// topic that week, of `posters` when they had a counted act in it (opening or published/withdrawn reply).
export const engagementTopicWeeks = pgTable(
  'engagement_topic_weeks',
  {
    topicId: uuid('topic_id').notNull(),
    weekStart: date('week_start', { mode: 'string' }).notNull(),
    communityId: uuid('community_id').notNull(),
    viewers: varbit('viewers').notNull().default(sql`B''`),
    posters: varbit('posters').notNull().default(sql`B''`),
  },
  (t) => [primaryKey({ columns: [t.topicId, t.weekStart] }), index('engagement_topic_weeks_community_idx').on(t.communityId, t.weekStart)],
);

// How many counted acts each member has in each topic-week: the trigger sets a poster bit when this goes
// 0 → 1 and clears it when it falls back to 0 (a moderator removing the member's only post that week).
export const engagementTopicPosterWeeks = pgTable(
  'engagement_topic_poster_weeks',
  {
    topicId: uuid('topic_id').notNull(),
    weekStart: date('week_start', { mode: 'string' }).notNull(),
    userId: uuid('user_id').notNull(),
    acts: integer('acts').notNull(),
  },
  (t) => [primaryKey({ columns: [t.topicId, t.weekStart, t.userId] })],
);

// Counted acts per topic, UTC day and prompt (null: not an answer to a prompt): posts and per-prompt counts.
// Migration 0009 also gives it engagement_topic_days_cover_idx (community_id, day) INCLUDE (topic_id,
// prompt_id, acts), written by hand there (no INCLUDE in drizzle's index builder).
export const engagementTopicDays = pgTable(
  'engagement_topic_days',
  {
    communityId: uuid('community_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    topicId: uuid('topic_id').notNull(),
    promptId: uuid('prompt_id'),
    acts: integer('acts').notNull(),
  },
  (t) => [unique('engagement_topic_days_key').on(t.communityId, t.day, t.topicId, t.promptId).nullsNotDistinct()],
);

export const topicReads = pgTable(
  'topic_reads',
  {
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    lastReadPostId: uuid('last_read_post_id'),
    lastReadAt: ts('last_read_at').notNull(), // created_at of the last read post: posts after it are unread
    updatedAt: ts('updated_at').notNull().defaultNow(),
    // Published posts of the topic at or before last_read_at, kept by the database (migrations/0025): unread is
    // post_count less this, less the viewer's own and hidden replies after the position.
    readCount: integer('read_count').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.topicId] }),
    // The readers at or after a post whose status changes (their read_count moves with it).
    index('topic_reads_topic_position_idx').on(t.topicId, t.lastReadAt),
  ],
);

/**
 * Each member's published posts per topic, kept by triggers on posts (migrations/0027): a topic's unread count
 * for a member who never opened it is post_count less this, without counting their posts; and whether a post's
 * author has another published post in its topic (stoa_count_topic_post, migration 0028).
 */
export const topicPosterCounts = pgTable(
  'topic_poster_counts',
  {
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    published: integer('published').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.topicId, t.userId] })],
);

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code').notNull(),
    response: jsonb('response').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

// The live event log: ids come from PostgreSQL and only grow; kept for at least 7 days.
/** Event positions (event-sequencer.ts): a sequence, so pruning old events never lets a position repeat. */
export const eventPositions = pgSequence('events_position_seq');

export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    communityId: uuid('community_id').notNull(),
    topicId: uuid('topic_id'),
    name: text('name').notNull(),
    data: jsonb('data').notNull(),
    // The commit order: assigned after commit by the event sequencer (domain/event-sequencer.ts); null until
    // then, and such an event is not yet delivered. Live cursors, replay and the notifier read in this order.
    position: bigint('position', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('events_position_idx').on(t.position),
    index('events_community_position_idx').on(t.communityId, t.position),
    index('events_topic_position_idx').on(t.topicId, t.position),
    index('events_unpositioned_idx').on(t.id).where(sql`${t.position} is null`),
  ],
);

// Each community's newest event position (migration 0026): the live cursor of every page read, one row to
// read. The event sequencer writes it in the statement that gives positions, so it is never ahead of them.
export const communityEventPositions = pgTable('community_event_positions', {
  communityId: uuid('community_id')
    .primaryKey()
    .references(() => communities.id),
  position: bigint('position', { mode: 'number' }).notNull(),
});

export const flags = pgTable(
  'flags',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    // What is flagged: a post, or a topic (its title, text and prompts). Exactly one of the two.
    postId: uuid('post_id').references(() => posts.id),
    topicId: uuid('topic_id').references(() => topics.id),
    flaggerId: uuid('flagger_id')
      .notNull()
      .references(() => users.id),
    reason: text('reason').$type<'inappropriate' | 'offensive' | 'off_topic' | 'spam' | 'other'>().notNull(),
    note: text('note'),
    createdAt: createdAt(),
    resolvedAt: ts('resolved_at'),
    resolution: text('resolution'), // 'removed' | 'kept'
  },
  (t) => [
    index('flags_community_open_idx').on(t.communityId, t.resolvedAt),
    uniqueIndex('flags_one_open_per_member').on(t.postId, t.flaggerId).where(sql`resolved_at is null`),
    uniqueIndex('flags_one_open_per_member_topic').on(t.topicId, t.flaggerId).where(sql`resolved_at is null and topic_id is not null`),
    check('flags_one_target', sql`num_nonnulls(${t.postId}, ${t.topicId}) = 1`),
  ],
);

export const watchedWords = pgTable(
  'watched_words',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    phrase: text('phrase').notNull(),
    action: text('action').$type<'block' | 'hold'>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('watched_words_community_idx').on(t.communityId)],
);

// Append-only: a trigger (migrations/0001) refuses UPDATE and DELETE.
export const moderationLog = pgTable(
  'moderation_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    actorId: uuid('actor_id').references(() => users.id),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    reason: text('reason'),
    before: jsonb('before'),
    after: jsonb('after'),
    createdAt: createdAt(),
  },
  (t) => [index('moderation_log_community_idx').on(t.communityId, t.id)],
);


/**
 * What a member is told about (server/features/notifications/). Written by the notifier from the event log;
 * `group_key` batches repeats while unread ("3 people found your post helpful").
 */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind', { enum: ['reply', 'mention', 'post', 'topic', 'prompt', 'helpful', 'solution', 'moderation', 'invitation'] }).notNull(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    topicId: uuid('topic_id').references(() => topics.id),
    postId: uuid('post_id').references(() => posts.id),
    actorId: uuid('actor_id').references(() => users.id),
    /** What the text needs beyond the ids (a count, a moderator's note, a status). */
    data: jsonb('data').notNull().default(sql`'{}'::jsonb`),
    groupKey: text('group_key'),
    /** The event it came from. */
    eventId: bigint('event_id', { mode: 'number' }),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    readAt: ts('read_at'),
    /** When a mail carried it (immediate mail or a digest); null: not mailed (yet). */
    mailedAt: ts('mailed_at'),
  },
  (t) => [
    index('notifications_user_idx').on(t.userId, t.id),
    index('notifications_unread_idx').on(t.userId).where(sql`read_at is null`),
    uniqueIndex('notifications_group_unread_key').on(t.userId, t.groupKey).where(sql`read_at is null and group_key is not null`),
    check('notifications_kind_check', sql`${t.kind} in ('reply', 'mention', 'post', 'topic', 'prompt', 'helpful', 'solution', 'moderation', 'invitation')`),
  ],
);

/** A member's watching level for a topic or a community (absent: the default, see notifications/levels.ts). */
export const watches = pgTable(
  'watches',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    targetType: text('target_type', { enum: ['topic', 'community'] }).notNull(),
    targetId: uuid('target_id').notNull(),
    level: text('level', { enum: ['watching', 'tracking', 'normal', 'muted'] }).notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.targetType, t.targetId] }),
    index('watches_target_idx').on(t.targetType, t.targetId),
    check('watches_level_check', sql`${t.level} in ('watching', 'tracking', 'normal', 'muted')`),
  ],
);

/** How far the notifier has read each community's events: `last_event_id` is an event position (the commit order). */
export const notifierCursors = pgTable('notifier_cursors', {
  communityId: uuid('community_id')
    .primaryKey()
    .references(() => communities.id),
  lastEventId: bigint('last_event_id', { mode: 'number' }).notNull().default(0),
});

/** A facilitator's invitation to a topic's silent readers, with a personal note (notifications/invitations.ts). */
export const topicInvitations = pgTable(
  'topic_invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id),
    invitedBy: uuid('invited_by')
      .notNull()
      .references(() => users.id),
    note: text('note').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('topic_invitations_topic_idx').on(t.topicId, t.createdAt)],
);

/** Who was invited: each member at most once per topic. */
export const topicInvitees = pgTable(
  'topic_invitees',
  {
    invitationId: uuid('invitation_id')
      .notNull()
      .references(() => topicInvitations.id),
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.topicId, t.userId] }), index('topic_invitees_invitation_idx').on(t.invitationId)],
);
