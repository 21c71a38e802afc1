// The SQL pieces the reports are built from: which acts count, who was a member when, what each member
// wrote and read per day or week (from the rollups in UTC, from posts and views in other zones), the class rule.
// Which posts count is one SQL function, stoa_post_counts(status) (migration 0014), which the rollups' triggers use too.
import { sql, type SQL } from 'drizzle-orm';
import { engagementMemberDays, engagementViewWeeks, helpfulMarks, memberships, posts, topicFacilitators, topicViews, topics, users } from '../../../db/schema.js';
import type { Period } from './period.js';

export const isoTs = (expr: SQL) => sql`to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Memberships active at some instant of [t0, t1), as (user_id, joined_at, removed_at): the names the other pieces use. */
export const rangeMembers = (p: Period, userId?: string) => sql`
  select ${memberships.userId} as user_id, ${memberships.joinedAt} as joined_at, ${memberships.removedAt} as removed_at
    from ${memberships}
   where ${memberships.communityId} = ${p.communityId} and ${memberships.joinedAt} < ${p.t1}::timestamptz
     and (${memberships.removedAt} is null or ${memberships.removedAt} >= ${p.t0}::timestamptz)
     ${userId ? sql`and ${memberships.userId} = ${userId}` : sql``}`;

/** SQL: the membership row t_m (joined_at, removed_at) was active at some instant of the period. */
export const memberDuring = (p: Period) =>
  sql`(t_m.joined_at < ${p.t1}::timestamptz and (t_m.removed_at is null or t_m.removed_at >= ${p.t0}::timestamptz))`;

/** SQL: `column` is the topic, or one of the topics (a list of uuid literals). */
export const topicIs = (column: SQL, ids: string | SQL) => (typeof ids === 'string' ? sql`and ${column} = ${ids}` : sql`and ${column} in (${ids})`);

/**
 * Topic openings and counted replies in the period, one row each (the per-topic reports), optionally of some
 * topics only. A topic's opening counts while it is published, as a reply does (migration 0012).
 */
export const countedActs = (p: Period, topicIds?: string | SQL | null, userId?: string) => sql`
  select t.author_id as user_id, t.id as topic_id, null::uuid as post_id, null::uuid as prompt_id, t.created_at, true as is_opening
    from ${topics} t
   where t.community_id = ${p.communityId} and t.created_at >= ${p.t0}::timestamptz and t.created_at < ${p.t1}::timestamptz
     and t.moderation_status = 'published'
     ${topicIds ? topicIs(sql`t.id`, topicIds) : sql``}
     ${userId ? sql`and t.author_id = ${userId}` : sql``}
  union all
  select po.author_id, po.topic_id, po.id, po.prompt_id, po.created_at, false
    from ${posts} po
   where po.community_id = ${p.communityId} and po.created_at >= ${p.t0}::timestamptz and po.created_at < ${p.t1}::timestamptz
     and stoa_post_counts(po.status)
     ${topicIds ? topicIs(sql`po.topic_id`, topicIds) : sql``}
     ${userId ? sql`and po.author_id = ${userId}` : sql``}`;

/** Zones whose days are UTC days, so that engagement_member_days (kept by UTC day) answers them directly. */
export const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'UCT', 'Etc/UCT', 'GMT', 'Etc/GMT', 'GMT0', 'Etc/GMT0', 'Etc/GMT+0', 'Etc/GMT-0', 'Greenwich', 'Etc/Greenwich', 'Universal', 'Etc/Universal', 'Zulu', 'Etc/Zulu']);

/**
 * What each member wrote on each day of the period, days being local dates in the period's zone:
 * (user_id, day, posts, replies, openings, removed, helpful) — posts counts topic openings and counted
 * replies, removed the replies removed by moderators, helpful the marks received on that day's counted
 * replies (only when asked: in other zones it costs a probe per post). Rows may hold only removed posts
 * (posts = 0). In UTC it is the rollup; in other zones the same figures grouped from topics and posts.
 */
export const memberDays = (p: Period, opts: { userId?: string | undefined; userIn?: SQL; helpful?: boolean } = {}) =>
  UTC_ZONES.has(p.tz)
    ? sql`
  select user_id, day, posts, replies, openings, removed, ${opts.helpful ? sql`helpful` : sql`0`} as helpful
    from ${engagementMemberDays}
   where community_id = ${p.communityId} and day >= ${p.d0}::date and day <= ${p.d1}::date
     ${opts.userId ? sql`and user_id = ${opts.userId}` : sql``}
     ${opts.userIn ? sql`and user_id in (${opts.userIn})` : sql``}`
    : sql`
  select user_id, (created_at at time zone ${p.tz})::date as day,
         count(*) filter (where kind <> 'removed')::int as posts, count(*) filter (where kind = 'reply')::int as replies,
         count(*) filter (where kind = 'opening')::int as openings, count(*) filter (where kind = 'removed')::int as removed,
         ${opts.helpful ? sql`coalesce(sum((select count(*) from ${helpfulMarks} h where h.post_id = a.post_id)) filter (where kind = 'reply'), 0)::int` : sql`0`} as helpful
    from (
      select t.author_id as user_id, t.created_at, case when t.moderation_status = 'removed' then 'removed' else 'opening' end as kind, null::uuid as post_id
        from ${topics} t
       where t.community_id = ${p.communityId} and t.created_at >= ${p.t0}::timestamptz and t.created_at < ${p.t1}::timestamptz
         and t.moderation_status in ('published', 'removed')
         ${opts.userId ? sql`and t.author_id = ${opts.userId}` : sql``}
         ${opts.userIn ? sql`and t.author_id in (${opts.userIn})` : sql``}
      union all
      select po.author_id, po.created_at, case when po.status = 'removed' then 'removed' else 'reply' end, po.id
        from ${posts} po
       where po.community_id = ${p.communityId} and po.created_at >= ${p.t0}::timestamptz and po.created_at < ${p.t1}::timestamptz
         and (stoa_post_counts(po.status) or po.status = 'removed')
         ${opts.userId ? sql`and po.author_id = ${opts.userId}` : sql``}
         ${opts.userIn ? sql`and po.author_id in (${opts.userIn})` : sql``}) a
   group by 1, 2`;

/**
 * Topic views whose (UTC) day lies in d0..d1; `first` marks each (topic, member) pair's first view in
 * the range, so distinct topics or readers are a count of `first` rows (topic_views.prev_day).
 */
export const rangeViews = (p: Period, topicId?: string | null, userId?: string) => sql`
  select v.user_id, v.topic_id, v.day, (v.prev_day is null or v.prev_day < ${p.d0}::date) as first from ${topicViews} v
   where v.community_id = ${p.communityId} and v.day >= ${p.d0}::date and v.day <= ${p.d1}::date
     ${topicId ? sql`and v.topic_id = ${topicId}` : sql``}
     ${userId ? sql`and v.user_id = ${userId}` : sql``}`;

/**
 * The same views, rolled up: (user_id, week_start, days) for each member and ISO week with a view in
 * d0..d1, `days` being the bitmask of viewing days (bit 0 = Monday) clipped to the range, so edge weeks
 * count only their days inside it. Equals the distinct (user, week) pairs of rangeViews.
 */
export const rangeViewWeeks = (p: Period, userId?: string, userIn?: SQL) => sql`
  select user_id, week_start, days from (
    select ew.user_id, ew.week_start, ew.days & ${daysOfPeriod(p, sql`ew.week_start`)} as days
      from ${engagementViewWeeks} ew
     where ew.community_id = ${p.communityId} and ${weekTouches(p, sql`ew.week_start`)}
       ${userId ? sql`and ew.user_id = ${userId}` : sql``}
       ${userIn ? sql`and ew.user_id in (${userIn})` : sql``}) clipped
   where days <> 0`;

/** SQL: the ISO week starting on date `week` has a day in d0..d1. */
export const weekTouches = (p: Period, week: SQL) => sql`${week} >= date_trunc('week', ${p.d0}::date::timestamp)::date and ${week} <= ${p.d1}::date`;

/** SQL: the day bits (bit 0 = Monday) of the week starting on `week` that lie in d0..d1; only for weeks that touch the period. */
export const daysOfPeriod = (p: Period, week: SQL) =>
  sql`((1 << (least(${p.d1}::date - ${week}, 6) + 1)) - (1 << greatest(${p.d0}::date - ${week}, 0)))`;

/** SQL: the last day of the week (column week_start) whose bit is set in the non-zero mask (column days). */
export const lastDayOfMask = sql`week_start + (7 - position('1' in days::bit(7)::text))`;

/** The class rule: core when posts × 7 ≥ 3 × days (an average of 3 a week), in integers so there is no rounding. */
export const classOf = (postCount: SQL, viewed: SQL, days: SQL) => sql`case
  when ${postCount} > 0 and 7 * ${postCount} >= 3 * ${days} then 'core'
  when ${postCount} > 0 then 'contributor'
  when ${viewed} then 'reader'
  else 'inactive' end`;

/**
 * CTEs `${x}_m` (members), `${x}_pa` (what each author wrote, members or not), `${x}_va` (reading per
 * member) and `${x}_r` (one row per member with its class and last day seen), for one period.
 * Community-wide, all of it comes from the rollups (memberDays, the view weeks); topics viewed and days
 * active are left at 0 for memberRows to fill in for the members it returns. For one topic (`topicId`),
 * from that topic's posts (`${x}_a`) and views (`${x}_v`), topics viewed (0 or 1) and days active included.
 */
export function memberActivityCtes(x: string, p: Period, opts: { topicId?: string | null; userId?: string | undefined; helpful?: boolean } = {}) {
  const n = (s: string) => sql.raw(`${x}_${s}`);
  const postCount = sql`coalesce(${n('pa')}.posts, 0)`;
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
    select ${n('m')}.user_id, u.display_name, ${postCount} as posts,
           coalesce(${n('pa')}.replies, 0) as replies, coalesce(${n('pa')}.topics_started, 0) as topics_started,
           coalesce(${n('pa')}.helpful, 0) as helpful,
           coalesce(${n('va')}.topics_viewed, 0) as topics_viewed,
           ${topic ? sql`coalesce(${n('ad')}.days_active, 0)` : sql`0`} as days_active,
           greatest(${n('pa')}.last_post_day, ${n('va')}.last_view_day) as last_seen,
           ${classOf(postCount, sql`${n('va')}.user_id is not null`, sql`${p.days}::int`)} as class
      from ${n('m')}
      join ${users} u on u.id = ${n('m')}.user_id
      left join ${n('pa')} on ${n('pa')}.user_id = ${n('m')}.user_id
      left join ${n('va')} on ${n('va')}.user_id = ${n('m')}.user_id
      ${topic ? sql`left join ${n('ad')} on ${n('ad')}.user_id = ${n('m')}.user_id` : sql``})`;
}

