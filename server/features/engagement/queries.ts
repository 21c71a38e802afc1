// Engagement analytics in SQL: a handful of set-based queries per report, no per-member round trips.
// Two rollups kept by triggers carry the community-wide reports: engagement_member_days ("who wrote how
// much on which day": a 3-month range at bench scale is ~50k rows instead of ~250k posts) and
// engagement_view_weeks ("who read in which week", a bitmask of days: ~120k rows instead of ~1.3M
// views). The per-topic report reads three more (migration 0009): topic-day act counts, and per topic-week
// bitmaps of readers and posters, one bit per participant, so a topic's distinct readers over a period's
// whole weeks are a bit count of OR-ed bitmaps (~24k rows instead of ~1.3M views at bench scale); the
// days of partial weeks at the edges, and time zones other than UTC, read posts and topic_views through
// the covering indexes posts_community_created_cover_idx and topic_views_community_day_cover_idx.
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
 * files, which doubled their time on the bench data. JIT compilation of a report's expressions cost
 * up to half a second, more than it saved. SET LOCAL keeps both to this statement.
 */
async function reportRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  return db.transaction(async (tx) => {
    // One round trip for both settings (set_config(..., true) is SET LOCAL). The server's pool has JIT off
    // already (db/client.ts); saying it here keeps reports right on a connection opened otherwise.
    await tx.execute(sql`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`);
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

/** SQL: the membership row t_m (joined_at, removed_at) was active at some instant of the period. */
const memberDuring = (p: Period) =>
  sql`(t_m.joined_at < ${p.t1}::timestamptz and (t_m.removed_at is null or t_m.removed_at >= ${p.t0}::timestamptz))`;

/** SQL: `column` is the topic, or one of the topics (a list of uuid literals). */
const topicIs = (column: SQL, topics: string | SQL) => (typeof topics === 'string' ? sql`and ${column} = ${topics}` : sql`and ${column} in (${topics})`);

/**
 * Topic openings and counted replies in the period, one row each (the per-topic reports), optionally of some
 * topics only. A topic's opening counts while it is published, as a reply does (migration 0012).
 */
const countedActs = (p: Period, topics?: string | SQL | null, userId?: string) => sql`
  select t.author_id as user_id, t.id as topic_id, null::uuid as post_id, null::uuid as prompt_id, t.created_at, true as is_opening
    from topics t
   where t.community_id = ${p.communityId} and t.created_at >= ${p.t0}::timestamptz and t.created_at < ${p.t1}::timestamptz
     and t.moderation_status = 'published'
     ${topics ? topicIs(sql`t.id`, topics) : sql``}
     ${userId ? sql`and t.author_id = ${userId}` : sql``}
  union all
  select po.author_id, po.topic_id, po.id, po.prompt_id, po.created_at, false
    from posts po
   where po.community_id = ${p.communityId} and po.created_at >= ${p.t0}::timestamptz and po.created_at < ${p.t1}::timestamptz
     and po.status in ${COUNTED}
     ${topics ? topicIs(sql`po.topic_id`, topics) : sql``}
     ${userId ? sql`and po.author_id = ${userId}` : sql``}`;

/** Zones whose days are UTC days, so that engagement_member_days (kept by UTC day) answers them directly. */
const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'UCT', 'Etc/UCT', 'GMT', 'Etc/GMT', 'GMT0', 'Etc/GMT0', 'Etc/GMT+0', 'Etc/GMT-0', 'Greenwich', 'Etc/Greenwich', 'Universal', 'Etc/Universal', 'Zulu', 'Etc/Zulu']);

/**
 * What each member wrote on each day of the period, days being local dates in the period's zone:
 * (user_id, day, posts, replies, openings, removed, helpful) — posts counts topic openings and counted
 * replies, removed the replies removed by moderators, helpful the marks received on that day's counted
 * replies (only when asked: in other zones it costs a probe per post). Rows may hold only removed posts
 * (posts = 0). In UTC it is the rollup; in other zones the same figures grouped from topics and posts.
 */
const memberDays = (p: Period, opts: { userId?: string | undefined; userIn?: SQL; helpful?: boolean } = {}) =>
  UTC_ZONES.has(p.tz)
    ? sql`
  select user_id, day, posts, replies, openings, removed, ${opts.helpful ? sql`helpful` : sql`0`} as helpful
    from engagement_member_days
   where community_id = ${p.communityId} and day >= ${p.d0}::date and day <= ${p.d1}::date
     ${opts.userId ? sql`and user_id = ${opts.userId}` : sql``}
     ${opts.userIn ? sql`and user_id in (${opts.userIn})` : sql``}`
    : sql`
  select user_id, (created_at at time zone ${p.tz})::date as day,
         count(*) filter (where kind <> 'removed')::int as posts, count(*) filter (where kind = 'reply')::int as replies,
         count(*) filter (where kind = 'opening')::int as openings, count(*) filter (where kind = 'removed')::int as removed,
         ${opts.helpful ? sql`coalesce(sum((select count(*) from helpful_marks h where h.post_id = a.post_id)) filter (where kind = 'reply'), 0)::int` : sql`0`} as helpful
    from (
      select t.author_id as user_id, t.created_at, case when t.moderation_status = 'removed' then 'removed' else 'opening' end as kind, null::uuid as post_id
        from topics t
       where t.community_id = ${p.communityId} and t.created_at >= ${p.t0}::timestamptz and t.created_at < ${p.t1}::timestamptz
         and t.moderation_status in ('published', 'removed')
         ${opts.userId ? sql`and t.author_id = ${opts.userId}` : sql``}
         ${opts.userIn ? sql`and t.author_id in (${opts.userIn})` : sql``}
      union all
      select po.author_id, po.created_at, case when po.status = 'removed' then 'removed' else 'reply' end, po.id
        from posts po
       where po.community_id = ${p.communityId} and po.created_at >= ${p.t0}::timestamptz and po.created_at < ${p.t1}::timestamptz
         and po.status in ('published', 'withdrawn', 'removed')
         ${opts.userId ? sql`and po.author_id = ${opts.userId}` : sql``}
         ${opts.userIn ? sql`and po.author_id in (${opts.userIn})` : sql``}) a
   group by 1, 2`;

