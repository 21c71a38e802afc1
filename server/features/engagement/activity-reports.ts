// The member-level reports computed from an Activity (activity-cache.ts): the same figures, by the same rules, as
// the SQL of queries/summary.ts, members.ts and trajectories.ts compute from the rollups (community-wide, UTC) —
// test/server/engagement*.test.ts hold both to a direct computation from posts and views. Days are epoch days.
import type { EngagementClass, TrajectoryClass } from '../../../shared/schemas/engagement.js';
import { DAY_MS, dateOf, mondayOf, type Activity, type ActivityMember } from './activity-cache.js';
import type { CountsRow, MemberDbRow, TopDbRow, TrajectoriesDb, WeeklyDbRow } from './queries.js';

/** A period in epoch days, d0..d1 inclusive. */
export interface DayPeriod {
  d0: number;
  d1: number;
}

const span = (p: DayPeriod) => p.d1 - p.d0 + 1;

/** The class rule of queries/fragments.ts classOf: core at an average of 3 posts a week, in integers. */
export function classOf(posts: number, viewed: boolean, days: number): EngagementClass {
  if (posts > 0 && 7 * posts >= 3 * days) return 'core';
  if (posts > 0) return 'contributor';
  return viewed ? 'reader' : 'inactive';
}

/** Day bits (bit 0 = Monday) of the week starting on `week` that lie in the period; only for weeks touching it. */
const daysOfPeriod = (week: number, p: DayPeriod) => (1 << (Math.min(p.d1 - week, 6) + 1)) - (1 << Math.max(p.d0 - week, 0));
const touches = (week: number, p: DayPeriod) => week + 6 >= p.d0 && week <= p.d1;

/** Active at some instant of [t0, t1). */
const activeDuring = (m: ActivityMember, t0: number, t1: number) => m.joinedMs < t1 && (m.removedMs === null || m.removedMs >= t0);
const memberDuring = (m: ActivityMember, p: DayPeriod) => activeDuring(m, p.d0 * DAY_MS, (p.d1 + 1) * DAY_MS);


/** Per user index: what they wrote in the period (all authors, members or not) and whether and when they read. */
interface Sums {
  posts: Int32Array;
  replies: Int32Array;
  openings: Int32Array;
  removed: Int32Array;
  helpful: Int32Array;
  /** Last day with a counted post, or NONE. */
  lastPost: Int32Array;
  /** Last viewing day, or NONE. */
  lastView: Int32Array;
}

const NONE = -0x8000_0000;

function sumsOf(a: Activity, p: DayPeriod): Sums {
  const n = a.ids.length;
  const s: Sums = {
    posts: new Int32Array(n),
    replies: new Int32Array(n),
    openings: new Int32Array(n),
    removed: new Int32Array(n),
    helpful: new Int32Array(n),
    lastPost: new Int32Array(n).fill(NONE),
    lastView: new Int32Array(n).fill(NONE),
  };
  for (const b of a.blocks) {
    if (!touches(b.week, p)) continue;
    for (let i = 0; i < b.day.length; i++) {
      const d = b.day[i]!;
      if (d < p.d0 || d > p.d1) continue;
      const u = b.dayUser[i]!;
      s.posts[u]! += b.posts[i]!;
      s.replies[u]! += b.replies[i]!;
      s.openings[u]! += b.openings[i]!;
      s.removed[u]! += b.removed[i]!;
      s.helpful[u]! += b.helpful[i]!;
      if (b.posts[i]! > 0 && d > s.lastPost[u]!) s.lastPost[u] = d;
    }
    const clip = daysOfPeriod(b.week, p);
    for (let i = 0; i < b.viewUser.length; i++) {
      const mask = b.viewMask[i]! & clip;
      if (mask === 0) continue;
      const u = b.viewUser[i]!;
      const lastDay = b.week + 31 - Math.clz32(mask);
      if (lastDay > s.lastView[u]!) s.lastView[u] = lastDay;
    }
  }
  return s;
}

const sumAll = (xs: Int32Array) => xs.reduce((t, x) => t + x, 0);

/** The summary's counts of one period (without the median first reply, which reads topics and posts). */
export function periodCounts(a: Activity, p: DayPeriod): Omit<CountsRow, 'median_first_reply_minutes'> {
  const s = sumsOf(a, p);
  const c = { members: 0, core: 0, contributor: 0, reader: 0, inactive: 0 };
  for (const m of a.members) {
    if (!memberDuring(m, p)) continue;
    c.members++;
    c[classOf(s.posts[m.u]!, s.lastView[m.u]! !== NONE, span(p))]++;
  }
  return {
    members: c.members,
    posters: c.core + c.contributor,
    lurkers: c.reader,
    inactive: c.inactive,
    core: c.core,
    contributors: c.contributor,
    posts: sumAll(s.posts),
    replies: sumAll(s.replies),
    new_topics: sumAll(s.openings),
    removed_posts: sumAll(s.removed),
  };
}

