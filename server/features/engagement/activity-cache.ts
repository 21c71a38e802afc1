// What the member-level reports (summary, members table, trajectories) read, community-wide in UTC: the rollup
// rows of engagement_member_days and engagement_view_weeks for the weeks of a span, and the span's members.
// Finished weeks never change in the normal course of things, so they are kept in memory, per community and ISO
// week, and so are the finished days of the week still open; each request reads only the days not yet finished
// (the last two) and the open weeks' view rows (this week, and last week during this week's first two days).
// A finished day is one at least two days before the database clock's today (UTC): anything that later changes
// a finished day's rollup rows logs its week in engagement_final_changes (migration 0021), and cached rows of a
// week are used only while the week's log stamp (count and last id of its log rows) is the one they were read with.
// Each request reads the stamps, the weeks it lacks, the open weeks and the members in one REPEATABLE READ
// transaction, so the cached weeks it keeps are exactly those its snapshot would read.
import { sql, type SQL } from 'drizzle-orm';
import { selectRows, type Db } from '../../db/client.js';

export const DAY_MS = 86_400_000;
/** Days since 1970-01-01 (a Thursday) of a YYYY-MM-DD date. */
export const epochDay = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
export const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** The Monday of the ISO week of the day. */
export const mondayOf = (day: number) => day - ((((day + 3) % 7) + 7) % 7);

/** One ISO week's rollup rows, users as indexes into Activity.ids. */
export interface WeekBlock {
  week: number;
  dayUser: Int32Array;
  day: Int32Array;
  posts: Int32Array;
  replies: Int32Array;
  openings: Int32Array;
  removed: Int32Array;
  helpful: Int32Array;
  viewUser: Int32Array;
  /** Viewing days, bit 0 = Monday. */
  viewMask: Int32Array;
}

export interface ActivityMember {
  u: number;
  name: string;
  /** Place in the order by display name (code points, as PostgreSQL's C collation), then id. */
  rank: number;
  joinedMs: number;
  removedMs: number | null;
}

/** The rollup weeks touching a span, and its members (memberships active at some instant of it). */
export interface Activity {
  ids: readonly string[];
  blocks: WeekBlock[];
  members: ActivityMember[];
}

interface CommunityEntry {
  ids: string[];
  index: Map<string, number>;
  /** Insertion order is recency: a used week is moved to the end, the oldest go first. */
  weeks: Map<number, { block: WeekBlock; stamp: string }>;
  /** Every membership of the community, past ones too, with display names. */
  members: { list: ActivityMember[]; stamp: string } | null;
  /** The finished days (its Monday to `through`) of the week still open: its member-day rows, no view rows. */
  partial: { week: number; through: number; stamp: string; block: WeekBlock } | null;
}

/** How many weeks of the cache were used and read by the last requests (for the bench's cold/warm figures). */
export interface ActivityCacheStats {
  cachedWeeksUsed: number;
  weeksRead: number;
  /** Whether the member list was read (not taken from memory). */
  membersRead: boolean;
}

export type ActivityCache = ReturnType<typeof createActivityCache>;

