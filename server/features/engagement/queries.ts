// Engagement analytics in SQL: a handful of set-based queries per report, no per-member round trips.
// Every scan is bounded by (community_id, created_at) on posts and (community_id, day) on topic_views;
// the covering indexes posts_community_created_cover_idx and topic_views_community_day_cover_idx make
// those index-only scans. "Did the member read in this range / week" comes from the rollup
// engagement_view_weeks (one row per member per week with a bitmask of days, kept by triggers), not
// from the view rows themselves: a 3-month range is ~90k rollup rows instead of ~600k view rows.
// Definitions: shared/schemas/engagement.ts (ENGAGEMENT_DEFINITIONS).
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { memberships } from '../../db/schema.js';
import type { EngagementClass, TrajectoryClass } from '../../../shared/schemas/engagement.js';

/** One period of a report: whole days d0..d1 in time zone tz, i.e. the instants [t0, t1). */
export interface Period {
  communityId: string;
  d0: string;
  d1: string;
  /** ISO instants: start (inclusive) and end (exclusive). */
  t0: string;
  t1: string;
  tz: string;
  days: number;
}

async function rows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  // Both drivers (pg and PGlite) return `{ rows }` from execute().
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * A report statement hashes a period's posts and views (hundreds of thousands of rows at scale);
 * with PostgreSQL's default work_mem (4 MB) those hashes and materialised CTEs spill to temporary
 * files, which doubled their time on the bench data. SET LOCAL keeps the raise to this statement.
 */
async function reportRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local work_mem = '64MB'`);
    return rows<T>(tx, query);
  });
}

/** Start-of-day instants (epoch ms) of the given dates in the time zone; throws if PostgreSQL does not know the zone. */
export async function dayStarts(db: DbOrTx, tz: string, days: string[]): Promise<number[]> {
  const list = sql.join(
    days.map((d) => sql`(extract(epoch from (${d}::date)::timestamp at time zone ${tz}) * 1000)::float8`),
    sql`, `,
  );
  const [row] = await rows<{ starts: number[] }>(db, sql`select array[${list}] as starts`);
  return row!.starts.map(Number);
}

/** Counted posts: published, or published and later withdrawn by the author. */
const COUNTED = sql.raw(`('published', 'withdrawn')`);

const isoTs = (expr: SQL) => sql`to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Memberships active at some instant of [t0, t1), as (user_id, joined_at, removed_at). Columns are named
 * through drizzle: in the foundation schema joinedAt is declared on the "created_at" column.
 */
const rangeMembers = (p: Period, userId?: string) => sql`
  select ${memberships.userId} as user_id, ${memberships.joinedAt} as joined_at, ${memberships.removedAt} as removed_at
    from ${memberships}
   where ${memberships.communityId} = ${p.communityId} and ${memberships.joinedAt} < ${p.t1}::timestamptz
     and (${memberships.removedAt} is null or ${memberships.removedAt} >= ${p.t0}::timestamptz)
     ${userId ? sql`and ${memberships.userId} = ${userId}` : sql``}`;

/** Topic openings and counted replies in the period (optionally with the ISO week, in tz, each falls in). */
const countedActs = (p: Period, topicId?: string | null, userId?: string, withWeek = false) => sql`
  select t.author_id as user_id, t.id as topic_id, null::uuid as post_id, null::uuid as prompt_id, t.created_at, true as is_opening
         ${withWeek ? sql`, date_trunc('week', t.created_at at time zone ${p.tz})::date as week_start` : sql``}
    from topics t
   where t.community_id = ${p.communityId} and t.created_at >= ${p.t0}::timestamptz and t.created_at < ${p.t1}::timestamptz
     ${topicId ? sql`and t.id = ${topicId}` : sql``}
     ${userId ? sql`and t.author_id = ${userId}` : sql``}
  union all
  select po.author_id, po.topic_id, po.id, po.prompt_id, po.created_at, false
         ${withWeek ? sql`, date_trunc('week', po.created_at at time zone ${p.tz})::date` : sql``}
    from posts po
   where po.community_id = ${p.communityId} and po.created_at >= ${p.t0}::timestamptz and po.created_at < ${p.t1}::timestamptz
     and po.status in ${COUNTED}
     ${topicId ? sql`and po.topic_id = ${topicId}` : sql``}
     ${userId ? sql`and po.author_id = ${userId}` : sql``}`;

