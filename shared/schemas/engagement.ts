// Engagement analytics (issue 6): query parameters and response shapes, shared by server and dashboard.
import { Type, type Static } from 'typebox';
import { Uuid } from './common.js';

export const ENGAGEMENT_CLASSES = ['core', 'contributor', 'reader', 'inactive'] as const;
export type EngagementClass = (typeof ENGAGEMENT_CLASSES)[number];
/** A trajectory end may also be "not a member" (joined later / left before). */
export const TRAJECTORY_CLASSES = [...ENGAGEMENT_CLASSES, 'notMember'] as const;
export type TrajectoryClass = (typeof TRAJECTORY_CLASSES)[number];

/** Longest range a report may cover (2 years, a leap day included). */
export const ENGAGEMENT_MAX_DAYS = 731;
/** Range used when `from`/`to` are left out: the last 91 days (13 weeks) up to today. */
export const ENGAGEMENT_DEFAULT_DAYS = 91;
export const ENGAGEMENT_TOP_DEFAULT = 10;
export const ENGAGEMENT_TOP_MAX = 100;
/** Members table rows per page (JSON; downloads hold every row). */
export const MEMBERS_PAGE_DEFAULT = 100;
export const MEMBERS_PAGE_MAX = 1000;
/** Trajectories: member strips per page (JSON; downloads hold every member). */
export const TRAJECTORY_PAGE_DEFAULT = 100;
export const TRAJECTORY_PAGE_MAX = 1000;

/**
 * The definitions in plain words, as the dashboard shows them to a project manager (and the API returns
 * them): no field names. The API document adds ENGAGEMENT_FIELD_NOTES, which names the fields.
 */
export const ENGAGEMENT_DEFINITIONS = {
  range: `The period runs from its first day to its last, both included. Days start at midnight UTC unless you choose another time zone. A period can be up to ${ENGAGEMENT_MAX_DAYS} days (two years). If you choose no dates, it is the last ${ENGAGEMENT_DEFAULT_DAYS} days, up to and including today.`,
  posts:
    'Posts are the opening posts of topics and the replies to them. A post counts once it is published, even if its author withdraws it later. Posts that moderators removed do not count (they are shown as removed posts), and neither do posts waiting for approval or hidden after being flagged. Topics work the same way: a topic removed by moderators is a removed post, and a topic held or hidden counts nowhere and is not listed. Post totals include everyone who wrote; the member groups count members only.',
  views:
    'Reading a topic is recorded once a day for each member and topic. Reading days are UTC days, whatever time zone you choose.',
  members: 'Members: everyone who was a member at some time in the period (joined before it ended and not removed before it began).',
  posters: 'Posted: members who wrote at least one post in the period (core members and contributors together).',
  lurkers: 'Only read: members who wrote nothing in the period but opened at least one topic (readers).',
  inactive: 'Inactive: members who neither wrote nor read in the period. Posted + only read + inactive = all members.',
  classes:
    'Groups, for the whole period and for each week: core members wrote 3 or more posts a week on average; contributors wrote at least one post but fewer; readers only read; inactive members did neither. Weeks start on Monday in the chosen time zone. The first and last week may be part-weeks; for them the "3 a week" mark is scaled to their days.',
  postsPerWeek: 'Posts a week: a member’s posts in the period divided by the number of weeks in it.',
  medianFirstReplyMinutes:
    'Typical time to first reply: of the topics opened in the period that got a reply, the typical (median) time from the opening post to the first reply by someone other than its author. Half of these topics were answered sooner, half later. The reply itself may come after the period. A dash means no topic opened in the period has a reply yet.',
  previous: 'Compared with the previous period: the same figures for the period of the same length just before this one.',
  helpfulReceived: 'Helpful received: how often other members marked the member’s posts from this period as helpful.',
  topics:
    'Topics: every topic with a post or a reader in the period. Posts include everyone who wrote. "Posted" and "only read" count members: a member who read and also posted counts once, as posted. Facilitators are the author of a CPD topic and its named guest facilitators. First post, last post and days are about the posts in the period.',
  trajectories:
    'Movement between groups: which group each member was in during the previous period and during this one. The table counts how many members moved from each group to each other group ("not a member" means they joined later or had left). Each member’s row also shows their group week by week across both periods. The list of members shows a page at a time; the download holds everyone.',
} as const;

/** For the API document only: which response fields and parameters each definition is about. */
export const ENGAGEMENT_FIELD_NOTES: Partial<Record<keyof typeof ENGAGEMENT_DEFINITIONS, string>> = {
  range: `Parameters from and to (YYYY-MM-DD, inclusive) and tz (an IANA time zone); both dates left out: the last ${ENGAGEMENT_DEFAULT_DAYS} days up to today in tz.`,
  posts: 'Fields posts, replies, newTopics, removedPosts (every author); posters, lurkers, inactive, core, contributors (members).',
  posters: 'posters = core + contributors.',
  lurkers: 'lurkers = members of class reader.',
  classes: 'class: core (posts × 7 ≥ 3 × days), contributor, reader, inactive.',
  medianFirstReplyMinutes: 'medianFirstReplyMinutes: minutes, one decimal; null when there is none.',
  previous: 'previous and previousRange.',
  topics: 'Per topic: posts, posters, readersWhoDidNotPost ("only read"), perPrompt (replies per prompt, by position), facilitators, firstPostAt, lastPostAt, durationDays.',
  trajectories: 'previousClass / currentClass (notMember when the membership did not overlap the period); weeks (null outside the membership); members paged by limit and offset; fromClass and toClass pick one transition.',
};

