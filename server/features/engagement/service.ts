// Engagement analytics (issue 6): validates the range, authorises through the policy, and shapes
// the SQL results (queries.ts) into the report documents of shared/schemas/engagement.ts.
import type { Db } from '../../db/client.js';
import { invalid, notFound } from '../../errors.js';
import { authorize, can, topicContext, type Actor, type PolicyContext } from '../../policy/policy.js';
import type { CommunityAccessDeps, TopicAccessDeps } from '../../domain/deps.js';
import {
  ENGAGEMENT_DEFAULT_DAYS,
  ENGAGEMENT_DEFINITIONS,
  ENGAGEMENT_MAX_DAYS,
  ENGAGEMENT_TOP_DEFAULT,
  MEMBERS_PAGE_DEFAULT,
  TRAJECTORY_PAGE_DEFAULT,
  type EngagementCounts,
  type EngagementSummary,
  type MembersEngagement,
  type MembersQuery,
  type MemberEngagementRow,
  type MyEngagement,
  type Range,
  type RangeQueryParams,
  type Trajectories,
  type TrajectoriesQuery,
  type TopicsEngagement,
} from '../../../shared/schemas/engagement.js';
import * as q from './queries.js';
import { UTC_ZONES } from './queries/fragments.js';
import { createActivityCache, epochDay, type ActivityCache } from './activity-cache.js';
import * as fromActivity from './activity-reports.js';
import { createTopicCache, type TopicCache } from './topic-cache.js';
import type { SpanFigures } from './topic-merge.js';

const DAY_MS = 86_400_000;

/** Parses YYYY-MM-DD strictly (2024-02-30 is refused); returns the UTC midnight in ms. */
function parseDay(field: string, value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw invalid(field, `${field} must be a calendar date written YYYY-MM-DD.`);
  }
  return ms;
}

const dayString = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function checkTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw invalid('tz', 'tz must be an IANA time zone name such as Europe/Berlin.');
  }
}

/** Today's date in the time zone. */
const todayIn = (tz: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

export interface ResolvedRange {
  current: q.Period;
  previous: q.Period;
  /** previous.d0 .. current.d1: the weekly strip of trajectories. */
  span: q.Period;
}

/** Validates from/to/tz and resolves the range and the previous period of equal length into instants. */
export async function resolveRange(db: Db, communityId: string, query: RangeQueryParams): Promise<ResolvedRange> {
  const tz = query.tz ?? 'UTC';
  checkTimeZone(tz);
  const toMs = query.to !== undefined ? parseDay('to', query.to) : parseDay('to', todayIn(tz));
  const fromMs = query.from !== undefined ? parseDay('from', query.from) : toMs - (ENGAGEMENT_DEFAULT_DAYS - 1) * DAY_MS;
  if (fromMs > toMs) throw invalid('to', 'to must not be before from.');
  const days = Math.round((toMs - fromMs) / DAY_MS) + 1;
  if (days > ENGAGEMENT_MAX_DAYS) throw invalid('to', `The range may cover at most ${ENGAGEMENT_MAX_DAYS} days (2 years).`);
  const prevFromMs = fromMs - days * DAY_MS;
  const dates = [prevFromMs, fromMs, toMs + DAY_MS].map(dayString);
  let starts: number[];
  try {
    starts = await q.dayStarts(db, tz, dates);
  } catch (err) {
    // Intl and PostgreSQL's zone lists differ slightly; a zone PostgreSQL does not know is still a bad tz.
    if (/time zone/i.test(String((err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message))) {
      throw invalid('tz', `PostgreSQL does not know the time zone "${tz}".`);
    }
    throw err;
  }
  const [prevStart, start, end] = starts.map((s) => new Date(s).toISOString()) as [string, string, string];
  const period = (d0: number, d1: number, t0: string, t1: string): q.Period => ({
    communityId,
    d0: dayString(d0),
    d1: dayString(d1),
    t0,
    t1,
    tz,
    days: Math.round((d1 - d0) / DAY_MS) + 1,
  });
  return {
    current: period(fromMs, toMs, start, end),
    previous: period(prevFromMs, fromMs - DAY_MS, prevStart, start),
    span: period(prevFromMs, toMs, prevStart, end),
  };
}

export const presentRange = (p: q.Period): Range => ({ from: p.d0, to: p.d1, tz: p.tz, days: p.days, startsAt: p.t0, endsAt: p.t1 });

const pct = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part * 1000) / whole) / 10);
const perWeek = (posts: number, days: number) => Math.round((posts * 7 * 100) / days) / 100;
const round1 = (n: number | null) => (n === null || n === undefined ? null : Math.round(Number(n) * 10) / 10);