/**
 * Topic views whose (UTC) day lies in d0..d1; `first` marks each (topic, member) pair's first view in
 * the range, so distinct topics or readers are a count of `first` rows (topic_views.prev_day).
 */
const rangeViews = (p: Period, topicId?: string | null, userId?: string) => sql`
  select v.user_id, v.topic_id, v.day, (v.prev_day is null or v.prev_day < ${p.d0}::date) as first from topic_views v
   where v.community_id = ${p.communityId} and v.day >= ${p.d0}::date and v.day <= ${p.d1}::date
     ${topicId ? sql`and v.topic_id = ${topicId}` : sql``}
     ${userId ? sql`and v.user_id = ${userId}` : sql``}`;

/**
 * The same views, rolled up: (user_id, week_start, days) for each member and ISO week with a view in
 * d0..d1, `days` being the bitmask of viewing days (bit 0 = Monday) clipped to the range, so edge weeks
 * count only their days inside it. Equals the distinct (user, week) pairs of rangeViews.
 */
const rangeViewWeeks = (p: Period, userId?: string, userIn?: SQL) => sql`
  select user_id, week_start, days from (
    select ew.user_id, ew.week_start, ew.days & ${daysOfPeriod(p, sql`ew.week_start`)} as days
      from engagement_view_weeks ew
     where ew.community_id = ${p.communityId} and ${weekTouches(p, sql`ew.week_start`)}
       ${userId ? sql`and ew.user_id = ${userId}` : sql``}
       ${userIn ? sql`and ew.user_id in (${userIn})` : sql``}) clipped
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
 * CTEs `${x}_m` (members), `${x}_pa` (what each author wrote, members or not), `${x}_va` (reading per
 * member) and `${x}_r` (one row per member with its class and last day seen), for one period.
 * Community-wide, all of it comes from the rollups (memberDays, the view weeks); topics viewed and days
 * active are left at 0 for memberRows to fill in for the members it returns. For one topic (`topicId`),
 * from that topic's posts (`${x}_a`) and views (`${x}_v`), topics viewed (0 or 1) and days active included.
 */
function memberActivityCtes(x: string, p: Period, opts: { topicId?: string | null; userId?: string | undefined; helpful?: boolean } = {}) {
  const n = (s: string) => sql.raw(`${x}_${s}`);
  const posts = sql`coalesce(${n('pa')}.posts, 0)`;
  const topic = opts.topicId ?? null;
  return sql`
  ${n('m')} as (${rangeMembers(p, opts.userId)}),
  ${
    topic
      ? sql`${n('a')} as materialized (${countedActs(p, topic, opts.userId)}),
  ${n('pa')} as (
    select user_id, count(*)::int as posts, count(*) filter (where not is_opening)::int as replies,
           count(*) filter (where is_opening)::int as topics_started, max((created_at at time zone ${p.tz})::date) as last_post_day,
           0 as helpful
      from ${n('a')} group by user_id),
  ${n('v')} as materialized (${rangeViews(p, topic, opts.userId)}),
  ${n('va')} as (
    select user_id, count(*) filter (where first)::int as topics_viewed, max(day) as last_view_day from ${n('v')} group by user_id),
  ${n('ad')} as (
    select user_id, count(*)::int as days_active from (
      select user_id, (created_at at time zone ${p.tz})::date as d from ${n('a')}
      union select user_id, day from ${n('v')}) d group by user_id),`
      : sql`${n('d')} as materialized (${memberDays(p, { userId: opts.userId, helpful: opts.helpful ?? false })}),
  ${n('pa')} as (
    select user_id, sum(posts)::int as posts, sum(replies)::int as replies, sum(openings)::int as topics_started,
           max(day) filter (where posts > 0) as last_post_day, sum(helpful)::int as helpful
      from ${n('d')} group by user_id),
  ${n('va')} as (
    select user_id, 0 as topics_viewed, max(${lastDayOfMask}) as last_view_day
      from (${rangeViewWeeks(p, opts.userId)}) vw group by user_id),`
  }
  ${n('r')} as (
    select ${n('m')}.user_id, u.display_name, ${posts} as posts,
           coalesce(${n('pa')}.replies, 0) as replies, coalesce(${n('pa')}.topics_started, 0) as topics_started,
           coalesce(${n('pa')}.helpful, 0) as helpful,
           coalesce(${n('va')}.topics_viewed, 0) as topics_viewed,
           ${topic ? sql`coalesce(${n('ad')}.days_active, 0)` : sql`0`} as days_active,
           greatest(${n('pa')}.last_post_day, ${n('va')}.last_view_day) as last_seen,
           ${classOf(posts, sql`${n('va')}.user_id is not null`, sql`${p.days}::int`)} as class
      from ${n('m')}
      join users u on u.id = ${n('m')}.user_id
      left join ${n('pa')} on ${n('pa')}.user_id = ${n('m')}.user_id
      left join ${n('va')} on ${n('va')}.user_id = ${n('m')}.user_id
      ${topic ? sql`left join ${n('ad')} on ${n('ad')}.user_id = ${n('m')}.user_id` : sql``})`;
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
 * posts, replies, topic openings, removed posts, from memberDays), `k_vw` (who read in the period, from
 * the view rollup), `s_m` (members) and `s_r` (one row per member with the class).
 */
function periodCtes(p: Period) {
  return sql`
  k_acts as materialized (
    select user_id, sum(posts)::int as posts, sum(replies)::int as replies, sum(openings)::int as openings, sum(removed)::int as removed
      from (${memberDays(p)}) d group by user_id),
  k_vw as (select distinct user_id from (${rangeViewWeeks(p)}) vw),
  s_m as (${rangeMembers(p)}),
  s_r as (
    select s_m.user_id, ${classOf(sql`coalesce(k_acts.posts, 0)`, sql`k_vw.user_id is not null`, sql`${p.days}::int`)} as class
      from s_m left join k_acts on k_acts.user_id = s_m.user_id left join k_vw on k_vw.user_id = s_m.user_id)`;
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
          where t.community_id = ${p.communityId} and t.created_at >= ${p.t0}::timestamptz and t.created_at < ${p.t1}::timestamptz
            and t.moderation_status = 'published') waits)
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

/** CTE `w_wb`: the ISO weeks touching the period, clipped to it: week_start, days in the period, and their instants [t0, t1). */
const weekBoundsCte = (p: Period) => sql`
  w_wb as (
    select wk::date as week_start,
           (least(wk::date + 6, ${p.d1}::date) - greatest(wk::date, ${p.d0}::date) + 1) as days,
           greatest(wk::date, ${p.d0}::date)::timestamp at time zone ${p.tz} as t0,
           (least(wk::date + 6, ${p.d1}::date) + 1)::timestamp at time zone ${p.tz} as t1
      from generate_series(date_trunc('week', ${p.d0}::date::timestamp), ${p.d1}::date::timestamp, interval '1 week') wk)`;

/** SQL: the membership (columns joined_at, removed_at of `m`) was active at some instant of week `w` (columns t0, t1). */
const activeInWeek = (m: string, w: string) =>
  sql.raw(`${m}.joined_at < ${w}.t1 and (${m}.removed_at is null or ${m}.removed_at >= ${w}.t0)`);

/**
 * CTEs `w_wb` (the ISO weeks touching the period, clipped to it, with their instants), `w_m`, `w_pw`
 * (counted acts per author and week), `w_vw` (who read in which week) and `w_cells`: one row per member
 * per week of their membership, with that week's posts and class.
 */
function weeklyCellsCtes(p: Period, userId?: string, shared?: { members: SQL; postsPerWeek: SQL; viewWeeks: SQL }) {
  return sql`
  ${weekBoundsCte(p)},
  w_m as (${shared ? shared.members : rangeMembers(p, userId)}),
  w_pw as (${shared ? shared.postsPerWeek : sql`select user_id, date_trunc('week', day::timestamp)::date as week_start, sum(posts)::int as n from (${memberDays(p, { userId })}) d group by 1, 2`}),
  w_vw as (${shared ? shared.viewWeeks : sql`select user_id, week_start from (${rangeViewWeeks(p, userId)}) vw`}),
  w_cells as (
    select w_m.user_id, w_wb.week_start, coalesce(w_pw.n, 0) as posts,
           ${classOf(sql`coalesce(w_pw.n, 0)`, sql`w_vw.user_id is not null`, sql`w_wb.days`)} as class
      from w_m
      join w_wb on ${activeInWeek('w_m', 'w_wb')}
      left join w_pw on w_pw.user_id = w_m.user_id and w_pw.week_start = w_wb.week_start
      left join w_vw on w_vw.user_id = w_m.user_id and w_vw.week_start = w_wb.week_start)`;
}

/**
 * Posters, lurkers, inactive and posts per ISO week of the period (weeks with nobody still appear).
 * Counted per week from the writers and readers of each week, not from a member × week grid (10,000 ×
 * 14 cells at bench scale). Membership is checked with hashed probes: nearly every member's membership
 * covers the whole period (`w_whole`); only the others are listed week by week (`w_part`).
 */
export async function weeklySeries(db: DbOrTx, p: Period): Promise<WeeklyDbRow[]> {
  const isMember = (user: string, week: string) =>
    sql.raw(`(${user} in (select user_id from w_whole) or (${user}, ${week}) in (select user_id, week_start from w_part))`);
  return reportRows<WeeklyDbRow>(
    db,
    sql`with ${weekBoundsCte(p)},
    w_m as (${rangeMembers(p)}),
    w_whole as (select user_id from w_m where joined_at < ${p.t0}::timestamptz and (removed_at is null or removed_at >= ${p.t1}::timestamptz)),
    w_part as (
      select w_m.user_id, w_wb.week_start from w_m join w_wb on ${activeInWeek('w_m', 'w_wb')}
       where w_m.user_id not in (select user_id from w_whole)),
    w_pw as materialized (
      select user_id, date_trunc('week', day::timestamp)::date as week_start, sum(posts)::int as n
        from (${memberDays(p)}) d group by 1, 2 having sum(posts) > 0),
    posting as (
      select w_pw.week_start, count(*)::int as posters, count(*) filter (where 7 * w_pw.n >= 3 * w_wb.days)::int as core
        from w_pw join w_wb on w_wb.week_start = w_pw.week_start
       where ${isMember('w_pw.user_id', 'w_pw.week_start')}
       group by w_pw.week_start),
    reading as (
      select vw.week_start, count(*)::int as lurkers
        from (${rangeViewWeeks(p)}) vw
       where ${isMember('vw.user_id', 'vw.week_start')}
         and (vw.user_id, vw.week_start) not in (select user_id, week_start from w_pw)
       group by vw.week_start),
    membership as (
      select w_wb.week_start,
             ((select count(*) from w_whole) + (select count(*) from w_part where w_part.week_start = w_wb.week_start))::int as members
        from w_wb),
    written as (select week_start, sum(n)::int as posts from w_pw group by week_start)
    select w_wb.week_start::text as week_start, w_wb.days::int as days, membership.members,
           coalesce(posting.posters, 0) as posters, coalesce(reading.lurkers, 0) as lurkers,
           membership.members - coalesce(posting.posters, 0) - coalesce(reading.lurkers, 0) as inactive,
           coalesce(posting.core, 0) as core, coalesce(posting.posters, 0) - coalesce(posting.core, 0) as contributors,
           coalesce(written.posts, 0) as posts
      from w_wb
      join membership on membership.week_start = w_wb.week_start
      left join posting on posting.week_start = w_wb.week_start
      left join reading on reading.week_start = w_wb.week_start
      left join written on written.week_start = w_wb.week_start
     order by w_wb.week_start`,
  );
}

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
    sql`with ${memberActivityCtes('s', p, { helpful: true })}
    select user_id, display_name, posts, topics_started, helpful as helpful_received
      from s_r where posts > 0
     order by posts desc, topics_started desc, display_name, user_id
     limit ${limit}`,
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

/**
 * One row per member of the period (optionally: relative to one topic, one class, one member), most
 * posts first, `limit` of them from `offset` (null: all), with the number of rows there are in all.
 * Community-wide, topics viewed and days active are computed for the returned members only: they need
 * each member's view rows, which is a short index range per member but over a million rows for all.
 */
export async function memberRows(
  db: DbOrTx,
  p: Period,
  opts: { topicId?: string | null; className?: EngagementClass | null; userId?: string; limit?: number | null; offset?: number } = {},
): Promise<{ total: number; rows: MemberDbRow[] }> {
  const topic = opts.topicId ?? null;
  const result = await reportRows<MemberDbRow & { total: number }>(
    db,
    sql`with ${memberActivityCtes('s', p, { topicId: topic, userId: opts.userId })},
    chosen as (select * from s_r ${opts.className ? sql`where class = ${opts.className}` : sql``}),
    page as materialized (
      select * from chosen order by posts desc, display_name, user_id
      ${opts.limit === null || opts.limit === undefined ? sql`` : sql`limit ${opts.limit}`} offset ${opts.offset ?? 0}),
    ${
      topic
        ? sql`details as (select user_id, topics_viewed, days_active from page)`
        : sql`page_views as (
      select v.user_id, count(*) filter (where v.prev_day is null or v.prev_day < ${p.d0}::date)::int as topics_viewed
        from topic_views v
       where v.community_id = ${p.communityId} and v.user_id in (select user_id from page)
         and v.day >= ${p.d0}::date and v.day <= ${p.d1}::date
       group by v.user_id),
    -- Days active: OR the week bitmasks of posting days (in tz) and viewing days (the rollup), count bits.
    page_days as (
      select user_id, sum(length(replace(days::bit(7)::text, '0', '')))::int as days_active from (
        select user_id, week_start, bit_or(days) as days from (
          select user_id, date_trunc('week', day::timestamp)::date as week_start, 1 << (extract(isodow from day)::int - 1) as days
            from s_d where posts > 0 and user_id in (select user_id from page)
          union all
          select user_id, week_start, days from (${rangeViewWeeks(p, opts.userId)}) vw where user_id in (select user_id from page)) x
         group by user_id, week_start) y
       group by user_id),
    details as (
      select page.user_id, coalesce(page_views.topics_viewed, 0) as topics_viewed, coalesce(page_days.days_active, 0) as days_active
        from page left join page_views on page_views.user_id = page.user_id left join page_days on page_days.user_id = page.user_id)`
    }
    select total.total, page.user_id, page.display_name, page.posts, page.replies, page.topics_started,
           details.topics_viewed, details.days_active, page.last_seen::text as last_seen, page.class
      from (select count(*)::int as total from chosen) total
      left join (page join details on details.user_id = page.user_id) on true
     order by page.posts desc, page.display_name, page.user_id`,
  );
  return { total: result[0]?.total ?? 0, rows: result.filter((r) => r.user_id !== null) };
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

const TOPIC_SORT_KEYS: Record<string, keyof TopicDbRow> = {
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

/** Strings in code point order (as PostgreSQL's C collation, the one Stoa's databases use). */
const byCodePoints = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * Per-topic participation for topics with a counted post or a view in the period (or exactly `topicIds`).
 *
 * Readers who did not post = the topic's member readers − the member authors who also read it. Two
 * statements run side by side on the pool: the posts half (posts, posters, per-prompt counts, and the
 * authors' own first views in the range, read through their few index ranges) and the views half (one
 * pass over the range's first views per topic, less those of the rare non-members). A single statement
 * had to check each of the ~800k first views against the ~77k (topic, author) pairs.
 */
export async function topicRows(
  db: DbOrTx,
  p: Period,
  opts: { topicIds: string[] | null; sort: string; /** See topicSlices; 1 on PGlite (one connection). */ parallelism?: number },
): Promise<TopicDbRow[]> {
  const desc = opts.sort.startsWith('-');
  const key = TOPIC_SORT_KEYS[opts.sort.replace(/^-/, '')] ?? 'posts';
  if (opts.topicIds?.length === 0) return [];
  // A facilitator's few topics: every scan below is narrowed to them.
  const ids = opts.topicIds ? sql.join(opts.topicIds.map((id) => sql`${id}::uuid`), sql`, `) : null;
  const rows = !UTC_ZONES.has(p.tz)
    ? await topicRowsFromActs(db, p, ids)
    : ids !== null
      ? await topicRowsFromRollups(db, p, ids, null)
      : (await Promise.all(topicSlices(opts.parallelism ?? 1).map((slice) => topicRowsFromRollups(db, p, null, slice)))).flat();
  // The sort key (nulls last either way), then title and id, as the SQL used to order them.
  const order = (x: TopicDbRow, y: TopicDbRow) => {
    const a = x[key] as string | number | null;
    const b = y[key] as string | number | null;
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
    const c = typeof a === 'number' && typeof b === 'number' ? a - b : byCodePoints(String(a), String(b));
    return desc ? -c : c;
  };
  return rows.sort((x, y) => order(x, y) || byCodePoints(x.title, y.title) || byCodePoints(x.topic_id, y.topic_id));
}

/**
 * Every figure of the per-topic report is per topic, so the community's topics can be cut into slices of
 * the uuid space (ids are random, so the slices are even) and each slice answered by its own statement on
 * its own pooled connection: PostgreSQL then uses as many cores as there are slices. [lo, hi); null: open.
 */
type TopicSlice = [lo: string | null, hi: string | null] | null;
function topicSlices(parts: number): TopicSlice[] {
  if (parts <= 1) return [null];
  const bound = (i: number) => `${Math.floor((i * 0x1_0000_0000) / parts).toString(16).padStart(8, '0')}-0000-0000-0000-000000000000`;
  return Array.from({ length: parts }, (_, i) => [i === 0 ? null : bound(i), i === parts - 1 ? null : bound(i + 1)]);
}

/** YYYY-MM-DD plus n days. */
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * The period in whole ISO weeks (Monday to Sunday) and the days left over at either end: the rollup answers
 * the whole weeks, the posts and views themselves the edge days (at most six at each end).
 */
function weeksAndEdges(p: Period): { weeks: [string, string] | null; edges: Array<[string, string]> } {
  const monday = (day: string) => addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));
  const firstWeek = monday(p.d0) === p.d0 ? p.d0 : addDays(monday(p.d0), 7);
  const lastWeek = addDays(monday(addDays(p.d1, 1)), -7); // the last Monday whose Sunday is ≤ d1
  if (firstWeek > lastWeek) return { weeks: null, edges: [[p.d0, p.d1]] };
  const edges: Array<[string, string]> = [];
  if (p.d0 < firstWeek) edges.push([p.d0, addDays(firstWeek, -1)]);
  if (addDays(lastWeek, 6) < p.d1) edges.push([addDays(lastWeek, 7), p.d1]);
  return { weeks: [firstWeek, lastWeek], edges };
}

/**
 * The per-topic report from the per-topic rollups (UTC days only). Distinct readers and posters of a topic
 * over the whole weeks are bit counts of its OR-ed week bitmaps; members active only on the edge days are
 * added after testing their bits, and participants who were not members during the period (an instance
 * admin, someone removed before it) are taken off. Posts and per-prompt counts are sums of topic-day rows,
 * first and last post two index probes per topic.
 */
async function topicRowsFromRollups(db: DbOrTx, p: Period, ids: SQL | null, slice: TopicSlice): Promise<TopicDbRow[]> {
  const inSlice = (column: SQL) =>
    slice === null ? sql`` : sql`${slice[0] ? sql` and ${column} >= ${slice[0]}::uuid` : sql``}${slice[1] ? sql` and ${column} < ${slice[1]}::uuid` : sql``}`;
  const only = (column: SQL) => sql`${ids === null ? sql`` : topicIs(column, ids)}${inSlice(column)}`;
  const { weeks, edges } = weeksAndEdges(p);
  const edgeDays = (column: SQL) =>
    edges.length === 0 ? sql`false` : sql.join(edges.map(([a, b]) => sql`${column} between ${a}::date and ${b}::date`), sql` or `);
  const edgeInstants = (column: SQL) =>
    edges.length === 0
      ? sql`false`
      : sql.join(edges.map(([a, b]) => sql`(${column} >= ${a}::date::timestamp at time zone 'UTC' and ${column} < ${addDays(b, 1)}::date::timestamp at time zone 'UTC')`), sql` or `);
  /** SQL: bit `no` of bitmap `bits` is set (false past its end: get_bit would throw). */
  const bit = (bits: SQL, no: SQL) => sql`(case when ${no} < length(${bits}) then get_bit(${bits}, ${no}) = 1 else false end)`;
  const rows = await reportRows<TopicDbRow & { included: boolean }>(
    db,
    sql`with m as (${rangeMembers(p)}),
    -- Bitmaps grow 64 bits at a time as participants join, so each is padded with zeros to the community's
    -- longest (bit_or wants one length), cut from one zero bitmap made once (materialized: made per row
    -- from text it cost seconds at bench scale).
    len as materialized (
      select n, repeat('0', n)::varbit as zeros
        from (select (coalesce(max(no), 0) / 64 + 1) * 64 as n from engagement_participants where community_id = ${p.communityId}) x),
    -- Each topic's readers and posters over the whole weeks (most topic-weeks have no poster: no padding for them).
    fw as materialized (
      select w.topic_id, bit_or(w.viewers || substring(len.zeros from 1 for len.n - length(w.viewers))) filter (where length(w.viewers) > 0) as v,
             bit_or(w.posters || substring(len.zeros from 1 for len.n - length(w.posters))) filter (where length(w.posters) > 0) as p
        from engagement_topic_weeks w cross join len
       where w.community_id = ${p.communityId} and ${weeks ? sql`w.week_start >= ${weeks[0]}::date and w.week_start <= ${weeks[1]}::date` : sql`false`}
         ${only(sql`w.topic_id`)}
       group by w.topic_id),
    -- Who read or wrote on the edge days, per topic.
    edge as materialized (
      select e.topic_id, e.user_id, bool_or(e.ve) as ve, bool_or(e.pe) as pe, e.user_id in (select user_id from m) as member
        from (
          select v.topic_id, v.user_id, true as ve, false as pe from topic_views v
           where v.community_id = ${p.communityId} and (${edgeDays(sql`v.day`)}) ${only(sql`v.topic_id`)}
          union all
          select t.id, t.author_id, false, true from topics t
           where t.community_id = ${p.communityId} and (${edgeInstants(sql`t.created_at`)}) and t.moderation_status = 'published' ${only(sql`t.id`)}
          union all
          select po.topic_id, po.author_id, false, true from posts po
           where po.community_id = ${p.communityId} and (${edgeInstants(sql`po.created_at`)}) and po.status in ${COUNTED} ${only(sql`po.topic_id`)}
        ) e
       group by e.topic_id, e.user_id),
    eb as (
      select e.topic_id, e.ve, e.pe, e.member, ${bit(sql`fw.v`, sql`n.no`)} as vf, ${bit(sql`fw.p`, sql`n.no`)} as pf
        from edge e
        left join engagement_participants n on n.community_id = ${p.communityId} and n.user_id = e.user_id
        left join fw on fw.topic_id = e.topic_id),
    ec as (
      select topic_id, bool_or(ve) as any_view,
             count(*) filter (where member and ve and not vf)::int as v_add,
             count(*) filter (where member and pe and not pf)::int as p_add,
             count(*) filter (where member and (vf or ve) and (pf or pe) and not (vf and pf))::int as b_add
        from eb group by topic_id),
    -- Participants with a bit in some topic's whole weeks who were not members during the period.
    nm as (
      select n.no from engagement_participants n
       where n.community_id = ${p.communityId} and n.user_id not in (select user_id from m)
         and ${bit(sql`(select bit_or(coalesce(v, len.zeros) | coalesce(p, len.zeros)) from fw, len)`, sql`n.no`)}),
    nmc as (
      select fw.topic_id, count(*) filter (where ${bit(sql`fw.v`, sql`nm.no`)})::int as v_sub,
             count(*) filter (where ${bit(sql`fw.p`, sql`nm.no`)})::int as p_sub,
             count(*) filter (where ${bit(sql`fw.v`, sql`nm.no`)} and ${bit(sql`fw.p`, sql`nm.no`)})::int as b_sub
        from fw cross join nm group by fw.topic_id),
    td as (
      select topic_id, prompt_id, sum(acts)::int as n from engagement_topic_days
       where community_id = ${p.communityId} and day >= ${p.d0}::date and day <= ${p.d1}::date ${only(sql`topic_id`)}
       group by topic_id, prompt_id),
    pt as (select topic_id, sum(n)::int as posts from td group by topic_id),
    ppt as (
      select pr.topic_id, json_agg(json_build_object('promptId', pr.id, 'position', pr.position, 'replies', coalesce(td.n, 0)) order by pr.position) as per_prompt
        from prompts pr join topics tp on tp.id = pr.topic_id and tp.community_id = ${p.communityId} ${only(sql`tp.id`)}
        left join td on td.prompt_id = pr.id
       group by pr.topic_id),
    counts as (
      select t.id as topic_id,
             coalesce(bit_count(fw.v), 0) - coalesce(nmc.v_sub, 0) + coalesce(ec.v_add, 0) as readers,
             coalesce(bit_count(fw.p), 0) - coalesce(nmc.p_sub, 0) + coalesce(ec.p_add, 0) as posters,
             coalesce(bit_count(fw.v & fw.p), 0) - coalesce(nmc.b_sub, 0) + coalesce(ec.b_add, 0) as readers_who_posted,
             coalesce(bit_count(fw.v), 0) > 0 or coalesce(ec.any_view, false) as viewed
        from topics t
        left join fw on fw.topic_id = t.id left join ec on ec.topic_id = t.id left join nmc on nmc.topic_id = t.id
       where t.community_id = ${p.communityId} ${only(sql`t.id`)})
    select t.id as topic_id, t.title, t.kind, coalesce(pt.posts, 0) as posts, c.posters::int as posters,
           (c.readers - c.readers_who_posted)::int as readers_who_did_not_post,
           coalesce(ppt.per_prompt, '[]'::json) as per_prompt,
           coalesce((select json_agg(json_build_object('userId', u.id, 'displayName', u.display_name) order by u.display_name, u.id)
                       from users u where u.id in ${topicFacilitatorIds('t')}), '[]'::json) as facilitators,
           ${isoTs(sql`fl.first_at`)} as first_post_at, ${isoTs(sql`fl.last_at`)} as last_post_at,
           round((extract(epoch from (fl.last_at - fl.first_at)) / 86400.0)::numeric, 1)::float8 as duration_days,
           ${ids === null ? sql`coalesce(pt.posts, 0) > 0 or c.viewed` : sql`true`} as included
      from topics t
      join counts c on c.topic_id = t.id
      left join pt on pt.topic_id = t.id left join ppt on ppt.topic_id = t.id
      -- First and last counted act: the opening when it lies in the period, else the index of posts by (topic, time).
      left join lateral (
        select least(case when t.created_at >= ${p.t0}::timestamptz and t.created_at < ${p.t1}::timestamptz then t.created_at end,
                     (select po.created_at from posts po where po.topic_id = t.id and po.created_at >= ${p.t0}::timestamptz
                         and po.created_at < ${p.t1}::timestamptz and po.status in ${COUNTED} order by po.created_at limit 1)) as first_at,
               greatest(case when t.created_at >= ${p.t0}::timestamptz and t.created_at < ${p.t1}::timestamptz then t.created_at end,
                     (select po.created_at from posts po where po.topic_id = t.id and po.created_at >= ${p.t0}::timestamptz
                         and po.created_at < ${p.t1}::timestamptz and po.status in ${COUNTED} order by po.created_at desc limit 1)) as last_at
         where pt.posts > 0) fl on true
     -- Held, hidden and removed topics are not in the report (their titles are not members' to read).
     where t.community_id = ${p.communityId} and t.moderation_status = 'published' ${only(sql`t.id`)}`,
  );
  return rows.filter((r) => r.included).map(({ included: _, ...r }) => r);
}

/** The per-topic report from the period's posts and views themselves (any time zone). */
async function topicRowsFromActs(db: DbOrTx, p: Period, ids: SQL | null): Promise<TopicDbRow[]> {
  const only = (column: SQL) => (ids === null ? sql`` : topicIs(column, ids));
  const firstInRange = sql`v.day >= ${p.d0}::date and v.day <= ${p.d1}::date and (v.prev_day is null or v.prev_day < ${p.d0}::date)`;
  const [topics, read] = await Promise.all([
    reportRows<Omit<TopicDbRow, 'readers_who_did_not_post'> & { authors_who_read: number }>(
      db,
      sql`with m as (${rangeMembers(p)}),
      -- One pass over the period's acts, grouped as finely as every figure needs (~100k groups, not ~250k rows).
      g as materialized (
        select topic_id, user_id, prompt_id, count(*)::int as n, min(created_at) as first_at, max(created_at) as last_at
          from (${countedActs(p, ids)}) a group by 1, 2, 3),
      pt as (select topic_id, sum(n)::int as posts, min(first_at) as first_at, max(last_at) as last_at from g group by topic_id),
      -- (topic, member author) pairs, and how many of them also read that topic in the range.
      ap as materialized (select distinct g.topic_id, g.user_id from g join m on m.user_id = g.user_id),
      pst as (select topic_id, count(*)::int as posters from ap group by topic_id),
      apr as (
        select v.topic_id, count(*) filter (where (v.topic_id, v.user_id) in (select topic_id, user_id from ap))::int as n
          from topic_views v
         where v.community_id = ${p.communityId} and v.user_id in (select user_id from ap) and ${firstInRange} ${only(sql`v.topic_id`)}
         group by v.topic_id),
      pp as (select prompt_id, sum(n)::int as n from g where prompt_id is not null group by prompt_id),
      -- Per-prompt counts, one json array per topic, in one join (not a subquery per topic).
      ppt as (
        select pr.topic_id, json_agg(json_build_object('promptId', pr.id, 'position', pr.position, 'replies', coalesce(pp.n, 0)) order by pr.position) as per_prompt
          from prompts pr join topics tp on tp.id = pr.topic_id and tp.community_id = ${p.communityId} ${only(sql`tp.id`)}
          left join pp on pp.prompt_id = pr.id
         group by pr.topic_id)
      select t.id as topic_id, t.title, t.kind, coalesce(pt.posts, 0) as posts, coalesce(pst.posters, 0) as posters,
             coalesce(apr.n, 0) as authors_who_read,
             coalesce(ppt.per_prompt, '[]'::json) as per_prompt,
             coalesce((select json_agg(json_build_object('userId', u.id, 'displayName', u.display_name) order by u.display_name, u.id)
                         from users u where u.id in ${topicFacilitatorIds('t')}), '[]'::json) as facilitators,
             ${isoTs(sql`pt.first_at`)} as first_post_at, ${isoTs(sql`pt.last_at`)} as last_post_at,
             round((extract(epoch from (pt.last_at - pt.first_at)) / 86400.0)::numeric, 1)::float8 as duration_days
        from topics t
        left join pt on pt.topic_id = t.id left join pst on pst.topic_id = t.id
        left join apr on apr.topic_id = t.id left join ppt on ppt.topic_id = t.id
       where t.community_id = ${p.communityId} and t.moderation_status = 'published' ${only(sql`t.id`)}`,
    ),
    reportRows<{ topic_id: string; member_readers: number }>(
      db,
      sql`with m as (${rangeMembers(p)}),
      -- Readers in the range who were not members then (removed before it, joined after it; an admin).
      nm as (select distinct vw.user_id from (${rangeViewWeeks(p)}) vw where vw.user_id not in (select user_id from m)),
      fv as (select v.topic_id, count(*)::int as n from topic_views v
              where v.community_id = ${p.communityId} and ${firstInRange} ${only(sql`v.topic_id`)} group by v.topic_id),
      nmv as (select v.topic_id, count(*)::int as n from topic_views v
               where v.community_id = ${p.communityId} and v.user_id in (select user_id from nm) and ${firstInRange} ${only(sql`v.topic_id`)}
               group by v.topic_id)
      select fv.topic_id, fv.n - coalesce(nmv.n, 0) as member_readers from fv left join nmv on nmv.topic_id = fv.topic_id`,
    ),
  ]);
  const readers = new Map(read.map((r) => [r.topic_id, r]));
  return topics
    .filter((t) => ids !== null || t.posts > 0 || readers.has(t.topic_id))
    .map(({ authors_who_read, ...t }) => ({ ...t, readers_who_did_not_post: (readers.get(t.topic_id)?.member_readers ?? 0) - authors_who_read }));
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
  total: number;
  transitions: Array<{ from: TrajectoryClass; to: TrajectoryClass; count: number }>;
  members: TrajectoryDbRow[];
}

/**
 * Classes in two consecutive periods, the transition table between them, and each member's week-by-week
 * strip across both — one statement. `span` is previous.d0 .. current.d1 (for the weekly strip).
 */
export async function trajectories(
  db: DbOrTx,
  previous: Period,
  current: Period,
  span: Period,
  page: { fromClass?: TrajectoryClass | undefined; toClass?: TrajectoryClass | undefined; limit: number | null; offset: number },
): Promise<TrajectoriesDb> {
  const classes = sql.raw(`array['core', 'contributor', 'reader', 'inactive', 'notMember']`);
  const chosen = sql`true ${page.fromClass ? sql`and previous_class = ${page.fromClass}` : sql``} ${page.toClass ? sql`and current_class = ${page.toClass}` : sql``}`;
  const [row] = await reportRows<TrajectoriesDb>(
    db,
    // One pass over the span's member-days and one over its view-rollup rows give both periods' classes;
    // the weekly strips read the page's members' rows only.
    sql`with t_m as (${rangeMembers(span)}),
    -- Per member, in one pass over each rollup: posts and "read at all" in each period.
    t_pa as (select user_id, coalesce(sum(posts) filter (where day < ${current.d0}::date), 0) as prev_posts,
                    coalesce(sum(posts) filter (where day >= ${current.d0}::date), 0) as cur_posts
               from (${memberDays(span)}) d group by user_id),
    t_va as (select user_id, bool_or(${weekTouches(previous, sql`week_start`)} and days & ${daysOfPeriod(previous, sql`week_start`)} <> 0) as prev_read,
                    bool_or(${weekTouches(current, sql`week_start`)} and days & ${daysOfPeriod(current, sql`week_start`)} <> 0) as cur_read
               from (${rangeViewWeeks(span)}) vw group by user_id),
    both_periods as materialized (
      select t_m.user_id, u.display_name,
             case when ${memberDuring(previous)}
                  then ${classOf(sql`coalesce(t_pa.prev_posts, 0)`, sql`coalesce(t_va.prev_read, false)`, sql`${previous.days}::int`)}
                  else 'notMember' end as previous_class,
             case when ${memberDuring(current)}
                  then ${classOf(sql`coalesce(t_pa.cur_posts, 0)`, sql`coalesce(t_va.cur_read, false)`, sql`${current.days}::int`)}
                  else 'notMember' end as current_class
        from t_m join users u on u.id = t_m.user_id
        left join t_pa on t_pa.user_id = t_m.user_id
        left join t_va on t_va.user_id = t_m.user_id),
    -- The week strips are built for one page of members only (a strip is a row per member per week).
    page as (
      select * from both_periods where ${chosen}
       order by display_name, user_id ${page.limit === null ? sql`` : sql`limit ${page.limit}`} offset ${page.offset}),
    ${weeklyCellsCtes(span, undefined, {
      members: sql`select * from t_m where user_id in (select user_id from page)`,
      postsPerWeek: sql`select user_id, date_trunc('week', day::timestamp)::date as week_start, sum(posts)::int as n
                          from (${memberDays(span, { userIn: sql`select user_id from page` })}) d group by 1, 2`,
      viewWeeks: sql`select user_id, week_start from (${rangeViewWeeks(span, undefined, sql`select user_id from page`)}) vw`,
    })},
    strips as (
      select w_m.user_id, json_agg(c.class order by w_wb.week_start) as weeks
        from w_m cross join w_wb left join w_cells c on c.user_id = w_m.user_id and c.week_start = w_wb.week_start
       group by w_m.user_id),
    counts as (select previous_class, current_class, count(*)::int as n from both_periods group by 1, 2)
    select
      (select json_agg(week_start::text order by week_start) from w_wb) as week_starts,
      (select count(*)::int from both_periods where ${chosen}) as total,
      (select json_agg(json_build_object('from', f.cls, 'to', t.cls, 'count', coalesce(counts.n, 0)) order by f.ord, t.ord)
         from unnest(${classes}) with ordinality f(cls, ord)
        cross join unnest(${classes}) with ordinality t(cls, ord)
         left join counts on counts.previous_class = f.cls and counts.current_class = t.cls
        where not (f.cls = 'notMember' and t.cls = 'notMember')) as transitions,
      coalesce((select json_agg(json_build_object('user_id', b.user_id, 'display_name', b.display_name,
                                  'previous_class', b.previous_class, 'current_class', b.current_class, 'weeks', s.weeks)
                                order by b.display_name, b.user_id)
                  from page b join strips s on s.user_id = b.user_id), '[]'::json) as members`,
  );
  return row!;
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