/** Topic views whose (UTC) day lies in d0..d1. */
const rangeViews = (p: Period, topicId?: string | null, userId?: string) => sql`
  select v.user_id, v.topic_id, v.day from topic_views v
   where v.community_id = ${p.communityId} and v.day >= ${p.d0}::date and v.day <= ${p.d1}::date
     ${topicId ? sql`and v.topic_id = ${topicId}` : sql``}
     ${userId ? sql`and v.user_id = ${userId}` : sql``}`;

/**
 * The same views, rolled up: (user_id, week_start, days) for each member and ISO week with a view in
 * d0..d1, `days` being the bitmask of viewing days (bit 0 = Monday) clipped to the range, so edge weeks
 * count only their days inside it. Equals the distinct (user, week) pairs of rangeViews.
 */
const rangeViewWeeks = (p: Period, userId?: string) => sql`
  select user_id, week_start, days from (
    select ew.user_id, ew.week_start, ew.days & ${daysOfPeriod(p, sql`ew.week_start`)} as days
      from engagement_view_weeks ew
     where ew.community_id = ${p.communityId} and ${weekTouches(p, sql`ew.week_start`)}
       ${userId ? sql`and ew.user_id = ${userId}` : sql``}) clipped
   where days <> 0`;

/** SQL: the ISO week starting on date `week` has a day in d0..d1. */
const weekTouches = (p: Period, week: SQL) => sql`${week} >= date_trunc('week', ${p.d0}::date::timestamp)::date and ${week} <= ${p.d1}::date`;

/** SQL: the day bits (bit 0 = Monday) of the week starting on `week` that lie in d0..d1; only for weeks that touch the period. */
const daysOfPeriod = (p: Period, week: SQL) =>
  sql`((1 << (least(${p.d1}::date - ${week}, 6) + 1)) - (1 << greatest(${p.d0}::date - ${week}, 0)))`;

/** SQL: the last day of the week (column week_start) whose bit is set in the non-zero mask (column days). */
const lastDayOfMask = sql`week_start + (7 - position('1' in days::bit(7)::text))`;

/** The class rule: core when posts × 7 ≥ 3 × days (an average of 3 a week), in integers so there is no rounding. */
const classOf = (posts: SQL, viewed: SQL, days: SQL) => sql`case
  when ${posts} > 0 and 7 * ${posts} >= 3 * ${days} then 'core'
  when ${posts} > 0 then 'contributor'
  when ${viewed} then 'reader'
  else 'inactive' end`;

/**
 * CTEs `${x}_m` (members), `${x}_a` (counted acts), `${x}_pa` (posts per author, members or not),
 * `${x}_v` (views, detailed or per topic only), `${x}_va` (views per member) and `${x}_r` (one row per
 * member with its class), for one period.
 * `detailed` adds topics viewed, days active and last seen (the members table needs them; the summary does not).
 */