/** `maxWeeks`: weeks kept over all communities (a week at bench scale 1 is ~150 KB). */
export function createActivityCache({ maxWeeks = 260 }: { maxWeeks?: number } = {}) {
  const communities = new Map<string, CommunityEntry>();
  let weeksKept = 0;
  const stats: ActivityCacheStats = { cachedWeeksUsed: 0, weeksRead: 0, membersRead: false };

  function entryOf(communityId: string): CommunityEntry {
    let entry = communities.get(communityId);
    if (!entry) communities.set(communityId, (entry = { ids: [], index: new Map(), weeks: new Map(), members: null, partial: null }));
    return entry;
  }

  function keep(entry: CommunityEntry, week: number, block: WeekBlock, stamp: string, inUse: Set<number>) {
    if (entry.weeks.delete(week)) weeksKept--;
    entry.weeks.set(week, { block, stamp });
    weeksKept++;
    // Evict the least recently used weeks, never one this request uses.
    for (const [, other] of communities) {
      for (const w of other.weeks.keys()) {
        if (weeksKept <= maxWeeks) return;
        if (other === entry && inUse.has(w)) continue;
        other.weeks.delete(w);
        weeksKept--;
      }
    }
  }

  /** The activity of the span d0..d1 (epoch days) of the community. */
  async function activity(db: Db, communityId: string, d0: number, d1: number): Promise<Activity> {
    const first = mondayOf(d0);
    const last = mondayOf(d1);
    return db.transaction(
      async (tx) => {
        const [head] = await selectRows<{ today: string; stamps: Record<string, string> | null }>(
          tx,
          sql`select to_char((clock_timestamp() at time zone 'UTC')::date, 'YYYY-MM-DD') as today,
                     (select json_object_agg(week_start, stamp) from (
                        select week_start::text as week_start, count(*) || ':' || max(id) as stamp from engagement_final_changes
                         where community_id = ${communityId}
                           and (week_start = '-infinity' or (week_start >= ${dateOf(first)}::date and week_start <= ${dateOf(last)}::date))
                         group by week_start) c) as stamps`,
        );
        const lastFinal = epochDay(head!.today) - 2;
        const stamps = head!.stamps ?? {};
        const entry = entryOf(communityId);
        const stampOf = (w: number) => stamps[dateOf(w)] ?? '0';
        const blocks: WeekBlock[] = [];
        /** Weeks to read, from their day `from` on (a week still open whose finished days are in memory: from the next day). */
        const missing: Array<{ week: number; from: number }> = [];
        for (let w = first; w <= last; w += 7) {
          const cached = w + 6 <= lastFinal ? entry.weeks.get(w) : undefined;
          const partial = entry.partial;
          if (cached && cached.stamp === stampOf(w)) {
            entry.weeks.delete(w); // recency
            entry.weeks.set(w, cached);
            blocks.push(cached.block);
          } else if (w + 6 > lastFinal && w <= lastFinal && partial?.week === w && partial.through === lastFinal && partial.stamp === stampOf(w)) {
            blocks.push(partial.block);
            missing.push({ week: w, from: lastFinal + 1 });
          } else {
            missing.push({ week: w, from: w });
          }
        }
        stats.cachedWeeksUsed = blocks.length;
        stats.weeksRead = missing.length;
        const inUse = new Set(blocks.map((b) => b.week));
        for (const block of await readWeeks(tx as unknown as Db, entry, communityId, missing)) {
          inUse.add(block.week);
          if (block.week + 6 <= lastFinal) {
            keep(entry, block.week, block, stampOf(block.week), inUse);
            blocks.push(block);
          } else if (block.week <= lastFinal && missing.some((m) => m.week === block.week && m.from === block.week)) {
            // A week still open read whole: keep its finished days for the next requests.
            const [done, open] = splitDays(block, lastFinal);
            entry.partial = { week: block.week, through: lastFinal, stamp: stampOf(block.week), block: done };
            blocks.push(done, open);
          } else {
            blocks.push(block);
          }
        }
        const membersStamp = stamps['-infinity'] ?? '0';
        stats.membersRead = entry.members?.stamp !== membersStamp;
        if (entry.members?.stamp !== membersStamp) entry.members = { list: await readMembers(tx as unknown as Db, entry, communityId), stamp: membersStamp };
        const t0 = d0 * DAY_MS;
        const t1 = (d1 + 1) * DAY_MS;
        const members = entry.members.list.filter((m) => m.joinedMs < t1 && (m.removedMs === null || m.removedMs >= t0));
        return { ids: entry.ids, blocks, members };
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  }

  return { activity, stats: () => ({ ...stats }) };
}

function intern(entry: CommunityEntry, id: string): number {
  let u = entry.index.get(id);
  if (u === undefined) {
    u = entry.ids.length;
    entry.ids.push(id);
    entry.index.set(id, u);
  }
  return u;
}

/** SQL: `column` lies in one of the day ranges [from, to] (ascending); ranges `step` days apart are one index range. */
function inRuns(column: SQL, ranges: Array<[number, number]>, step: number): SQL {
  const runs: Array<[number, number]> = [];
  for (const [from, to] of ranges) {
    const run = runs[runs.length - 1];
    if (run && run[1] + step === from) run[1] = to;
    else runs.push([from, to]);
  }
  return sql.join(
    runs.map(([a, b]) => sql`(${column} >= ${dateOf(a)}::date and ${column} <= ${dateOf(b)}::date)`),
    sql` or `,
  );
}

/** The block's rows of days up to `through` (no view rows), and the others with the view rows. */
function splitDays(block: WeekBlock, through: number): [WeekBlock, WeekBlock] {
  const pick = (keep: (i: number) => boolean, views: boolean): WeekBlock => {
    const idx = Array.from(block.day.keys()).filter(keep);
    const take = (col: Int32Array) => Int32Array.from(idx, (i) => col[i]!);
    return {
      week: block.week,
      dayUser: take(block.dayUser),
      day: take(block.day),
      posts: take(block.posts),
      replies: take(block.replies),
      openings: take(block.openings),
      removed: take(block.removed),
      helpful: take(block.helpful),
      viewUser: views ? block.viewUser : new Int32Array(0),
      viewMask: views ? block.viewMask : new Int32Array(0),
    };
  };
  return [pick((i) => block.day[i]! <= through, false), pick((i) => block.day[i]! > through, true)];
}

async function readWeeks(db: Db, entry: CommunityEntry, communityId: string, parts: Array<{ week: number; from: number }>): Promise<WeekBlock[]> {
  if (parts.length === 0) return [];
  const weeks = parts.map((p) => p.week);
  // One row per week and table, all its rows in one text value ("user,day,posts,…;…"): splitting a string is
  // much faster than parsing ~10k rows or arrays of them. Both tables in one statement (one round trip):
  // `v` tells a view-week row from a member-day row.
  const rows = await selectRows<{ v: boolean; w: number; rows: string }>(
    db,
    sql`select false as v, (date_trunc('week', day::timestamp)::date - date '1970-01-01') as w,
               string_agg(concat_ws(',', user_id, day - date '1970-01-01', posts, replies, openings, removed, helpful), ';') as rows
          from engagement_member_days
         where community_id = ${communityId} and (${inRuns(sql`day`, parts.map((p) => [p.from, p.week + 6]), 1)})
         group by 2
        union all
        select true, (week_start - date '1970-01-01'), string_agg(concat_ws(',', user_id, days), ';')
          from engagement_view_weeks
         where community_id = ${communityId} and (${inRuns(sql`week_start`, weeks.map((w) => [w, w]), 7)})
         group by 2`,
  );
  const dayRows = rows.filter((r) => !r.v);
  const viewRows = rows.filter((r) => r.v);
  const blocks = new Map<number, WeekBlock>();
  const empty = new Int32Array(0);
  for (const w of weeks) {
    blocks.set(w, { week: w, dayUser: empty, day: empty, posts: empty, replies: empty, openings: empty, removed: empty, helpful: empty, viewUser: empty, viewMask: empty });
  }
  for (const r of dayRows) {
    const block = blocks.get(Number(r.w))!;
    const list = r.rows.split(';');
    const cols = Array.from({ length: 7 }, () => new Int32Array(list.length));
    list.forEach((row, i) => {
      const f = row.split(',');
      cols[0]![i] = intern(entry, f[0]!);
      for (let k = 1; k < 7; k++) cols[k]![i] = Number(f[k]);
    });
    [block.dayUser, block.day, block.posts, block.replies, block.openings, block.removed, block.helpful] = cols as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  }
  for (const r of viewRows) {
    const block = blocks.get(Number(r.w))!;
    const list = r.rows.split(';');
    block.viewUser = new Int32Array(list.length);
    block.viewMask = new Int32Array(list.length);
    list.forEach((row, i) => {
      block.viewUser[i] = intern(entry, row.slice(0, 36));
      block.viewMask[i] = Number(row.slice(37));
    });
  }
  return [...blocks.values()];
}

async function readMembers(db: Db, entry: CommunityEntry, communityId: string): Promise<ActivityMember[]> {
  const list = await selectRows<{ u: string[]; n: string[]; j: number[]; r: Array<number | null> }>(
    db,
    sql`select array_agg(m.user_id::text) as u, array_agg(u.display_name) as n,
               array_agg((extract(epoch from m.joined_at) * 1000)::float8) as j, array_agg((extract(epoch from m.removed_at) * 1000)::float8) as r
          from memberships m join users u on u.id = m.user_id
         where m.community_id = ${communityId}`,
  );
  const row = list[0];
  if (!row || !row.u) return [];
  const members = row.u.map((id, i) => ({
    u: intern(entry, id),
    name: row.n[i]!,
    rank: 0,
    joinedMs: Number(row.j[i]),
    removedMs: row.r[i] === null ? null : Number(row.r[i]),
  }));
  const keyed = members.map((m, i) => ({ m, key: Buffer.from(m.name, 'utf8'), id: row.u[i]! }));
  keyed.sort((x, y) => Buffer.compare(x.key, y.key) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  keyed.forEach((k, i) => (k.m.rank = i));
  return members;
}