function presentCounts(r: q.CountsRow): EngagementCounts {
  return {
    members: r.members,
    posters: r.posters,
    lurkers: r.lurkers,
    inactive: r.inactive,
    core: r.core,
    contributors: r.contributors,
    percentages: { posters: pct(r.posters, r.members), lurkers: pct(r.lurkers, r.members), inactive: pct(r.inactive, r.members) },
    posts: r.posts,
    replies: r.replies,
    newTopics: r.new_topics,
    removedPosts: r.removed_posts,
    medianFirstReplyMinutes: round1(r.median_first_reply_minutes),
  };
}

const presentMember = (r: q.MemberDbRow, days: number): MemberEngagementRow => ({
  userId: r.user_id,
  displayName: r.display_name,
  posts: r.posts,
  replies: r.replies,
  topicsStarted: r.topics_started,
  topicsViewed: r.topics_viewed,
  daysActive: r.days_active,
  lastSeen: r.last_seen,
  postsPerWeek: perWeek(r.posts, days),
  class: r.class,
});

/** µs since 1970 → the ISO instant to the millisecond (as the SQL's to_char). */
const isoOfMicros = (us: number) => new Date(Math.floor(us / 1000)).toISOString();

/** A topic's report row from its head and the topic cache's figures; none when nothing counted or was read in the range (as topicRows). */
function topicRowOf(h: Awaited<ReturnType<typeof q.topicHeads>>[number], figures: SpanFigures): q.TopicDbRow[] {
  const f = figures.topics.get(h.topic_id);
  if (!f || (f.posts === 0 && !f.viewed)) return [];
  return [
    {
      topic_id: h.topic_id,
      title: h.title,
      kind: h.kind,
      posts: f.posts,
      posters: f.posters,
      readers_who_did_not_post: f.readers - f.readersWhoPosted,
      per_prompt: h.prompts.map((pr) => ({ ...pr, replies: figures.prompts.get(pr.promptId) ?? 0 })),
      facilitators: h.facilitators,
      first_post_at: f.first === null ? null : isoOfMicros(f.first),
      last_post_at: f.last === null ? null : isoOfMicros(f.last),
      // round(days, 1), half away from zero, in integers of µs (exact, as the SQL's numeric).
      duration_days: f.first === null || f.last === null ? null : Math.floor((2 * (f.last - f.first) + 8_640_000_000) / 17_280_000_000) / 10,
    },
  ];
}