function memberActivityCtes(x: string, p: Period, opts: { topicId?: string | null; detailed?: boolean; userId?: string } = {}) {
  const n = (s: string) => sql.raw(`${x}_${s}`);
  const posts = sql`coalesce(${n('pa')}.posts, 0)`;
  const detailed = opts.detailed ?? false;
  // Topics viewed and days active need the view rows themselves; whether and when a member last read
  // (the class, last seen) is answered by the weekly rollup. A topic's views are a short PK range scan.
  const viewRows = detailed || !!opts.topicId;
  return sql`
  ${n('m')} as (${rangeMembers(p, opts.userId)}),
  ${n('a')} as ${detailed ? sql`materialized` : sql``} (${countedActs(p, opts.topicId, opts.userId)}),
  ${n('pa')} as (
    select user_id, count(*)::int as posts, count(*) filter (where not is_opening)::int as replies,
           count(*) filter (where is_opening)::int as topics_started, max(created_at) as last_post_at
      from ${n('a')} group by user_id),
  ${
    viewRows
      ? sql`${n('v')} as ${opts.topicId ? sql`materialized` : sql``} (${rangeViews(p, opts.topicId, opts.userId)}),
  ${n('va')} as (
    select user_id, ${detailed ? sql`count(distinct topic_id)::int` : sql`0`} as topics_viewed, max(day) as last_view_day
      from ${n('v')} group by user_id),`
      : sql`${n('va')} as (
    select user_id, 0 as topics_viewed, max(${lastDayOfMask}) as last_view_day
      from (${rangeViewWeeks(p, opts.userId)}) vw group by user_id),`
  }
  ${
    detailed && opts.topicId
      ? sql`${n('ad')} as (
    select user_id, count(*)::int as days_active from (
      select user_id, (created_at at time zone ${p.tz})::date as d from ${n('a')}
      union select user_id, day from ${n('v')}) d group by user_id),`
      : detailed
        ? // Days active over the whole community: OR the week bitmasks of posting days (in tz) and viewing
          // days (the rollup) and count bits, instead of a distinct over every (member, day) of the views.
          sql`${n('ad')} as (
    select user_id, sum(length(replace(days::bit(7)::text, '0', '')))::int as days_active from (
      select user_id, week_start, bit_or(days) as days from (
        select user_id, date_trunc('week', d)::date as week_start, 1 << (extract(isodow from d)::int - 1) as days
          from (select user_id, (created_at at time zone ${p.tz})::date as d from ${n('a')}) pd
        union all
        select user_id, week_start, days from (${rangeViewWeeks(p, opts.userId)}) vw) x
       group by user_id, week_start) y
     group by user_id),`
        : sql``
  }
  ${n('r')} as (
    select ${n('m')}.user_id, u.display_name, ${posts} as posts,
           coalesce(${n('pa')}.replies, 0) as replies, coalesce(${n('pa')}.topics_started, 0) as topics_started,
           coalesce(${n('va')}.topics_viewed, 0) as topics_viewed,
           ${detailed ? sql`coalesce(${n('ad')}.days_active, 0)` : sql`0`} as days_active,
           greatest((${n('pa')}.last_post_at at time zone ${p.tz})::date, ${n('va')}.last_view_day) as last_seen,
           ${classOf(posts, sql`${n('va')}.user_id is not null`, sql`${p.days}::int`)} as class
      from ${n('m')}
      join users u on u.id = ${n('m')}.user_id
      left join ${n('pa')} on ${n('pa')}.user_id = ${n('m')}.user_id
      left join ${n('va')} on ${n('va')}.user_id = ${n('m')}.user_id
      ${detailed ? sql`left join ${n('ad')} on ${n('ad')}.user_id = ${n('m')}.user_id` : sql``})`;
}

export interface CountsRow {
  members: number;
  posters: number;
  lurkers: number;
  inactive: number;
  core: number;
  contributors: number;
  posts: number;
  replies: number;
  new_topics: number;
  removed_posts: number;
  median_first_reply_minutes: number | null;
}

/**
 * CTEs for the summary counts of one period, reading each source once: `k_acts` (per author: counted
 * posts, replies, topic openings, removed posts — one index-only scan of the period's posts), `k_vw`
 * (who read in which week, from the rollup), `s_m` (members), `s_pa` (per author) and `s_r` (one row
 * per member with the class). All the counts derive from these instead of rescanning posts and views.
 */
