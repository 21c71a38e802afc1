// The engagement reports read "who viewed when" from the rollup engagement_view_weeks (one row per
// member per ISO week with a bitmask of viewing days, kept by triggers on topic_views) and derive the
// summary's counts, weeks and top list from one shared scan. These tests check, on seeded random data,
// that the rollup always equals topic_views regrouped, and that the reports' answers equal a direct
// computation from topic_views and posts, for ranges whose edges fall mid-week and in other time zones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type Agent, type TestApp, type TestUser } from '../helpers/app.js';
import { insertPost, insertTopic, insertView, setMembershipDates } from '../helpers/engagement-factories.js';

let t: TestApp;
let communityId: string;
let manager: Agent;
const members: TestUser[] = [];

/** mulberry32: the same seed gives the same community on every run. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await t.app.db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** The rollup as stored, and as recomputed from topic_views, both sorted. */
async function rollupAndDirect() {
  const stored = await rows<{ k: string }>(sql`
    select community_id || ' ' || week_start || ' ' || user_id || ' ' || days as k from engagement_view_weeks order by 1`);
  const direct = await rows<{ k: string }>(sql`
    select community_id || ' ' || date_trunc('week', day::timestamp)::date || ' ' || user_id || ' ' || bit_or(1 << (extract(isodow from day)::int - 1)) as k
      from topic_views group by community_id, date_trunc('week', day::timestamp)::date, user_id order by 1`);
  return { stored: stored.map((r) => r.k), direct: direct.map((r) => r.k) };
}

const START = Date.UTC(2024, 0, 1); // Monday 2024-01-01
const DAY = 86_400_000;
const dayOf = (n: number) => new Date(START + n * DAY).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  const db = t.app.db;
  communityId = (await t.makeCommunity()).id;
  const mgr = await t.makeMember(communityId, ['manager'], { displayName: 'Manager' });
  await setMembershipDates(db, communityId, mgr.id, '2023-06-01T00:00:00Z');
  manager = await t.as(mgr);
  const random = seeded(42);
  for (let i = 0; i < 14; i++) {
    const m = await t.makeMember(communityId, [], { displayName: `Member ${String(i).padStart(2, '0')}` });
    // Some join or leave during the ten weeks of data.
    const joined = i % 5 === 4 ? `${dayOf(10 + i)}T12:00:00Z` : '2023-06-01T00:00:00Z';
    const removed = i % 7 === 6 ? `${dayOf(40 + i)}T08:00:00Z` : null;
    await setMembershipDates(db, communityId, m.id, joined, removed);
    members.push(m);
  }
  const topics: string[] = [];
  for (let k = 0; k < 4; k++) {
    topics.push(await insertTopic(db, { communityId, authorId: members[k]!.id, createdAt: `${dayOf(3 + k * 9)}T${String(5 + k).padStart(2, '0')}:30:00Z` }));
  }
  const statuses = ['published', 'published', 'published', 'withdrawn', 'removed', 'pending'] as const;
  for (let n = 0; n < 160; n++) {
    const author = members[Math.floor(random() ** 2 * 6)]!; // the first six post, the others only read
    const at = new Date(START + Math.floor(random() * 70 * DAY)).toISOString();
    await insertPost(db, { communityId, topicId: topics[Math.floor(random() * topics.length)]!, authorId: author.id, createdAt: at, status: statuses[Math.floor(random() * statuses.length)]! });
  }
  for (let n = 0; n < 400; n++) {
    const reader = members[Math.floor(random() * members.length)]!;
    await insertView(db, { communityId, topicId: topics[Math.floor(random() * topics.length)]!, userId: reader.id, day: dayOf(Math.floor(random() * 70)) });
  }
});
afterAll(async () => t?.close());

describe('engagement_view_weeks rollup', () => {
  it('equals topic_views regrouped by member and week after inserts (duplicates ignored), updates and deletes', async () => {
    let { stored, direct } = await rollupAndDirect();
    expect(stored.length).toBeGreaterThan(50);
    expect(stored).toEqual(direct);

    // A second view of the same topic on the same day is no new row and changes nothing.
    const [some] = await rows<{ topic_id: string; user_id: string; day: string }>(sql`select topic_id, user_id, day::text as day from topic_views order by day, user_id limit 1`);
    await insertView(t.app.db, { communityId, topicId: some!.topic_id, userId: some!.user_id, day: some!.day });
    ({ stored, direct } = await rollupAndDirect());
    expect(stored).toEqual(direct);

    // Moving and deleting view rows (not done by the product, but the rollup must follow any writer).
    await t.app.db.execute(sql`update topic_views set day = day + 1000 where ctid in (select ctid from topic_views order by user_id, day limit 5)`);
    ({ stored, direct } = await rollupAndDirect());
    expect(stored).toEqual(direct);
    await t.app.db.execute(sql`delete from topic_views where ctid in (select ctid from topic_views order by day desc, user_id limit 25)`);
    ({ stored, direct } = await rollupAndDirect());
    expect(stored).toEqual(direct);

    // The rebuild function (used after bulk loads) gives the same rows.
    await t.app.db.execute(sql`select engagement_view_weeks_rebuild()`);
    const rebuilt = await rollupAndDirect();
    expect(rebuilt.stored).toEqual(stored);
  });
});