/** The ISO weeks touching the period, clipped to it. */
function weeksOf(p: DayPeriod) {
  const weeks: Array<{ week: number; days: number; t0: number; t1: number; clip: DayPeriod }> = [];
  for (let w = mondayOf(p.d0); w <= p.d1; w += 7) {
    const clip = { d0: Math.max(w, p.d0), d1: Math.min(w + 6, p.d1) };
    weeks.push({ week: w, days: span(clip), t0: clip.d0 * DAY_MS, t1: (clip.d1 + 1) * DAY_MS, clip });
  }
  return weeks;
}

/** Per week of the period (index as weeksOf), per user: counted posts, and whether they read (days clipped to the period). */
function weekCells(a: Activity, p: DayPeriod, weekCount: number) {
  const first = mondayOf(p.d0);
  const posts = Array.from({ length: weekCount }, () => new Int32Array(a.ids.length));
  const read = Array.from({ length: weekCount }, () => new Uint8Array(a.ids.length));
  for (const b of a.blocks) {
    if (!touches(b.week, p)) continue;
    const k = (b.week - first) / 7;
    for (let i = 0; i < b.day.length; i++) {
      if (b.day[i]! >= p.d0 && b.day[i]! <= p.d1) posts[k]![b.dayUser[i]!]! += b.posts[i]!;
    }
    const clip = daysOfPeriod(b.week, p);
    for (let i = 0; i < b.viewUser.length; i++) if ((b.viewMask[i]! & clip) !== 0) read[k]![b.viewUser[i]!] = 1;
  }
  return { posts, read };
}

/** Members, posters, lurkers, inactive, core, contributors and posts per ISO week of the period. */
export function weeklySeries(a: Activity, p: DayPeriod): WeeklyDbRow[] {
  const weeks = weeksOf(p);
  const cells = weekCells(a, p, weeks.length);
  const members = a.members.filter((m) => memberDuring(m, p));
  return weeks.map((wk, k) => {
    const posts = cells.posts[k]!;
    const read = cells.read[k]!;
    let count = 0;
    let posters = 0;
    let core = 0;
    let lurkers = 0;
    for (const m of members) {
      if (!activeDuring(m, wk.t0, wk.t1)) continue;
      count++;
      const n = posts[m.u]!;
      if (n > 0) {
        posters++;
        if (7 * n >= 3 * wk.days) core++;
      } else if (read[m.u]) lurkers++;
    }
    return {
      week_start: dateOf(wk.week),
      days: wk.days,
      members: count,
      posters,
      lurkers,
      inactive: count - posters - lurkers,
      core,
      contributors: posters - core,
      posts: sumAll(posts),
    };
  });
}

/** Members of the period with their figures and class, most posts first (then name, then id). */
function memberFigures(a: Activity, p: DayPeriod) {
  const s = sumsOf(a, p);
  const rows = a.members
    .filter((m) => memberDuring(m, p))
    .map((m) => {
      const u = m.u;
      const lastSeen = Math.max(s.lastPost[u]!, s.lastView[u]!);
      return {
        member: m,
        row: {
          user_id: a.ids[u]!,
          display_name: m.name,
          posts: s.posts[u]!,
          replies: s.replies[u]!,
          topics_started: s.openings[u]!,
          topics_viewed: 0,
          days_active: 0,
          last_seen: lastSeen !== NONE ? dateOf(lastSeen) : null,
          class: classOf(s.posts[u]!, s.lastView[u]! !== NONE, span(p)),
        } satisfies MemberDbRow,
        helpful: s.helpful[u]!,
      };
    });
  return rows;
}

/** By display name, then id: the members' rank (activity-cache.ts). */
const byName = (x: { member: ActivityMember }, y: { member: ActivityMember }) => x.member.rank - y.member.rank;

/** The members with most counted posts in the period (ties: more topics started, then name, then id). */
export function topContributors(a: Activity, p: DayPeriod, limit: number): TopDbRow[] {
  return memberFigures(a, p)
    .filter((r) => r.row.posts > 0)
    .sort((x, y) => y.row.posts - x.row.posts || y.row.topics_started - x.row.topics_started || byName(x, y))
    .slice(0, limit)
    .map(({ row, helpful }) => ({ user_id: row.user_id, display_name: row.display_name, posts: row.posts, topics_started: row.topics_started, helpful_received: helpful }));
}

