// The per-topic report's figures, community-wide in UTC, from units of time kept in memory: per topic, who read
// and who wrote (readers, posters, silent readers), how many counted acts (openings and replies) per prompt, and the
// first and last act. queries/topics.ts computes the same from the rollups in SQL alone. People are participant
// numbers (engagement_participants, migration 0009), so a topic's readers in a unit are a short list of small
// integers and its distinct readers over a span the size of the union of its lists. The span is cut into units: its
// whole ISO weeks that are finished, whose readers come from engagement_topic_weeks (one bitmap per topic-week, sent
// as bytes), and single days otherwise (partial weeks at the edges, the week still open), whose readers come from
// topic_views; acts and posters of either come from topics and posts. Finished units are kept: a day is finished an
// hour after the next day began (database clock, UTC). Anything that later changes a past day's per-topic rollups
// logs its week in engagement_final_changes (migration 0024; the triggers run at commit, so a write they did not log
// was visible within moments of its day's end), and a kept unit is used only while its week's log stamp is the one it
// was read with. The stamps, the units not kept and the participants who were not members during the span are read
// in one REPEATABLE READ transaction, so the kept units used are exactly those its snapshot would read. The whole
// weeks of a span are merged once per set of weeks and stamps (a few spans per community are kept merged), and each
// request counts only its days against them.
import { sql } from 'drizzle-orm';
import { selectRows, type Db } from '../../db/client.js';
import { DAY_MS, dateOf, epochDay, mondayOf } from './activity-cache.js';
import { countFigures, mergeUnits, type Merged, type SpanFigures, type TopicUnit } from './topic-merge.js';
import { EMPTY, readUnits, type TopicPart } from './topic-units-read.js';

/** A day is finished (kept) this long after the next day began. */
const SETTLE = '1 hour';

export interface TopicCacheStats {
  /** Kept units (weeks or days) used and units read from the database by the last request. */
  cachedUnitsUsed: number;
  unitsRead: number;
}

interface Kept {
  unit: TopicUnit;
  stamp: string;
}

interface CommunityEntry {
  /** Insertion order is recency. */
  weeks: Map<number, Kept>;
  days: Map<number, Kept>;
  topicIds: string[];
  topicIndex: Map<string, number>;
  /** Whole weeks merged, by their `week:stamp` list (insertion order is recency). */
  merged: Map<string, Merged>;
}

export type TopicCache = ReturnType<typeof createTopicCache>;

