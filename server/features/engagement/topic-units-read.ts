// Reading the units the topic cache does not keep (topic-cache.ts): per unit and topic, its readers and posters as
// participant numbers, its counted acts per prompt and its first and last act.
import { sql, type SQL } from 'drizzle-orm';
import { selectRows, type Db } from '../../db/client.js';
import { DAY_MS, dateOf } from './activity-cache.js';

export const EMPTY = new Int32Array(0);

/** One topic in one unit while it is read: readers and posters (participant numbers), acts per prompt id ('' = none), first and last act (µs since 1970). */
export interface TopicPart {
  v: Int32Array;
  p: Int32Array;
  acts: Map<string, number>;
  first: number;
  last: number;
}

/** SQL: `column` (a date) lies in one of the runs of consecutive values (epoch days, step apart). */
function inRuns(column: SQL, values: number[], step: number): SQL {
  const runs: Array<[number, number]> = [];
  for (const x of values) {
    const run = runs[runs.length - 1];
    if (run && run[1] + step === x) run[1] = x;
    else runs.push([x, x]);
  }
  return sql.join(
    runs.map(([a, b]) => sql`(${column} >= ${dateOf(a)}::date and ${column} <= ${dateOf(b)}::date)`),
    sql` or `,
  );
}

/** The set bits of a varbit in its binary form (4-byte bit length, then the bits, first bit = high bit of byte 0). */
export function bitPositions(bytes: Uint8Array | null): Int32Array {
  if (!bytes || bytes.length <= 4) return EMPTY;
  const out: number[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 4;
  // Four bytes at a time (most are zero: a topic-week's readers are a few of the community's participants).
  for (; i + 4 <= bytes.length; i += 4) {
    let word = view.getUint32(i) | 0;
    const base = (i - 4) * 8;
    while (word !== 0) {
      const k = Math.clz32(word);
      out.push(base + k);
      word &= ~(0x8000_0000 >>> k);
    }
  }
  for (; i < bytes.length; i++) {
    const b = bytes[i]!;
    for (let k = 0; k < 8; k++) if (b & (0x80 >> k)) out.push((i - 4) * 8 + k);
  }
  return Int32Array.from(out);
}

export type Parts = Map<string, TopicPart>;

const parseList = (s: string | null) => (s ? Int32Array.from(s.split(','), Number) : EMPTY);

/**
 * The units' parts: readers and posters of whole weeks from the topic-week bitmaps, readers of days from topic_views;
 * acts and first and last act of both, and posters of days, from the topics and posts of their instants.
 */
export async function readUnits(db: Db, communityId: string, weekList: number[], dayList: number[]): Promise<[Map<number, Parts>, Map<number, Parts>]> {
  const weekUnits = new Map<number, Parts>(weekList.map((w) => [w, new Map()]));
  const dayUnits = new Map<number, Parts>(dayList.map((d) => [d, new Map()]));
  if (weekList.length + dayList.length === 0) return [weekUnits, dayUnits];
  const part = (unit: Parts, topicId: string): TopicPart => {
    let x = unit.get(topicId);
    if (!x) unit.set(topicId, (x = { v: EMPTY, p: EMPTY, acts: new Map(), first: Infinity, last: -Infinity }));
    return x;
  };
  /** SQL: `column` (an instant) lies in one of the days (ascending epoch days), consecutive days as one range. */
  const instants = (column: SQL, days: number[]) => {
    const runs: SQL[] = [];
    let a = days[0]!;
    for (let i = 1; i <= days.length; i++) {
      if (i < days.length && days[i] === days[i - 1]! + 1) continue;
      runs.push(sql`(${column} >= ${new Date(a * DAY_MS).toISOString()}::timestamptz and ${column} < ${new Date((days[i - 1]! + 1) * DAY_MS).toISOString()}::timestamptz)`);
      if (i < days.length) a = days[i]!;
    }
    return sql.join(runs, sql` or `);
  };
  /** Counted acts (openings of published topics, counted replies) at those instants, with their author's participant number. */
  const acts = (days: number[]) => sql`
    select a.topic_id, a.prompt_id, a.created_at, n.no
      from (
        select t.id as topic_id, null::uuid as prompt_id, t.author_id, t.created_at from topics t
         where t.community_id = ${communityId} and (${instants(sql`t.created_at`, days)}) and t.moderation_status = 'published'
        union all
        select po.topic_id, po.prompt_id, po.author_id, po.created_at from posts po
         where po.community_id = ${communityId} and (${instants(sql`po.created_at`, days)}) and stoa_post_counts(po.status)) a
      left join engagement_participants n on n.community_id = ${communityId} and n.user_id = a.author_id`;
  // Times as µs since 1970 (text: exact), so that first, last and their distance are PostgreSQL's to the microsecond.
  const firstLast = sql`(extract(epoch from min(created_at)) * 1000000)::bigint::text as first, (extract(epoch from max(created_at)) * 1000000)::bigint::text as last`;
  type ActRow = { u: number; topic_id: string; prompt_id: string | null; n: number; first: string; last: string; p?: string | null };
  const weekDays = weekList.flatMap((w) => [0, 1, 2, 3, 4, 5, 6].map((k) => w + k));
  // Whole weeks: readers and posters from the bitmaps, acts grouped by week; days: readers from the views, acts and posters grouped by day.
  const weekRows =
    weekList.length === 0
      ? []
      : await selectRows<{ w: number; topic_id: string; v: Uint8Array | null; p: Uint8Array | null }>(
          db,
          sql`select week_start - date '1970-01-01' as w, topic_id,
                     case when length(viewers) > 0 then varbit_send(viewers) end as v, case when length(posters) > 0 then varbit_send(posters) end as p
                from engagement_topic_weeks
               where community_id = ${communityId} and (${inRuns(sql`week_start`, weekList, 7)})`,
        );
  const weekActs =
    weekList.length === 0
      ? []
      : await selectRows<ActRow>(
          db,
          sql`select date_trunc('week', created_at at time zone 'UTC')::date - date '1970-01-01' as u, topic_id, prompt_id, count(*)::int as n, ${firstLast}
                from (${acts(weekDays)}) a group by 1, 2, 3`,
        );
  const viewRows =
    dayList.length === 0
      ? []
      : await selectRows<{ d: number; topic_id: string; v: string }>(
          db,
          sql`select v.day - date '1970-01-01' as d, v.topic_id, string_agg(n.no::text, ',') as v
                from topic_views v join engagement_participants n on n.community_id = v.community_id and n.user_id = v.user_id
               where v.community_id = ${communityId} and (${inRuns(sql`v.day`, dayList, 1)})
               group by 1, 2`,
        );
  const dayActs =
    dayList.length === 0
      ? []
      : await selectRows<ActRow>(
          db,
          sql`select (created_at at time zone 'UTC')::date - date '1970-01-01' as u, topic_id, prompt_id, count(*)::int as n, ${firstLast},
                     string_agg(distinct no::text, ',') as p
                from (${acts(dayList)}) a group by 1, 2, 3`,
        );
  for (const r of weekRows) {
    const x = part(weekUnits.get(Number(r.w))!, r.topic_id);
    x.v = bitPositions(r.v);
    x.p = bitPositions(r.p);
  }
  for (const r of viewRows) part(dayUnits.get(Number(r.d))!, r.topic_id).v = parseList(r.v);
  const posters = new Map<TopicPart, Set<number>>();
  for (const [units, list] of [[weekUnits, weekActs], [dayUnits, dayActs]] as const) {
    for (const r of list) {
      const x = part(units.get(Number(r.u))!, r.topic_id);
      const key = r.prompt_id ?? '';
      x.acts.set(key, (x.acts.get(key) ?? 0) + r.n);
      x.first = Math.min(x.first, Number(r.first));
      x.last = Math.max(x.last, Number(r.last));
      if (r.p === undefined) continue;
      let set = posters.get(x);
      if (!set) posters.set(x, (set = new Set()));
      for (const no of parseList(r.p ?? null)) set.add(no);
    }
  }
  for (const [x, set] of posters) x.p = Int32Array.from(set);
  return [weekUnits, dayUnits];
}
