// Trajectories: each member's class in two consecutive periods, the transitions, and week-by-week strips.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { users } from '../../../db/schema.js';
import type { TrajectoryClass, EngagementClass } from '../../../../shared/schemas/engagement.js';
import { classOf, daysOfPeriod, memberDays, memberDuring, rangeMembers, rangeViewWeeks, weekTouches, weeklyCellsCtes } from './fragments.js';
import { reportRows, type Period } from './period.js';

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
        from t_m join ${users} u on u.id = t_m.user_id
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