function periodCtes(p: Period) {
  return sql`
  k_acts as materialized (
    select user_id,
           count(*) filter (where kind <> 'removed')::int as posts,
           count(*) filter (where kind = 'reply')::int as replies,
           count(*) filter (where kind = 'opening')::int as openings,
           count(*) filter (where kind = 'removed')::int as removed
      from (
        select t.author_id as user_id, 'opening' as kind
          from topics t
         where t.community_id = ${p.communityId} and t.created_at >= ${p.t0}::timestamptz and t.created_at < ${p.t1}::timestamptz
        union all
        select po.author_id, case when po.status = 'removed' then 'removed' else 'reply' end
          from posts po
         where po.community_id = ${p.communityId} and po.created_at >= ${p.t0}::timestamptz and po.created_at < ${p.t1}::timestamptz
           and po.status in ('published', 'withdrawn', 'removed')) a
     group by user_id),
  k_vw as materialized (${rangeViewWeeks(p)}),
  s_m as (${rangeMembers(p)}),
  s_pa as (select user_id, posts, replies, openings as topics_started from k_acts),
  s_r as (
    select s_m.user_id, coalesce(s_pa.posts, 0) as posts, coalesce(s_pa.topics_started, 0) as topics_started,
           ${classOf(sql`coalesce(s_pa.posts, 0)`, sql`exists (select 1 from k_vw where k_vw.user_id = s_m.user_id)`, sql`${p.days}::int`)} as class
      from s_m left join s_pa on s_pa.user_id = s_m.user_id)`;
}

/** The count columns of a summary, over the CTEs of periodCtes. */
const countsSelect = (p: Period) => sql`
      (select count(*)::int from s_r) as members,
      (select count(*)::int from s_r where class in ('core', 'contributor')) as posters,
      (select count(*)::int from s_r where class = 'reader') as lurkers,
      (select count(*)::int from s_r where class = 'inactive') as inactive,
      (select count(*)::int from s_r where class = 'core') as core,
      (select count(*)::int from s_r where class = 'contributor') as contributors,
      (select coalesce(sum(posts), 0)::int from k_acts) as posts,
      (select coalesce(sum(replies), 0)::int from k_acts) as replies,
      (select coalesce(sum(openings), 0)::int from k_acts) as new_topics,
      (select coalesce(sum(removed), 0)::int from k_acts) as removed_posts,
      (select percentile_cont(0.5) within group (order by minutes)::float8 from (
         select extract(epoch from (fr.first_at - t.created_at)) / 60.0 as minutes
           from topics t
           cross join lateral (
             select po.created_at as first_at from posts po
              where po.topic_id = t.id and po.author_id <> t.author_id and po.status in ${COUNTED}
              order by po.created_at limit 1) fr
          where t.community_id = ${p.communityId} and t.created_at >= ${p.t0}::timestamptz and t.created_at < ${p.t1}::timestamptz) waits)
        as median_first_reply_minutes`;

/** The summary figures for one period, in one statement. */
export async function periodCounts(db: DbOrTx, p: Period): Promise<CountsRow> {
  const [row] = await reportRows<CountsRow>(db, sql`with ${periodCtes(p)} select ${countsSelect(p)}`);
  return row!;
}

export interface WeeklyDbRow {
  week_start: string;
  days: number;
  members: number;
  posters: number;
  lurkers: number;
  inactive: number;
  core: number;
  contributors: number;
  posts: number;
}

/**
 * CTEs `w_wb` (the ISO weeks touching the period, clipped to it, with their instants), `w_m`, `w_pw`
 * (counted acts per author and week), `w_vw` (who read in which week) and `w_cells`: one row per member
 * per week of their membership, with that week's posts and class.
 */
