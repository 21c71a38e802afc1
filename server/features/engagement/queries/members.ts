// The member list (community-wide or for one topic) and one member's week-by-week record.
import { sql } from 'drizzle-orm';
import { uuidArray, type DbOrTx } from '../../../db/client.js';
import { topicViews } from '../../../db/schema.js';
import type { EngagementClass } from '../../../../shared/schemas/engagement.js';
import { memberActivityCtes, rangeViewWeeks, weeklyCellsCtes } from './fragments.js';
import { reportRows, rows, type Period } from './period.js';

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
        from ${topicViews} v
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

/** Distinct topics each of the given members viewed in the period (UTC days): a short index range per member. */
export async function topicsViewed(db: DbOrTx, p: Period, userIds: string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const list = await rows<{ user_id: string; n: number }>(
    db,
    sql`select v.user_id, count(*) filter (where v.prev_day is null or v.prev_day < ${p.d0}::date)::int as n
          from ${topicViews} v
         where v.community_id = ${p.communityId} and v.user_id = any(${uuidArray(userIds)})
           and v.day >= ${p.d0}::date and v.day <= ${p.d1}::date
         group by v.user_id`,
  );
  return new Map(list.map((r) => [r.user_id, r.n]));
}
