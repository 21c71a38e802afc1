// The per-topic report (from the per-topic rollups in UTC, from posts and views in other zones), and the
// topics a facilitator may report on.
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { engagementParticipants, engagementTopicDays, engagementTopicWeeks, posts, prompts, topicFacilitators, topicViews, topics, users } from '../../../db/schema.js';
import { UTC_ZONES, countedActs, isoTs, rangeMembers, rangeViewWeeks, topicFacilitatorIds, topicIs } from './fragments.js';
import { reportRows, rows, type Period } from './period.js';

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
  if (opts.topicIds?.length === 0) return [];
  // A facilitator's few topics: every scan below is narrowed to them.
  const ids = opts.topicIds ? sql.join(opts.topicIds.map((id) => sql`${id}::uuid`), sql`, `) : null;
  const rows = !UTC_ZONES.has(p.tz)
    ? await topicRowsFromActs(db, p, ids)
    : ids !== null
      ? await topicRowsFromRollups(db, p, ids, null)
      : (await Promise.all(topicSlices(opts.parallelism ?? 1).map((slice) => topicRowsFromRollups(db, p, null, slice)))).flat();
  return sortTopicRows(rows, opts.sort);
}

/** In the report's order: the sort key (nulls last either way), then title and id, as the SQL used to order them. */
export function sortTopicRows(rows: TopicDbRow[], sort: string): TopicDbRow[] {
  const desc = sort.startsWith('-');
  const key = TOPIC_SORT_KEYS[sort.replace(/^-/, '')] ?? 'posts';
  // Strings in code point order (as PostgreSQL's C collation, the one Stoa's databases use), compared as UTF-8
  // bytes, each encoded once (not per comparison: that took ~50 ms for 2,000 topics).
  const utf8 = (x: unknown) => Buffer.from(String(x), 'utf8');
  const keyed = rows.map((row) => {
    const value = row[key] as string | number | null;
    return { row, value: typeof value === 'string' ? utf8(value) : value, title: utf8(row.title), id: row.topic_id };
  });
  const order = (x: (typeof keyed)[number], y: (typeof keyed)[number]) => {
    const a = x.value;
    const b = y.value;
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
    const c = typeof a === 'number' && typeof b === 'number' ? a - b : Buffer.compare(a as Buffer, b as Buffer);
    return desc ? -c : c;
  };
  // Ids are lowercase hex and dashes: their UTF-8 order is their string order.
  keyed.sort((x, y) => order(x, y) || Buffer.compare(x.title, y.title) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return keyed.map((k) => k.row);
}

/**
 * Every figure of the per-topic report is per topic, so the community's topics can be cut into slices of
 * the uuid space (ids are random, so the slices are even) and each slice answered by its own statement on
 * its own pooled connection: PostgreSQL then uses as many cores as there are slices. [lo, hi); null: open.
 */
export type TopicSlice = [lo: string | null, hi: string | null] | null;
export function topicSlices(parts: number): TopicSlice[] {
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
        from (select (coalesce(max(no), 0) / 64 + 1) * 64 as n from ${engagementParticipants} where community_id = ${p.communityId}) x),
    -- Each topic's readers and posters over the whole weeks (most topic-weeks have no poster: no padding for them).
    fw as materialized (
      select w.topic_id, bit_or(w.viewers || substring(len.zeros from 1 for len.n - length(w.viewers))) filter (where length(w.viewers) > 0) as v,
             bit_or(w.posters || substring(len.zeros from 1 for len.n - length(w.posters))) filter (where length(w.posters) > 0) as p
        from ${engagementTopicWeeks} w cross join len
       where w.community_id = ${p.communityId} and ${weeks ? sql`w.week_start >= ${weeks[0]}::date and w.week_start <= ${weeks[1]}::date` : sql`false`}
         ${only(sql`w.topic_id`)}
       group by w.topic_id),
    -- Who read or wrote on the edge days, per topic.
    edge as materialized (
      select e.topic_id, e.user_id, bool_or(e.ve) as ve, bool_or(e.pe) as pe, e.user_id in (select user_id from m) as member
        from (
          select v.topic_id, v.user_id, true as ve, false as pe from ${topicViews} v
           where v.community_id = ${p.communityId} and (${edgeDays(sql`v.day`)}) ${only(sql`v.topic_id`)}
          union all
          select t.id, t.author_id, false, true from ${topics} t
           where t.community_id = ${p.communityId} and (${edgeInstants(sql`t.created_at`)}) and t.moderation_status = 'published' ${only(sql`t.id`)}
          union all
          select po.topic_id, po.author_id, false, true from ${posts} po
           where po.community_id = ${p.communityId} and (${edgeInstants(sql`po.created_at`)}) and stoa_post_counts(po.status) ${only(sql`po.topic_id`)}
        ) e
       group by e.topic_id, e.user_id),
    eb as (
      select e.topic_id, e.ve, e.pe, e.member, ${bit(sql`fw.v`, sql`n.no`)} as vf, ${bit(sql`fw.p`, sql`n.no`)} as pf
        from edge e
        left join ${engagementParticipants} n on n.community_id = ${p.communityId} and n.user_id = e.user_id
        left join fw on fw.topic_id = e.topic_id),
    ec as (
      select topic_id, bool_or(ve) as any_view,
             count(*) filter (where member and ve and not vf)::int as v_add,
             count(*) filter (where member and pe and not pf)::int as p_add,
             count(*) filter (where member and (vf or ve) and (pf or pe) and not (vf and pf))::int as b_add
        from eb group by topic_id),
    -- Participants with a bit in some topic's whole weeks who were not members during the period.
    nm as (
      select n.no from ${engagementParticipants} n
       where n.community_id = ${p.communityId} and n.user_id not in (select user_id from m)
         and ${bit(sql`(select bit_or(coalesce(v, len.zeros) | coalesce(p, len.zeros)) from fw, len)`, sql`n.no`)}),
    nmc as (
      select fw.topic_id, count(*) filter (where ${bit(sql`fw.v`, sql`nm.no`)})::int as v_sub,
             count(*) filter (where ${bit(sql`fw.p`, sql`nm.no`)})::int as p_sub,
             count(*) filter (where ${bit(sql`fw.v`, sql`nm.no`)} and ${bit(sql`fw.p`, sql`nm.no`)})::int as b_sub
        from fw cross join nm group by fw.topic_id),
    td as (
      select topic_id, prompt_id, sum(acts)::int as n from ${engagementTopicDays}
       where community_id = ${p.communityId} and day >= ${p.d0}::date and day <= ${p.d1}::date ${only(sql`topic_id`)}
       group by topic_id, prompt_id),
    pt as (select topic_id, sum(n)::int as posts from td group by topic_id),
    ppt as (
      select pr.topic_id, json_agg(json_build_object('promptId', pr.id, 'position', pr.position, 'replies', coalesce(td.n, 0)) order by pr.position) as per_prompt
        from ${prompts} pr join ${topics} tp on tp.id = pr.topic_id and tp.community_id = ${p.communityId} ${only(sql`tp.id`)}
        left join td on td.prompt_id = pr.id
       group by pr.topic_id),
    counts as (
      select t.id as topic_id,
             coalesce(bit_count(fw.v), 0) - coalesce(nmc.v_sub, 0) + coalesce(ec.v_add, 0) as readers,
             coalesce(bit_count(fw.p), 0) - coalesce(nmc.p_sub, 0) + coalesce(ec.p_add, 0) as posters,
             coalesce(bit_count(fw.v & fw.p), 0) - coalesce(nmc.b_sub, 0) + coalesce(ec.b_add, 0) as readers_who_posted,
             coalesce(bit_count(fw.v), 0) > 0 or coalesce(ec.any_view, false) as viewed
        from ${topics} t
        left join fw on fw.topic_id = t.id left join ec on ec.topic_id = t.id left join nmc on nmc.topic_id = t.id
       where t.community_id = ${p.communityId} ${only(sql`t.id`)})
    select t.id as topic_id, t.title, t.kind, coalesce(pt.posts, 0) as posts, c.posters::int as posters,
           (c.readers - c.readers_who_posted)::int as readers_who_did_not_post,
           coalesce(ppt.per_prompt, '[]'::json) as per_prompt,
           coalesce((select json_agg(json_build_object('userId', u.id, 'displayName', u.display_name) order by u.display_name, u.id)
                       from ${users} u where u.id in ${topicFacilitatorIds('t')}), '[]'::json) as facilitators,
           ${isoTs(sql`fl.first_at`)} as first_post_at, ${isoTs(sql`fl.last_at`)} as last_post_at,
           round((extract(epoch from (fl.last_at - fl.first_at)) / 86400.0)::numeric, 1)::float8 as duration_days,
           ${ids === null ? sql`coalesce(pt.posts, 0) > 0 or c.viewed` : sql`true`} as included
      from ${topics} t
      join counts c on c.topic_id = t.id
      left join pt on pt.topic_id = t.id left join ppt on ppt.topic_id = t.id
      ${firstAndLast(p)}
     -- Held, hidden and removed topics are not in the report (their titles are not members' to read).
     where t.community_id = ${p.communityId} and t.moderation_status = 'published' ${only(sql`t.id`)}`,
  );
  return rows.filter((r) => r.included).map(({ included: _, ...r }) => r);
}

/**
 * The published topics of the community with what the per-topic report shows of them besides the figures the topic
 * cache (topic-cache.ts) computes: title, kind, prompts in order, facilitators.
 */
export async function topicHeads(
  db: DbOrTx,
  communityId: string,
): Promise<Array<Pick<TopicDbRow, 'topic_id' | 'title' | 'kind' | 'facilitators'> & { prompts: Array<{ promptId: string; position: number }> }>> {
  return rows(
    db,
    sql`with pp as (
      select pr.topic_id, json_agg(json_build_object('promptId', pr.id, 'position', pr.position) order by pr.position) as prompts
        from ${prompts} pr join ${topics} tp on tp.id = pr.topic_id and tp.community_id = ${communityId}
       group by pr.topic_id)
    select t.id as topic_id, t.title, t.kind, coalesce(pp.prompts, '[]'::json) as prompts,
           coalesce((select json_agg(json_build_object('userId', u.id, 'displayName', u.display_name) order by u.display_name, u.id)
                       from ${users} u where u.id in ${topicFacilitatorIds('t')}), '[]'::json) as facilitators
      from ${topics} t left join pp on pp.topic_id = t.id
     where t.community_id = ${communityId} and t.moderation_status = 'published'`,
  );
}

/** SQL: `left join lateral … fl`: first and last counted act of topic `t` with `pt.posts > 0` in the period (the opening when it lies in it, else the index of posts by (topic, time)). */
const firstAndLast = (p: Period) => sql`
      left join lateral (
        select least(case when t.created_at >= ${p.t0}::timestamptz and t.created_at < ${p.t1}::timestamptz then t.created_at end,
                     (select po.created_at from ${posts} po where po.topic_id = t.id and po.created_at >= ${p.t0}::timestamptz
                         and po.created_at < ${p.t1}::timestamptz and stoa_post_counts(po.status) order by po.created_at limit 1)) as first_at,
               greatest(case when t.created_at >= ${p.t0}::timestamptz and t.created_at < ${p.t1}::timestamptz then t.created_at end,
                     (select po.created_at from ${posts} po where po.topic_id = t.id and po.created_at >= ${p.t0}::timestamptz
                         and po.created_at < ${p.t1}::timestamptz and stoa_post_counts(po.status) order by po.created_at desc limit 1)) as last_at
         where pt.posts > 0) fl on true`;

/** The per-topic report from the period's posts and views themselves (any time zone). */
async function topicRowsFromActs(db: DbOrTx, p: Period, ids: SQL | null): Promise<TopicDbRow[]> {
  const only = (column: SQL) => (ids === null ? sql`` : topicIs(column, ids));
  const firstInRange = sql`v.day >= ${p.d0}::date and v.day <= ${p.d1}::date and (v.prev_day is null or v.prev_day < ${p.d0}::date)`;
  const [topicList, read] = await Promise.all([
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
          from ${topicViews} v
         where v.community_id = ${p.communityId} and v.user_id in (select user_id from ap) and ${firstInRange} ${only(sql`v.topic_id`)}
         group by v.topic_id),
      pp as (select prompt_id, sum(n)::int as n from g where prompt_id is not null group by prompt_id),
      -- Per-prompt counts, one json array per topic, in one join (not a subquery per topic).
      ppt as (
        select pr.topic_id, json_agg(json_build_object('promptId', pr.id, 'position', pr.position, 'replies', coalesce(pp.n, 0)) order by pr.position) as per_prompt
          from ${prompts} pr join ${topics} tp on tp.id = pr.topic_id and tp.community_id = ${p.communityId} ${only(sql`tp.id`)}
          left join pp on pp.prompt_id = pr.id
         group by pr.topic_id)
      select t.id as topic_id, t.title, t.kind, coalesce(pt.posts, 0) as posts, coalesce(pst.posters, 0) as posters,
             coalesce(apr.n, 0) as authors_who_read,
             coalesce(ppt.per_prompt, '[]'::json) as per_prompt,
             coalesce((select json_agg(json_build_object('userId', u.id, 'displayName', u.display_name) order by u.display_name, u.id)
                         from ${users} u where u.id in ${topicFacilitatorIds('t')}), '[]'::json) as facilitators,
             ${isoTs(sql`pt.first_at`)} as first_post_at, ${isoTs(sql`pt.last_at`)} as last_post_at,
             round((extract(epoch from (pt.last_at - pt.first_at)) / 86400.0)::numeric, 1)::float8 as duration_days
        from ${topics} t
        left join pt on pt.topic_id = t.id left join pst on pst.topic_id = t.id
        left join apr on apr.topic_id = t.id left join ppt on ppt.topic_id = t.id
       where t.community_id = ${p.communityId} and t.moderation_status = 'published' ${only(sql`t.id`)}`,
    ),
    reportRows<{ topic_id: string; member_readers: number }>(
      db,
      sql`with m as (${rangeMembers(p)}),
      -- Readers in the range who were not members then (removed before it, joined after it; an admin).
      nm as (select distinct vw.user_id from (${rangeViewWeeks(p)}) vw where vw.user_id not in (select user_id from m)),
      fv as (select v.topic_id, count(*)::int as n from ${topicViews} v
              where v.community_id = ${p.communityId} and ${firstInRange} ${only(sql`v.topic_id`)} group by v.topic_id),
      nmv as (select v.topic_id, count(*)::int as n from ${topicViews} v
               where v.community_id = ${p.communityId} and v.user_id in (select user_id from nm) and ${firstInRange} ${only(sql`v.topic_id`)}
               group by v.topic_id)
      select fv.topic_id, fv.n - coalesce(nmv.n, 0) as member_readers from fv left join nmv on nmv.topic_id = fv.topic_id`,
    ),
  ]);
  const readers = new Map(read.map((r) => [r.topic_id, r]));
  return topicList
    .filter((t) => ids !== null || t.posts > 0 || readers.has(t.topic_id))
    .map(({ authors_who_read, ...t }) => ({ ...t, readers_who_did_not_post: (readers.get(t.topic_id)?.member_readers ?? 0) - authors_who_read }));
}

/** Topics of the community the user facilitates (CPD topics they opened, or where they are a named facilitator). */
export async function facilitatedTopicIds(db: DbOrTx, communityId: string, userId: string): Promise<string[]> {
  const list = await rows<{ id: string }>(
    db,
    sql`select t.id from ${topics} t
         where t.community_id = ${communityId}
           and ((t.kind = 'cpd' and t.author_id = ${userId})
                or exists (select 1 from ${topicFacilitators} f where f.topic_id = t.id and f.user_id = ${userId}))`,
  );
  return list.map((r) => r.id);
}