function weeklyCellsCtes(p: Period, userId?: string, shared?: { members: SQL; postsPerWeek: SQL; viewWeeks: SQL }) {
  return sql`
  w_wb as (
    select wk::date as week_start,
           (least(wk::date + 6, ${p.d1}::date) - greatest(wk::date, ${p.d0}::date) + 1) as days,
           greatest(wk::date, ${p.d0}::date)::timestamp at time zone ${p.tz} as t0,
           (least(wk::date + 6, ${p.d1}::date) + 1)::timestamp at time zone ${p.tz} as t1
      from generate_series(date_trunc('week', ${p.d0}::date::timestamp), ${p.d1}::date::timestamp, interval '1 week') wk),
  w_m as (${shared ? sql`select * from ${shared.members}` : rangeMembers(p, userId)}),
  w_pw as (${shared ? shared.postsPerWeek : sql`select user_id, week_start, count(*)::int as n from (${countedActs(p, null, userId, true)}) a group by user_id, week_start`}),
  w_vw as (${shared ? shared.viewWeeks : sql`select user_id, week_start from (${rangeViewWeeks(p, userId)}) vw`}),
  w_cells as (
    select w_m.user_id, w_wb.week_start, coalesce(w_pw.n, 0) as posts,
           ${classOf(sql`coalesce(w_pw.n, 0)`, sql`w_vw.user_id is not null`, sql`w_wb.days`)} as class
      from w_m
      join w_wb on w_m.joined_at < w_wb.t1 and (w_m.removed_at is null or w_m.removed_at >= w_wb.t0)
      left join w_pw on w_pw.user_id = w_m.user_id and w_pw.week_start = w_wb.week_start
      left join w_vw on w_vw.user_id = w_m.user_id and w_vw.week_start = w_wb.week_start)`;
}

/** Posters, lurkers, inactive and posts per ISO week of the period (weeks with nobody still appear). */
export async function weeklySeries(db: DbOrTx, p: Period): Promise<WeeklyDbRow[]> {
  return reportRows<WeeklyDbRow>(
    db,
    sql`with ${weeklyCellsCtes(p)} ${weeklySelect} order by week_start`,
  );
}

/** The weekly series over the CTEs of weeklyCellsCtes. */
const weeklySelect = sql`
    select w_wb.week_start::text as week_start, w_wb.days::int as days,
           count(c.user_id)::int as members,
           count(*) filter (where c.class in ('core', 'contributor'))::int as posters,
           count(*) filter (where c.class = 'reader')::int as lurkers,
           count(*) filter (where c.class = 'inactive')::int as inactive,
           count(*) filter (where c.class = 'core')::int as core,
           count(*) filter (where c.class = 'contributor')::int as contributors,
           coalesce(max(w_posts.n), 0)::int as posts
      from w_wb
      left join w_cells c on c.week_start = w_wb.week_start
      left join (select week_start, sum(n)::int as n from w_pw group by week_start) w_posts on w_posts.week_start = w_wb.week_start
     group by w_wb.week_start, w_wb.days`;

export interface TopDbRow {
  user_id: string;
  display_name: string;
  posts: number;
  topics_started: number;
  helpful_received: number;
}

/** The members with most counted posts in the period (ties: more topics started, then name). */
export async function topContributors(db: DbOrTx, p: Period, limit: number): Promise<TopDbRow[]> {
  return reportRows<TopDbRow>(
    db,
    sql`with ${memberActivityCtes('s', p)}
    select top.user_id, top.display_name, top.posts, top.topics_started,
           (select count(*)::int from posts po join helpful_marks h on h.post_id = po.id
             where po.author_id = top.user_id and po.community_id = ${p.communityId}
               and po.created_at >= ${p.t0}::timestamptz and po.created_at < ${p.t1}::timestamptz
               and po.status in ${COUNTED}) as helpful_received
      from (select * from s_r where posts > 0 order by posts desc, topics_started desc, display_name, user_id limit ${limit}) top
     order by top.posts desc, top.topics_started desc, top.display_name, top.user_id`,
  );
}

export interface MemberDbRow {
  user_id: string;
  display_name: string;
  posts: number;
  replies: number;
  topics_started: number;
  topics_viewed: number;
  days_active: number;
  last_seen: string | null;
  class: EngagementClass;
}