export function createEngagementService({
  db,
  communities,
  topics,
  reportParallelism = 1,
  activityCache = createActivityCache(),
  topicCache = activityCache === null ? null : createTopicCache(),
}: {
  db: Db;
  communities: Pick<CommunityAccessDeps, 'requireCommunity'>;
  topics: Pick<TopicAccessDeps, 'findTopic'>;
  /** Statements the per-topic report may run side by side (PostgreSQL: REPORT_PARALLELISM, default 2; PGlite: 1). */
  reportParallelism?: number;
  /** Finished weeks kept in memory for the community-wide reports in UTC; null: every report from SQL alone. */
  activityCache?: ActivityCache | null;
  /** Finished weeks and days of per-topic readers and posters kept in memory (community-wide, UTC); null (the default when activityCache is null): from SQL alone. */
  topicCache?: TopicCache | null;
}) {
  const { requireCommunity } = communities;
  const { findTopic } = topics;

  /** Loads the topic (404 when it is not in this community) and authorises the per-topic view of it. */
  async function requireTopic(actor: Actor, ctx: PolicyContext, communityId: string, topicId: string) {
    const topic = await findTopic(db, topicId);
    if (!topic || topic.communityId !== communityId) throw notFound('Topic');
    // A topic's figures go to a CPD topic's author and its named facilitators, not to a problem's author.
    authorize(actor, 'engagement.topic', { ...ctx, topic: topicContext(topic, { problemAuthorFacilitates: false }) });
    return topic;
  }

  /** The member-level reports come from the activity cache when there is one and days are UTC days. */
  const cached = (p: q.Period) => (activityCache && UTC_ZONES.has(p.tz) ? activityCache : null);
  const days = (p: q.Period): fromActivity.DayPeriod => ({ d0: epochDay(p.d0), d1: epochDay(p.d1) });

  return {
    async summary(actor: Actor | null, communityId: string, query: RangeQueryParams & { limit?: number | undefined }): Promise<EngagementSummary> {
      await requireCommunity(db, actor, communityId, 'engagement.community');
      const { current, previous } = await resolveRange(db, communityId, query);
      // Independent statements: on PostgreSQL they run side by side on the pool. (Folding the current
      // period's three into one statement over shared CTEs was measured slower: the planner has no
      // statistics for CTE results and chose sorts and merge joins.)
      const limit = query.limit ?? ENGAGEMENT_TOP_DEFAULT;
      const cache = cached(current);
      const [counts, prevCounts, weekly, top] = cache
        ? await Promise.all([
            cache.activity(db, communityId, epochDay(previous.d0), epochDay(current.d1)),
            q.medianFirstReply(db, current),
            q.medianFirstReply(db, previous),
          ]).then(([activity, median, prevMedian]) => [
            { ...fromActivity.periodCounts(activity, days(current)), median_first_reply_minutes: median },
            { ...fromActivity.periodCounts(activity, days(previous)), median_first_reply_minutes: prevMedian },
            fromActivity.weeklySeries(activity, days(current)),
            fromActivity.topContributors(activity, days(current), limit),
          ] as const)
        : await Promise.all([
            q.periodCounts(db, current),
            q.periodCounts(db, previous),
            q.weeklySeries(db, current),
            q.topContributors(db, current, limit),
          ]);
      return {
        range: presentRange(current),
        previousRange: presentRange(previous),
        definitions: { ...ENGAGEMENT_DEFINITIONS },
        ...presentCounts(counts),
        previous: presentCounts(prevCounts),
        weekly: weekly.map((w) => ({
          weekStart: w.week_start,
          days: w.days,
          members: w.members,
          posters: w.posters,
          lurkers: w.lurkers,
          inactive: w.inactive,
          core: w.core,
          contributors: w.contributors,
          posts: w.posts,
        })),
        top: top.map((t) => ({
          userId: t.user_id,
          displayName: t.display_name,
          posts: t.posts,
          postsPerWeek: perWeek(t.posts, current.days),
          topicsStarted: t.topics_started,
          helpfulReceived: t.helpful_received,
        })),
      };
    },

    /** Managers and admins: every topic; facilitators: the topics they facilitate; anyone else: 403. */
    async topics(actor: Actor | null, communityId: string, query: RangeQueryParams & { topicId?: string | undefined; sort?: string | undefined }): Promise<TopicsEngagement> {
      const { community, membership, actor: me } = await requireCommunity(db, actor, communityId, 'topics.list');
      const ctx: PolicyContext = { community, membership };
      let topicIds: string[] | null = null;
      if (query.topicId) {
        await requireTopic(me, ctx, communityId, query.topicId);
        topicIds = [query.topicId];
      } else if (!can(me, 'engagement.community', ctx)) {
        topicIds = await q.facilitatedTopicIds(db, communityId, me.id);
        if (topicIds.length === 0) authorize(me, 'engagement.community', ctx); // throws 403
      }
      const { current } = await resolveRange(db, communityId, query);
      const sort = query.sort ?? '-posts';
      // A facilitator (or a topicId) names the topics: they are listed even without activity in the range.
      const rows =
        topicCache && topicIds === null && UTC_ZONES.has(current.tz)
          ? await Promise.all([topicCache.figures(db, communityId, epochDay(current.d0), epochDay(current.d1)), q.topicHeads(db, communityId)]).then(
              ([figures, heads]) => q.sortTopicRows(heads.flatMap((h) => topicRowOf(h, figures)), sort),
            )
          : await q.topicRows(db, current, { topicIds, sort, parallelism: reportParallelism });
      const items = rows.map((r) => ({
        topicId: r.topic_id,
        title: r.title,
        kind: r.kind,
        posts: r.posts,
        posters: r.posters,
        readersWhoDidNotPost: r.readers_who_did_not_post,
        perPrompt: r.per_prompt,
        facilitators: r.facilitators,
        firstPostAt: r.first_post_at,
        lastPostAt: r.last_post_at,
        durationDays: r.duration_days,
      }));
      return { range: presentRange(current), definitions: { ...ENGAGEMENT_DEFINITIONS }, sort, items };
    },

    /** Without topicId: managers and admins. With topicId: also that topic's facilitators. `all`: every row (downloads), not a page. */
    async members(
      actor: Actor | null,
      communityId: string,
      query: RangeQueryParams & Pick<MembersQuery, 'class' | 'topicId' | 'limit' | 'offset'>,
      all = false,
    ): Promise<MembersEngagement> {
      if (query.topicId) {
        const { community, membership, actor: me } = await requireCommunity(db, actor, communityId, 'topics.list');
        await requireTopic(me, { community, membership }, communityId, query.topicId);
      } else {
        await requireCommunity(db, actor, communityId, 'engagement.community');
      }
      const { current } = await resolveRange(db, communityId, query);
      const limit = all ? null : (query.limit ?? MEMBERS_PAGE_DEFAULT);
      const offset = all ? 0 : (query.offset ?? 0);
      const cache = query.topicId ? null : cached(current);
      const { total, rows } = cache
        ? await cache.activity(db, communityId, epochDay(current.d0), epochDay(current.d1)).then(async (activity) => {
            const result = fromActivity.memberRows(activity, days(current), { className: query.class ?? null, limit, offset });
            const viewed = await q.topicsViewed(db, current, result.rows.map((r) => r.user_id));
            for (const r of result.rows) r.topics_viewed = viewed.get(r.user_id) ?? 0;
            return result;
          })
        : await q.memberRows(db, current, { topicId: query.topicId ?? null, className: query.class ?? null, limit, offset });
      return {
        range: presentRange(current),
        definitions: { ...ENGAGEMENT_DEFINITIONS },
        topicId: query.topicId ?? null,
        class: query.class ?? null,
        total,
        offset,
        limit,
        items: rows.map((r) => presentMember(r, current.days)),
      };
    },

    /** strips: one page of members with their week strips (JSON), all of them (CSV), or none (the transitions CSV). */
    async trajectories(
      actor: Actor | null,
      communityId: string,
      query: RangeQueryParams & Pick<TrajectoriesQuery, 'fromClass' | 'toClass' | 'limit' | 'offset'>,
      strips: 'page' | 'all' | 'none' = 'page',
    ): Promise<Trajectories> {
      await requireCommunity(db, actor, communityId, 'engagement.community');
      const { current, previous, span } = await resolveRange(db, communityId, query);
      const limit = strips === 'all' ? null : strips === 'none' ? 0 : (query.limit ?? TRAJECTORY_PAGE_DEFAULT);
      const offset = strips === 'page' ? (query.offset ?? 0) : 0;
      const pageOf = { fromClass: query.fromClass, toClass: query.toClass, limit, offset };
      const cache = cached(current);
      const result = cache
        ? fromActivity.trajectories(await cache.activity(db, communityId, epochDay(span.d0), epochDay(span.d1)), days(previous), days(current), pageOf)
        : await q.trajectories(db, previous, current, span, pageOf);
      return {
        range: presentRange(current),
        previousRange: presentRange(previous),
        definitions: { ...ENGAGEMENT_DEFINITIONS },
        weekStarts: result.week_starts ?? [],
        transitions: result.transitions,
        total: result.total,
        offset,
        limit,
        members: result.members.map((m) => ({
          userId: m.user_id,
          displayName: m.display_name,
          previousClass: m.previous_class,
          currentClass: m.current_class,
          weeks: m.weeks,
        })),
      };
    },

    /** A member's own figures (any member). */
    async me(actor: Actor | null, communityId: string, query: RangeQueryParams): Promise<MyEngagement> {
      const { actor: me } = await requireCommunity(db, actor, communityId, 'engagement.self');
      const { current } = await resolveRange(db, communityId, query);
      const [{ rows }, weeks] = await Promise.all([q.memberRows(db, current, { userId: me.id }), q.memberWeeks(db, current, me.id)]);
      const row: q.MemberDbRow = rows[0] ?? {
        // A current member is always a member of a range that ends today or later; an older range may predate the membership.
        user_id: me.id,
        display_name: me.displayName,
        posts: 0,
        replies: 0,
        topics_started: 0,
        topics_viewed: 0,
        days_active: 0,
        last_seen: null,
        class: 'inactive',
      };
      return {
        range: presentRange(current),
        definitions: { ...ENGAGEMENT_DEFINITIONS },
        member: presentMember(row, current.days),
        weekly: weeks.map((w) => ({ weekStart: w.week_start, posts: w.posts, class: w.class })),
      };
    },
  };
}

export type EngagementService = ReturnType<typeof createEngagementService>;