/** Straight from topic_views and posts, member by member: the definitions, without rollup or shared scans. */
async function directReport(from: string, to: string, tz: string) {
  return rows<{ user_id: string; posts: number; viewed: boolean; days_active: number; last_seen: string | null }>(sql`
    with b as (select (${from}::date::timestamp at time zone ${tz}) as t0, ((${to}::date + 1)::timestamp at time zone ${tz}) as t1),
    m as (select ms.user_id from memberships ms, b where ms.community_id = ${communityId} and ms.joined_at < b.t1 and (ms.removed_at is null or ms.removed_at >= b.t0)),
    acts as (
      select t.author_id as user_id, t.created_at from topics t, b where t.community_id = ${communityId} and t.created_at >= b.t0 and t.created_at < b.t1
      union all
      select po.author_id, po.created_at from posts po, b where po.community_id = ${communityId} and po.created_at >= b.t0 and po.created_at < b.t1
         and po.status in ('published', 'withdrawn')),
    views as (select user_id, day from topic_views where community_id = ${communityId} and day between ${from}::date and ${to}::date)
    select m.user_id,
           (select count(*)::int from acts where acts.user_id = m.user_id) as posts,
           exists (select 1 from views where views.user_id = m.user_id) as viewed,
           (select count(*)::int from (select (created_at at time zone ${tz})::date from acts where acts.user_id = m.user_id
                                       union select day from views where views.user_id = m.user_id) d) as days_active,
           (select max(d)::text from (select (created_at at time zone ${tz})::date as d from acts where acts.user_id = m.user_id
                                      union all select day from views where views.user_id = m.user_id) d) as last_seen
      from m`);
}

describe('engagement reports equal the direct computation', () => {
  const cases = [
    { from: '2024-01-03', to: '2024-02-14', tz: 'UTC' }, // Wednesday to Wednesday: both edge weeks partial
    { from: '2024-01-01', to: '2024-03-10', tz: 'UTC' }, // whole weeks
    { from: '2024-01-20', to: '2024-01-20', tz: 'UTC' }, // one Saturday
    { from: '2024-01-07', to: '2024-02-29', tz: 'Europe/Berlin' },
    { from: '2024-01-16', to: '2024-03-05', tz: 'Asia/Kolkata' }, // a half-hour offset
    { from: '2024-01-09', to: '2024-02-20', tz: 'America/New_York' },
  ];
  for (const c of cases) {
    it(`${c.from}..${c.to} ${c.tz}: classes, counts, weeks and per-member figures`, async () => {
      const q = `from=${c.from}&to=${c.to}&tz=${encodeURIComponent(c.tz)}`;
      const [summary, membersRes, direct] = await Promise.all([
        manager.get(`/api/communities/${communityId}/engagement?${q}`),
        manager.get(`/api/communities/${communityId}/engagement/members?${q}`),
        directReport(c.from, c.to, c.tz),
      ]);
      expect(summary.statusCode, summary.body).toBe(200);
      expect(membersRes.statusCode, membersRes.body).toBe(200);
      const s = summary.json();
      const days = s.range.days as number;
      const classOf = (r: { posts: number; viewed: boolean }) =>
        r.posts > 0 ? (7 * r.posts >= 3 * days ? 'core' : 'contributor') : r.viewed ? 'reader' : 'inactive';
      const count = (cls: string) => direct.filter((r) => classOf(r) === cls).length;
      expect(s).toMatchObject({
        members: direct.length,
        posters: count('core') + count('contributor'),
        lurkers: count('reader'),
        inactive: count('inactive'),
        core: count('core'),
        contributors: count('contributor'),
      });
      expect(s.lurkers).toBeGreaterThan(0);
      // The member table: the class, days active (bitmasks) and last seen (rollup or view rows) per member.
      const byId = new Map(membersRes.json().items.map((m: { userId: string }) => [m.userId, m]));
      for (const r of direct) {
        expect(byId.get(r.user_id), r.user_id).toMatchObject({ posts: r.posts, class: classOf(r), daysActive: r.days_active, lastSeen: r.last_seen });
      }
      // The weekly series: lurkers per week straight from topic_views.
      for (const w of s.weekly as Array<{ weekStart: string; days: number; lurkers: number; posters: number; members: number }>) {
        const weekEnd = new Date(Date.parse(w.weekStart) + 6 * DAY).toISOString().slice(0, 10);
        const lo = w.weekStart < c.from ? c.from : w.weekStart;
        const hi = weekEnd > c.to ? c.to : weekEnd;
        const weekly = await directReport(lo, hi, c.tz);
        expect(w.members).toBe(weekly.length);
        expect(w.lurkers, w.weekStart).toBe(weekly.filter((r) => r.posts === 0 && r.viewed).length);
        expect(w.posters, w.weekStart).toBe(weekly.filter((r) => r.posts > 0).length);
      }
    });
  }

  it('trajectories: each member classes in both periods as the summary of each period does', async () => {
    const q = 'from=2024-02-07&to=2024-03-05'; // 28 days; previous 2024-01-10..2024-02-06, both mid-week
    const [traj, cur, prev] = await Promise.all([
      manager.get(`/api/communities/${communityId}/engagement/trajectories?${q}`),
      manager.get(`/api/communities/${communityId}/engagement/members?${q}`),
      manager.get(`/api/communities/${communityId}/engagement/members?from=2024-01-10&to=2024-02-06`),
    ]);
    expect(traj.statusCode, traj.body).toBe(200);
    const classes = (res: typeof cur) => new Map(res.json().items.map((m: { userId: string; class: string }) => [m.userId, m.class]));
    const current = classes(cur);
    const previous = classes(prev);
    const transitions = traj.json().members as Array<{ userId: string; previousClass: string; currentClass: string }>;
    expect(transitions.length).toBeGreaterThan(10);
    for (const m of transitions) {
      expect(m.currentClass, m.userId).toBe(current.get(m.userId) ?? 'notMember');
      expect(m.previousClass, m.userId).toBe(previous.get(m.userId) ?? 'notMember');
    }
  });
});