/** One row per member of the period (optionally: relative to one topic, one class, one member). */
export async function memberRows(
  db: DbOrTx,
  p: Period,
  opts: { topicId?: string | null; className?: EngagementClass | null; userId?: string } = {},
): Promise<MemberDbRow[]> {
  return reportRows<MemberDbRow>(
    db,
    sql`with ${memberActivityCtes('s', p, { topicId: opts.topicId ?? null, detailed: true, ...(opts.userId ? { userId: opts.userId } : {}) })}
    select user_id, display_name, posts, replies, topics_started, topics_viewed, days_active,
           last_seen::text as last_seen, class
      from s_r
     ${opts.className ? sql`where class = ${opts.className}` : sql``}
     order by posts desc, display_name, user_id`,
  );
}

export interface MyWeekRow {
  week_start: string;
  posts: number;
  class: EngagementClass | null;
}

/** One member's week-by-week posts and class (null for weeks outside the membership). */
export async function memberWeeks(db: DbOrTx, p: Period, userId: string): Promise<MyWeekRow[]> {
  return rows<MyWeekRow>(
    db,
    sql`with ${weeklyCellsCtes(p, userId)}
    select w_wb.week_start::text as week_start, coalesce(c.posts, 0)::int as posts, c.class
      from w_wb left join w_cells c on c.week_start = w_wb.week_start
     order by w_wb.week_start`,
  );
}

export interface TopicDbRow {
  topic_id: string;
  title: string;
  kind: 'cpd' | 'problem';
  posts: number;
  posters: number;
  readers_who_did_not_post: number;
  per_prompt: Array<{ promptId: string; position: number; replies: number }>;
  facilitators: Array<{ userId: string; displayName: string }>;
  first_post_at: string | null;
  last_post_at: string | null;
  duration_days: number | null;
}

const TOPIC_SORT_SQL: Record<string, string> = {
  posts: 'posts',
  posters: 'posters',
  readersWhoDidNotPost: 'readers_who_did_not_post',
  firstPostAt: 'first_post_at',
  lastPostAt: 'last_post_at',
  durationDays: 'duration_days',
  title: 'title',
};

/** SQL: the facilitators of topic `t`: its author when it is a CPD topic, and the named guest facilitators. */
const topicFacilitatorIds = (t: string) =>
  sql.raw(`(select ${t}.author_id where ${t}.kind = 'cpd' union select f.user_id from topic_facilitators f where f.topic_id = ${t}.id)`);