/** CTE `w_wb`: the ISO weeks touching the period, clipped to it: week_start, days in the period, and their instants [t0, t1). */
export const weekBoundsCte = (p: Period) => sql`
  w_wb as (
    select wk::date as week_start,
           (least(wk::date + 6, ${p.d1}::date) - greatest(wk::date, ${p.d0}::date) + 1) as days,
           greatest(wk::date, ${p.d0}::date)::timestamp at time zone ${p.tz} as t0,
           (least(wk::date + 6, ${p.d1}::date) + 1)::timestamp at time zone ${p.tz} as t1
      from generate_series(date_trunc('week', ${p.d0}::date::timestamp), ${p.d1}::date::timestamp, interval '1 week') wk)`;

/** SQL: the membership (columns joined_at, removed_at of `m`) was active at some instant of week `w` (columns t0, t1). */
export const activeInWeek = (m: string, w: string) =>
  sql.raw(`${m}.joined_at < ${w}.t1 and (${m}.removed_at is null or ${m}.removed_at >= ${w}.t0)`);

/**
 * CTEs `w_wb` (the ISO weeks touching the period, clipped to it, with their instants), `w_m`, `w_pw`
 * (counted acts per author and week), `w_vw` (who read in which week) and `w_cells`: one row per member
 * per week of their membership, with that week's posts and class.
 */
export function weeklyCellsCtes(p: Period, userId?: string, shared?: { members: SQL; postsPerWeek: SQL; viewWeeks: SQL }) {
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

/** SQL: the facilitators of topic `t`: its author when it is a CPD topic, and the named guest facilitators. */
export const topicFacilitatorIds = (t: string) =>
  sql`(select ${sql.raw(t)}.author_id where ${sql.raw(t)}.kind = 'cpd' union select f.user_id from ${topicFacilitators} f where f.topic_id = ${sql.raw(t)}.id)`;