const DateParam = (description: string) =>
  Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description });

export const RangeQuery = {
  from: Type.Optional(DateParam('First day of the range (inclusive), YYYY-MM-DD.')),
  to: Type.Optional(DateParam('Last day of the range (inclusive), YYYY-MM-DD. At most 731 days after from.')),
  tz: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone for day and week boundaries (default UTC).' })),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: 'csv: a UTF-8 CSV download (also chosen by Accept: text/csv).' })),
};

export const ClassName = Type.Union([Type.Literal('core'), Type.Literal('contributor'), Type.Literal('reader'), Type.Literal('inactive')]);
export const TrajectoryClassName = Type.Union([...ClassName.anyOf, Type.Literal('notMember')]);

export const SummaryQuery = Type.Object({
  ...RangeQuery,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: ENGAGEMENT_TOP_MAX, description: 'How many top contributors (default 10).' })),
  table: Type.Optional(
    Type.Union([Type.Literal('summary'), Type.Literal('weekly'), Type.Literal('top')], { description: 'Which table the CSV holds (default summary).' }),
  ),
});

export const TOPIC_SORTS = ['posts', 'posters', 'readersWhoDidNotPost', 'firstPostAt', 'lastPostAt', 'durationDays', 'title'] as const;
export const TopicsQuery = Type.Object({
  ...RangeQuery,
  topicId: Type.Optional(Uuid),
  sort: Type.Optional(
    Type.String({
      pattern: `^-?(${TOPIC_SORTS.join('|')})$`,
      description: `One of ${TOPIC_SORTS.join(', ')}; a leading "-" sorts descending (default -posts).`,
    }),
  ),
});

export const MembersQuery = Type.Object({
  ...RangeQuery,
  class: Type.Optional(ClassName),
  topicId: Type.Optional(Type.String({ format: 'uuid', description: 'Figures and classes relative to this topic only ("the lurkers of this topic").' })),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MEMBERS_PAGE_MAX, description: `Rows per page, most posts first (default ${MEMBERS_PAGE_DEFAULT}). Downloads (format=csv or json) hold every row.` }),
  ),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Rows to skip, default 0. Ignored by downloads.' })),
});

export const TrajectoriesQuery = Type.Object({
  ...RangeQuery,
  table: Type.Optional(
    Type.Union([Type.Literal('members'), Type.Literal('transitions')], {
      description: 'Which table a download (format=csv or format=json) holds in full (default members; transitions: no member strips).',
    }),
  ),
  fromClass: Type.Optional(TrajectoryClassName),
  toClass: Type.Optional(TrajectoryClassName),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: TRAJECTORY_PAGE_MAX, description: `Members (with their week strips) per page, default ${TRAJECTORY_PAGE_DEFAULT}. The CSV holds every member.` }),
  ),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Members to skip (in name order), default 0. Ignored by downloads.' })),
});

export const MeQuery = Type.Object({ ...RangeQuery });

export const Range = Type.Object({
  from: Type.String(),
  to: Type.String(),
  tz: Type.String(),
  days: Type.Integer(),
  /** Start (inclusive) and end (exclusive) instants of the range in UTC. */
  startsAt: Type.String(),
  endsAt: Type.String(),
});

export const Percentages = Type.Object({ posters: Type.Number(), lurkers: Type.Number(), inactive: Type.Number() });

export const EngagementCounts = Type.Object({
  members: Type.Integer(),
  posters: Type.Integer(),
  lurkers: Type.Integer(),
  inactive: Type.Integer(),
  core: Type.Integer(),
  contributors: Type.Integer(),
  /** Share of members, in percent with one decimal (0 when there are no members). */
  percentages: Percentages,
  posts: Type.Integer(),
  replies: Type.Integer(),
  newTopics: Type.Integer(),
  removedPosts: Type.Integer(),
  medianFirstReplyMinutes: Type.Union([Type.Number(), Type.Null()]),
});

export const WeeklyRow = Type.Object({
  weekStart: Type.String({ description: 'Monday of the ISO week (YYYY-MM-DD).' }),
  days: Type.Integer({ description: 'Days of this week inside the range (7 except possibly the first and last).' }),
  members: Type.Integer(),
  posters: Type.Integer(),
  lurkers: Type.Integer(),
  inactive: Type.Integer(),
  core: Type.Integer(),
  contributors: Type.Integer(),
  posts: Type.Integer(),
});