/** Per-topic participation for topics with a counted post or a view in the period (or exactly `topicIds`). */
export async function topicRows(db: DbOrTx, p: Period, opts: { topicIds: string[] | null; sort: string }): Promise<TopicDbRow[]> {
  const desc = opts.sort.startsWith('-');
  const key = TOPIC_SORT_SQL[opts.sort.replace(/^-/, '')] ?? 'posts';
  const only = opts.topicIds
    ? opts.topicIds.length
      ? sql`and t.id in (${sql.join(opts.topicIds.map((id) => sql`${id}::uuid`), sql`, `)})`
      : sql`and false`
    : sql``;
  return reportRows<TopicDbRow>(
    db,
    sql`with m as (${rangeMembers(p)}),
    a as materialized (${countedActs(p)}),
    v as materialized (${rangeViews(p)}),
    pt as (select topic_id, count(*)::int as posts, count(distinct user_id) filter (where user_id in (select user_id from m))::int as posters,
                  min(created_at) as first_at, max(created_at) as last_at
             from a group by topic_id),
    -- Readers who did not post: an explicit hash anti-join against the (topic, author) pairs.
    ap as (select distinct topic_id, user_id from a),
    vd as (select topic_id, user_id from v group by topic_id, user_id),
    vt as (select vd.topic_id, count(*)::int as readers
             from vd join m on m.user_id = vd.user_id
             left join ap on ap.topic_id = vd.topic_id and ap.user_id = vd.user_id
            where ap.user_id is null
            group by vd.topic_id),
    pp as (select prompt_id, count(*)::int as n from a where prompt_id is not null group by prompt_id),
    chosen as (
      select t.id, t.title, t.kind, t.author_id from topics t
       where t.community_id = ${p.communityId} ${only}
         ${opts.topicIds ? sql`` : sql`and t.id in (select topic_id from pt union select topic_id from vd)`}),
    out as (
      select t.id as topic_id, t.title, t.kind, coalesce(pt.posts, 0) as posts, coalesce(pt.posters, 0) as posters,
             coalesce(vt.readers, 0) as readers_who_did_not_post,
             coalesce((select json_agg(json_build_object('promptId', pr.id, 'position', pr.position, 'replies', coalesce(pp.n, 0)) order by pr.position)
                         from prompts pr left join pp on pp.prompt_id = pr.id where pr.topic_id = t.id), '[]'::json) as per_prompt,
             coalesce((select json_agg(json_build_object('userId', u.id, 'displayName', u.display_name) order by u.display_name, u.id)
                         from users u where u.id in ${topicFacilitatorIds('t')}), '[]'::json) as facilitators,
             pt.first_at, pt.last_at,
             round((extract(epoch from (pt.last_at - pt.first_at)) / 86400.0)::numeric, 1)::float8 as duration_days
        from chosen t left join pt on pt.topic_id = t.id left join vt on vt.topic_id = t.id)
    select topic_id, title, kind, posts, posters, readers_who_did_not_post, per_prompt, facilitators,
           ${isoTs(sql`first_at`)} as first_post_at, ${isoTs(sql`last_at`)} as last_post_at, duration_days
      from out
     order by ${sql.raw(key === 'first_post_at' ? 'first_at' : key === 'last_post_at' ? 'last_at' : key)} ${sql.raw(desc ? 'desc nulls last' : 'asc nulls last')}, title, topic_id`,
  );
}

export interface TrajectoryDbRow {
  user_id: string;
  display_name: string;
  previous_class: TrajectoryClass;
  current_class: TrajectoryClass;
  weeks: Array<EngagementClass | null>;
}

export interface TrajectoriesDb {
  week_starts: string[];
  transitions: Array<{ from: TrajectoryClass; to: TrajectoryClass; count: number }>;
  members: TrajectoryDbRow[];
}

/** CTE `${x}_r`: each member of period p with their class, from the span's k_acts (rows matching `part`) and k_vw. */
function trajectoryPeriodCtes(x: string, p: Period, part: SQL) {
  const n = (s: string) => sql.raw(`${x}_${s}`);
  return sql`
    ${n('pa')} as (select user_id, sum(posts)::int as posts from k_acts where ${part} group by user_id),
    ${n('va')} as (select distinct user_id from k_vw where ${weekTouches(p, sql`week_start`)} and days & ${daysOfPeriod(p, sql`week_start`)} <> 0),
    ${n('r')} as (
      select m.user_id, u.display_name,
             ${classOf(sql`coalesce(${n('pa')}.posts, 0)`, sql`${n('va')}.user_id is not null`, sql`${p.days}::int`)} as class
        from (${rangeMembers(p)}) m
        join users u on u.id = m.user_id
        left join ${n('pa')} on ${n('pa')}.user_id = m.user_id
        left join ${n('va')} on ${n('va')}.user_id = m.user_id)`;
}

/**
 * Classes in two consecutive periods, the transition table between them, and each member's week-by-week
 * strip across both — one statement. `span` is previous.d0 .. current.d1 (for the weekly strip).
 */