/**
 * The members table: rows of one class (or all), most posts first, `limit` from `offset` (null: all), and how many
 * there are. Days active (posting or viewing days) are filled in here; topics viewed is left at 0 for the caller
 * (it needs the page's members' topic_views rows).
 */
export function memberRows(a: Activity, p: DayPeriod, opts: { className: EngagementClass | null; limit: number | null; offset: number }) {
  const chosen = memberFigures(a, p)
    .filter((r) => opts.className === null || r.row.class === opts.className)
    .sort((x, y) => y.row.posts - x.row.posts || byName(x, y));
  const page = chosen.slice(opts.offset, opts.limit === null ? undefined : opts.offset + opts.limit);
  const rows = page.map((r) => r.row);
  const wanted = new Set(page.map((r) => r.member.u));
  // Per (member, week) of the page: posting days OR viewing days, bit 0 = Monday.
  const masks = new Map<number, Map<number, number>>();
  const add = (u: number, week: number, bits: number) => {
    let weeks = masks.get(u);
    if (!weeks) masks.set(u, (weeks = new Map()));
    weeks.set(week, (weeks.get(week) ?? 0) | bits);
  };
  for (const b of a.blocks) {
    if (!touches(b.week, p)) continue;
    for (let i = 0; i < b.day.length; i++) {
      const d = b.day[i]!;
      if (d >= p.d0 && d <= p.d1 && b.posts[i]! > 0 && wanted.has(b.dayUser[i]!)) add(b.dayUser[i]!, b.week, 1 << (d - b.week));
    }
    const clip = daysOfPeriod(b.week, p);
    for (let i = 0; i < b.viewUser.length; i++) {
      if ((b.viewMask[i]! & clip) !== 0 && wanted.has(b.viewUser[i]!)) add(b.viewUser[i]!, b.week, b.viewMask[i]! & clip);
    }
  }
  const bits = (x: number) => x.toString(2).replace(/0/g, '').length;
  for (const { row, member } of page) {
    let days = 0;
    for (const mask of masks.get(member.u)?.values() ?? []) days += bits(mask);
    row.days_active = days;
  }
  return { total: chosen.length, rows };
}

const CLASSES: TrajectoryClass[] = ['core', 'contributor', 'reader', 'inactive', 'notMember'];

/**
 * Each member's class in the previous and the current period, the transitions between them, and week-by-week
 * strips over both (`all` = previous.d0 .. current.d1) for one page of members ordered by name.
 */
export function trajectories(
  a: Activity,
  previous: DayPeriod,
  current: DayPeriod,
  page: { fromClass?: TrajectoryClass | undefined; toClass?: TrajectoryClass | undefined; limit: number | null; offset: number },
): TrajectoriesDb {
  const all = { d0: previous.d0, d1: current.d1 };
  const prev = sumsOf(a, previous);
  const cur = sumsOf(a, current);
  const both = a.members
    .filter((m) => memberDuring(m, all))
    .map((m) => ({
      m,
      previous_class: memberDuring(m, previous) ? classOf(prev.posts[m.u]!, prev.lastView[m.u]! !== NONE, span(previous)) : ('notMember' as const),
      current_class: memberDuring(m, current) ? classOf(cur.posts[m.u]!, cur.lastView[m.u]! !== NONE, span(current)) : ('notMember' as const),
    }));
  const counts = new Map<string, number>();
  for (const b of both) counts.set(`${b.previous_class} ${b.current_class}`, (counts.get(`${b.previous_class} ${b.current_class}`) ?? 0) + 1);
  const transitions = CLASSES.flatMap((from) =>
    CLASSES.filter((to) => !(from === 'notMember' && to === 'notMember')).map((to) => ({ from, to, count: counts.get(`${from} ${to}`) ?? 0 })),
  );
  const chosen = both
    .filter((b) => (!page.fromClass || b.previous_class === page.fromClass) && (!page.toClass || b.current_class === page.toClass))
    .sort((x, y) => x.m.rank - y.m.rank);
  const pageRows = chosen.slice(page.offset, page.limit === null ? undefined : page.offset + page.limit);
  const weeks = weeksOf(all);
  const cells = pageRows.length === 0 ? null : weekCells(a, all, weeks.length);
  return {
    week_starts: weeks.map((w) => dateOf(w.week)),
    total: chosen.length,
    transitions,
    members: pageRows.map((b) => ({
      user_id: a.ids[b.m.u]!,
      display_name: b.m.name,
      previous_class: b.previous_class,
      current_class: b.current_class,
      weeks: weeks.map((wk, k) =>
        activeDuring(b.m, wk.t0, wk.t1) ? classOf(cells!.posts[k]![b.m.u]!, cells!.read[k]![b.m.u]! === 1, wk.days) : null,
      ),
    })),
  };
}