export const TopContributor = Type.Object({
  userId: Uuid,
  displayName: Type.String(),
  posts: Type.Integer(),
  postsPerWeek: Type.Number(),
  topicsStarted: Type.Integer(),
  helpfulReceived: Type.Integer(),
});

export const Definitions = Type.Record(Type.String(), Type.String());

export const EngagementSummary = Type.Object({
  range: Range,
  previousRange: Range,
  definitions: Definitions,
  ...EngagementCounts.properties,
  previous: EngagementCounts,
  weekly: Type.Array(WeeklyRow),
  top: Type.Array(TopContributor),
});

export const PersonRef = Type.Object({ userId: Uuid, displayName: Type.String() });

export const TopicEngagementRow = Type.Object({
  topicId: Uuid,
  title: Type.String(),
  kind: Type.Union([Type.Literal('cpd'), Type.Literal('problem')]),
  posts: Type.Integer(),
  posters: Type.Integer(),
  readersWhoDidNotPost: Type.Integer(),
  perPrompt: Type.Array(Type.Object({ promptId: Uuid, position: Type.Integer(), replies: Type.Integer() })),
  facilitators: Type.Array(PersonRef),
  firstPostAt: Type.Union([Type.String(), Type.Null()]),
  lastPostAt: Type.Union([Type.String(), Type.Null()]),
  durationDays: Type.Union([Type.Number(), Type.Null()]),
});

export const TopicsEngagement = Type.Object({
  range: Range,
  definitions: Definitions,
  sort: Type.String(),
  items: Type.Array(TopicEngagementRow),
});

export const MemberEngagementRow = Type.Object({
  userId: Uuid,
  displayName: Type.String(),
  posts: Type.Integer(),
  replies: Type.Integer(),
  topicsStarted: Type.Integer(),
  topicsViewed: Type.Integer(),
  daysActive: Type.Integer(),
  /** Last day (YYYY-MM-DD, in tz for posts, UTC for views) with a post or a view in the range. */
  lastSeen: Type.Union([Type.String(), Type.Null()]),
  postsPerWeek: Type.Number(),
  class: ClassName,
});

export const MembersEngagement = Type.Object({
  range: Range,
  definitions: Definitions,
  topicId: Type.Union([Uuid, Type.Null()]),
  class: Type.Union([ClassName, Type.Null()]),
  /** Rows matching class (and topicId); `items` holds offset .. offset + limit of them, most posts first. */
  total: Type.Integer(),
  offset: Type.Integer(),
  limit: Type.Union([Type.Integer(), Type.Null()]),
  items: Type.Array(MemberEngagementRow),
});

export const Transition = Type.Object({ from: TrajectoryClassName, to: TrajectoryClassName, count: Type.Integer() });

export const TrajectoryRow = Type.Object({
  userId: Uuid,
  displayName: Type.String(),
  previousClass: TrajectoryClassName,
  currentClass: TrajectoryClassName,
  /** One class per entry of weekStarts; null where the person was not a member that week. */
  weeks: Type.Array(Type.Union([ClassName, Type.Null()])),
});

export const Trajectories = Type.Object({
  range: Range,
  previousRange: Range,
  definitions: Definitions,
  weekStarts: Type.Array(Type.String()),
  transitions: Type.Array(Transition),
  /** Members matching fromClass/toClass; `members` holds the page offset .. offset + limit of them, by name. */
  total: Type.Integer(),
  offset: Type.Integer(),
  limit: Type.Union([Type.Integer(), Type.Null()]),
  members: Type.Array(TrajectoryRow),
});

export const MyEngagement = Type.Object({
  range: Range,
  definitions: Definitions,
  member: MemberEngagementRow,
  weekly: Type.Array(Type.Object({ weekStart: Type.String(), posts: Type.Integer(), class: Type.Union([ClassName, Type.Null()]) })),
});

export type SummaryQuery = Static<typeof SummaryQuery>;
export type TopicsQuery = Static<typeof TopicsQuery>;
export type MembersQuery = Static<typeof MembersQuery>;
export type TrajectoriesQuery = Static<typeof TrajectoriesQuery>;
export type RangeQueryParams = Static<typeof MeQuery>;
export type Range = Static<typeof Range>;
export type EngagementCounts = Static<typeof EngagementCounts>;
export type WeeklyRow = Static<typeof WeeklyRow>;
export type TopContributor = Static<typeof TopContributor>;
export type EngagementSummary = Static<typeof EngagementSummary>;
export type TopicEngagementRow = Static<typeof TopicEngagementRow>;
export type TopicsEngagement = Static<typeof TopicsEngagement>;
export type MemberEngagementRow = Static<typeof MemberEngagementRow>;
export type MembersEngagement = Static<typeof MembersEngagement>;
export type Transition = Static<typeof Transition>;
export type TrajectoryRow = Static<typeof TrajectoryRow>;
export type Trajectories = Static<typeof Trajectories>;
export type MyEngagement = Static<typeof MyEngagement>;