export async function trajectories(db: DbOrTx, previous: Period, current: Period, span: Period): Promise<TrajectoriesDb> {
  const classes = sql.raw(`array['core', 'contributor', 'reader', 'inactive', 'notMember']`);
  const [row] = await reportRows<TrajectoriesDb>(
    db,
    // One scan of the span's posts (split at the start of the current period) and one of its rollup
    // rows serve both periods' classes and the weekly strips.
    sql`with k_acts as materialized (
      select user_id, week_start, created_at >= ${current.t0}::timestamptz as in_current, count(*)::int as posts
        from (${countedActs(span, null, undefined, true)}) a group by 1, 2, 3),
    k_vw as materialized (${rangeViewWeeks(span)}),
    t_m as (${rangeMembers(span)}),
    ${trajectoryPeriodCtes('p', previous, sql`not in_current`)},
    ${trajectoryPeriodCtes('c', current, sql`in_current`)},
    ${weeklyCellsCtes(span, undefined, {
      members: sql`t_m`,
      postsPerWeek: sql`select user_id, week_start, sum(posts)::int as n from k_acts group by user_id, week_start`,
      viewWeeks: sql`select user_id, week_start from k_vw`,
    })},
    both_periods as (
      select coalesce(c_r.user_id, p_r.user_id) as user_id, coalesce(c_r.display_name, p_r.display_name) as display_name,
             coalesce(p_r.class, 'notMember') as previous_class, coalesce(c_r.class, 'notMember') as current_class
        from p_r full outer join c_r on c_r.user_id = p_r.user_id),
    strips as (
      select w_m.user_id, json_agg(c.class order by w_wb.week_start) as weeks
        from w_m cross join w_wb left join w_cells c on c.user_id = w_m.user_id and c.week_start = w_wb.week_start
       group by w_m.user_id),
    counts as (select previous_class, current_class, count(*)::int as n from both_periods group by 1, 2)
    select
      (select json_agg(week_start::text order by week_start) from w_wb) as week_starts,
      (select json_agg(json_build_object('from', f.cls, 'to', t.cls, 'count', coalesce(counts.n, 0)) order by f.ord, t.ord)
         from unnest(${classes}) with ordinality f(cls, ord)
        cross join unnest(${classes}) with ordinality t(cls, ord)
         left join counts on counts.previous_class = f.cls and counts.current_class = t.cls
        where not (f.cls = 'notMember' and t.cls = 'notMember')) as transitions,
      coalesce((select json_agg(json_build_object('user_id', b.user_id, 'display_name', b.display_name,
                                  'previous_class', b.previous_class, 'current_class', b.current_class, 'weeks', s.weeks)
                                order by b.display_name, b.user_id)
                  from both_periods b join strips s on s.user_id = b.user_id), '[]'::json) as members`,
  );
  return row!;
}

export interface TopicPolicyRow {
  id: string;
  community_id: string;
  author_id: string;
  kind: 'cpd' | 'problem';
  upcoming: boolean;
  facilitator_ids: string[];
}

/** What the policy needs to know about one topic of the community (null: no such topic there). */
export async function findTopicForPolicy(db: DbOrTx, communityId: string, topicId: string): Promise<TopicPolicyRow | null> {
  const [row] = await rows<TopicPolicyRow>(
    db,
    sql`select t.id, t.community_id, t.author_id, t.kind, coalesce(t.opens_at > now(), false) as upcoming,
               array(select f.user_id::text from topic_facilitators f where f.topic_id = t.id) as facilitator_ids
          from topics t where t.id = ${topicId} and t.community_id = ${communityId}`,
  );
  return row ?? null;
}

/** Topics of the community the user facilitates (CPD topics they opened, or where they are a named facilitator). */
export async function facilitatedTopicIds(db: DbOrTx, communityId: string, userId: string): Promise<string[]> {
  const list = await rows<{ id: string }>(
    db,
    sql`select t.id from topics t
         where t.community_id = ${communityId}
           and ((t.kind = 'cpd' and t.author_id = ${userId})
                or exists (select 1 from topic_facilitators f where f.topic_id = t.id and f.user_id = ${userId}))`,
  );
  return list.map((r) => r.id);
}