/** `maxUnits`: weeks and days kept over all communities (a week at bench scale 1 is ~0.45 MB, a day ~0.1 MB). */
export function createTopicCache({ maxUnits = 200 }: { maxUnits?: number } = {}) {
  const communities = new Map<string, CommunityEntry>();
  let kept = 0;
  const stats: TopicCacheStats = { cachedUnitsUsed: 0, unitsRead: 0 };

  function keep(map: Map<number, Kept>, key: number, value: Kept, inUse: Set<Kept>) {
    if (map.delete(key)) kept--;
    map.set(key, value);
    kept++;
    inUse.add(value);
    // Evict the least recently used units, never one this request uses.
    for (const entry of communities.values()) {
      for (const m of [entry.weeks, entry.days]) {
        for (const [k, v] of m) {
          if (kept <= maxUnits) return;
          if (inUse.has(v)) continue;
          m.delete(k);
          kept--;
        }
      }
    }
  }

  /** Readers, posters, readers who posted, acts, first and last act per topic over d0..d1 (epoch days, UTC); members during [t0, t1). */
  async function figures(db: Db, communityId: string, d0: number, d1: number): Promise<SpanFigures> {
    const t0 = new Date(d0 * DAY_MS).toISOString();
    const t1 = new Date((d1 + 1) * DAY_MS).toISOString();
    let entry = communities.get(communityId);
    if (!entry) communities.set(communityId, (entry = { weeks: new Map(), days: new Map(), topicIds: [], topicIndex: new Map(), merged: new Map() }));
    const { weeks, days } = entry;
    const community = entry;
    const { units, weekUnits, nonMembers, maxNo } = await db.transaction(
      async (tx) => {
        const [head] = await selectRows<{ today: string; stamps: Record<string, string> | null; nm: number[]; max_no: number }>(
          tx,
          sql`select to_char(((clock_timestamp() - interval ${sql.raw(`'${SETTLE}'`)}) at time zone 'UTC')::date, 'YYYY-MM-DD') as today,
                     (select json_object_agg(week_start, stamp) from (
                        select week_start::text as week_start, count(*) || ':' || max(id) as stamp from engagement_final_changes
                         where community_id = ${communityId} and week_start >= ${dateOf(mondayOf(d0))}::date and week_start <= ${dateOf(d1)}::date
                         group by week_start) c) as stamps,
                     -- Participants who were not members at any instant of the span (an admin, someone removed before it).
                     array(select n.no from engagement_participants n
                            where n.community_id = ${communityId}
                              and not exists (select 1 from memberships m where m.community_id = ${communityId} and m.user_id = n.user_id
                                                 and m.joined_at < ${t1}::timestamptz and (m.removed_at is null or m.removed_at >= ${t0}::timestamptz))
                            order by n.no) as nm,
                     (select coalesce(max(no), -1) from engagement_participants where community_id = ${communityId}) as max_no`,
        );
        const lastFinal = epochDay(head!.today) - 1;
        const stampOf = (day: number) => head!.stamps?.[dateOf(mondayOf(day))] ?? '0';
        const units: TopicUnit[] = [];
        const weekUnits: Array<{ key: string; unit: TopicUnit }> = [];
        const inUse = new Set<Kept>();
        const readWeeksList: number[] = [];
        const readDaysList: number[] = [];
        // Whole finished weeks by week, every other day by day.
        for (let d = d0; d <= d1; ) {
          const w = mondayOf(d);
          if (w === d && w + 6 <= d1 && w + 6 <= lastFinal) {
            const k = weeks.get(w);
            if (k && k.stamp === stampOf(w)) {
              weeks.delete(w); // recency
              weeks.set(w, k);
              inUse.add(k);
              weekUnits.push({ key: `${w}:${k.stamp}`, unit: k.unit });
            } else readWeeksList.push(w);
            d += 7;
          } else {
            const k = d <= lastFinal ? days.get(d) : undefined;
            if (k && k.stamp === stampOf(d)) {
              days.delete(d);
              days.set(d, k);
              inUse.add(k);
              units.push(k.unit);
            } else readDaysList.push(d);
            d += 1;
          }
        }
        stats.cachedUnitsUsed = units.length + weekUnits.length;
        stats.unitsRead = readWeeksList.length + readDaysList.length;
        const [readW, readD] = await readUnits(tx as unknown as Db, communityId, readWeeksList, readDaysList);
        for (const [w, parts] of readW) {
          const unit = flatten(community, parts);
          keep(weeks, w, { unit, stamp: stampOf(w) }, inUse);
          weekUnits.push({ key: `${w}:${stampOf(w)}`, unit });
        }
        for (const [d, parts] of readD) {
          const unit = flatten(community, parts);
          if (d <= lastFinal) keep(days, d, { unit, stamp: stampOf(d) }, inUse);
          units.push(unit);
        }
        return { units, weekUnits, nonMembers: head!.nm, maxNo: Number(head!.max_no) };
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
    // The whole weeks merged once per set of weeks (and their stamps), the days counted against them.
    weekUnits.sort((x, y) => (x.key < y.key ? -1 : 1));
    const key = weekUnits.map((x) => x.key).join(',');
    let merged = community.merged.get(key);
    if (merged) community.merged.delete(key); // recency
    else merged = mergeUnits(community.topicIds.length, weekUnits.map((x) => x.unit));
    community.merged.set(key, merged);
    for (const k of community.merged.keys()) if (community.merged.size > MERGED_KEPT) community.merged.delete(k);
    return countFigures(community.topicIds, merged, units, nonMembers, maxNo);
  }

  return { figures, stats: () => ({ ...stats }) };
}

/** A unit's parts in the flat form it is kept in. */
function flatten(entry: CommunityEntry, parts: Map<string, TopicPart>): TopicUnit {
  const n = parts.size;
  const unit: TopicUnit = {
    t: new Int32Array(n),
    index: EMPTY,
    vOff: new Int32Array(n + 1),
    v: EMPTY,
    pOff: new Int32Array(n + 1),
    p: EMPTY,
    posts: new Int32Array(n),
    first: new Float64Array(n),
    last: new Float64Array(n),
    promptIds: [],
    promptActs: EMPTY,
    maxNo: -1,
  };
  let vLen = 0;
  let pLen = 0;
  for (const x of parts.values()) {
    vLen += x.v.length;
    pLen += x.p.length;
  }
  unit.v = new Int32Array(vLen);
  unit.p = new Int32Array(pLen);
  const prompts = new Map<string, number>();
  let i = 0;
  for (const [topicId, x] of parts) {
    let t = entry.topicIndex.get(topicId);
    if (t === undefined) {
      t = entry.topicIds.length;
      entry.topicIds.push(topicId);
      entry.topicIndex.set(topicId, t);
    }
    unit.t[i] = t;
    unit.v.set(x.v, unit.vOff[i]!);
    unit.vOff[i + 1] = unit.vOff[i]! + x.v.length;
    unit.p.set(x.p, unit.pOff[i]!);
    unit.pOff[i + 1] = unit.pOff[i]! + x.p.length;
    for (const no of x.v) if (no > unit.maxNo) unit.maxNo = no;
    for (const no of x.p) if (no > unit.maxNo) unit.maxNo = no;
    let posts = 0;
    for (const [prompt, acts] of x.acts) {
      posts += acts;
      if (prompt !== '') prompts.set(prompt, (prompts.get(prompt) ?? 0) + acts);
    }
    unit.posts[i] = posts;
    unit.first[i] = x.first;
    unit.last[i] = x.last;
    i++;
  }
  unit.index = new Int32Array(entry.topicIds.length).fill(-1);
  unit.t.forEach((t, k) => (unit.index[t] = k));
  unit.promptIds = [...prompts.keys()];
  unit.promptActs = Int32Array.from(prompts.values());
  return unit;
}

/** Merged sets kept per community (the spans asked for lately). */
const MERGED_KEPT = 4;
