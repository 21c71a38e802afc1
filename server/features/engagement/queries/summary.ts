// The summary report: one period's counts, its week-by-week series, and the top contributors.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { posts, topics } from '../../../db/schema.js';
import { activeInWeek, classOf, memberActivityCtes, memberDays, rangeMembers, rangeViewWeeks, weekBoundsCte } from './fragments.js';
import { reportRows, rows, type Period } from './period.js';

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

/** SQL: the median time, in minutes, from a topic's opening in the period to its first counted reply by someone else. */
const medianFirstReplyMinutes = (p: Period) => sql`
      (select percentile_cont(0.5) within group (order by minutes)::float8 from (
         select extract(epoch from (fr.first_at - t.created_at)) / 60.0 as minutes
           from ${topics} t
           cross join lateral (
             select po.created_at as first_at from ${posts} po
              where po.topic_id = t.id and po.author_id <> t.author_id and stoa_post_counts(po.status)
              order by po.created_at limit 1) fr
          where t.community_id = ${p.communityId} and t.created_at >= ${p.t0}::timestamptz and t.created_at < ${p.t1}::timestamptz
            and t.moderation_status = 'published') waits)`;

/** The median time to first reply of the topics opened in the period (its own statement: reads topics and posts). */
export async function medianFirstReply(db: DbOrTx, p: Period): Promise<number | null> {
  const [row] = await rows<{ m: number | null }>(db, sql`select ${medianFirstReplyMinutes(p)} as m`);
  return row!.m;
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
      ${medianFirstReplyMinutes(p)} as median_first_reply_minutes`;

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
