// The community-wide reports in UTC (summary, members table, trajectories) keep finished weeks of the rollups in
// memory (features/engagement/activity-cache.ts). These tests hold them, on seeded random data over the last ten
// weeks up to today, to the same reports computed by SQL alone — before and after the changes that can still reach
// a finished week (a moderator removing an old post, a helpful mark on one, a late view, a membership ending, a
// renamed member) and the ordinary ones that reach only the open week — and check what migration 0021 logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { createTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { insertHelpful, insertPost, insertPrompt, insertTopic, insertView, setMembershipDates } from '../helpers/engagement-factories.js';
import { LONG_AGO, makeEngagementCommunity, selectRows } from '../helpers/engagement-community.js';
import { seeded } from '../helpers/seeded-random.js';
import { createEngagementService, type EngagementService } from '../../server/features/engagement/service.js';
import { createActivityCache, type ActivityCache } from '../../server/features/engagement/activity-cache.js';
import { createTopicCache, type TopicCache } from '../../server/features/engagement/topic-cache.js';
import { bitPositions } from '../../server/features/engagement/topic-units-read.js';
import { communityAccess, topicAccessRules } from '../../server/domain/deps.js';
import type { Actor } from '../../server/policy/policy.js';

let t: TestApp;
let communityId: string;
let actor: Actor;
let cache: ActivityCache;
let topicCache: TopicCache;
let withCache: EngagementService;
let sqlOnly: EngagementService;
const members: TestUser[] = [];
const topics: string[] = [];
const oldPosts: string[] = [];

const DAY = 86_400_000;
const TODAY = Math.floor(Date.now() / DAY) * DAY;
/** The UTC date n days before today. */
const ago = (n: number) => new Date(TODAY - n * DAY).toISOString().slice(0, 10);

const rows = <T>(query: SQL) => selectRows<T>(t.app.db, query);

beforeAll(async () => {
  t = await createTestApp();
  const db = t.app.db;
  const community = await makeEngagementCommunity(t, {
    count: 12,
    // Names out of id order, one of them with a non-ASCII letter, so that the name order is tested.
    displayName: (i) => `${i % 3 === 0 ? 'Ébe' : 'Mem'} ${String(11 - i).padStart(2, '0')}`,
    lateJoinDay: (i) => ago(50 - i),
    leaveDay: (i) => ago(30 - i),
  });
  communityId = community.communityId;
  actor = { id: community.manager.id, isAdmin: false, displayName: 'Manager' };
  members.push(...community.members);
  const random = seeded(7);
  for (let k = 0; k < 3; k++) topics.push(await insertTopic(db, { communityId, authorId: members[k]!.id, createdAt: `${ago(75 - k * 20)}T06:30:00Z` }));
  // Two prompts on each of the first two topics, answered by some of the posts (the per-topic report counts replies per prompt).
  const promptIds = [[await insertPrompt(db, topics[0]!, 1), await insertPrompt(db, topics[0]!, 2)], [await insertPrompt(db, topics[1]!, 1), await insertPrompt(db, topics[1]!, 2)]];
  const statuses = ['published', 'published', 'published', 'withdrawn', 'removed', 'pending'] as const;
  for (let n = 0; n < 150; n++) {
    const author = members[Math.floor(random() ** 2 * 7)]!;
    const daysAgo = Math.floor(random() * 70);
    const at = new Date(TODAY - daysAgo * DAY + Math.floor(random() * DAY)).toISOString();
    const status = statuses[Math.floor(random() * statuses.length)]!;
    const promptId = n % 3 < 2 && n % 4 !== 0 ? promptIds[n % 3]![n % 2]! : null;
    const postId = await insertPost(db, { communityId, topicId: topics[n % 3]!, authorId: author.id, createdAt: at, status, promptId });
    if (daysAgo > 20 && status === 'published') oldPosts.push(postId);
    if (random() < 0.3) await insertHelpful(db, postId, members[Math.floor(random() * members.length)]!.id, at);
  }
  for (let n = 0; n < 300; n++) {
    const reader = members[Math.floor(random() * members.length)]!;
    await insertView(db, { communityId, topicId: topics[n % 3]!, userId: reader.id, day: ago(Math.floor(random() * 70)) });
  }
  const deps = { db, communities: communityAccess, topics: topicAccessRules };
  cache = createActivityCache();
  topicCache = createTopicCache();
  withCache = createEngagementService({ ...deps, activityCache: cache, topicCache });
  sqlOnly = createEngagementService({ ...deps, activityCache: null });
});
afterAll(async () => t?.close());

const ranges = [
  { from: ago(69), to: ago(0) }, // ends today: open weeks at the end
  { from: ago(45), to: ago(12) }, // finished weeks only (but edges mid-week)
  { from: ago(20), to: ago(3) },
  { from: ago(0), to: ago(0) },
];

/** Every report both ways, for every range; the members table and strips whole and as a page. */
async function expectSameReports() {
  for (const range of ranges) {
    const [a, b] = await Promise.all(
      [withCache, sqlOnly].map(async (s) => ({
        summary: await s.summary(actor, communityId, { ...range, limit: 50 }),
        members: await s.members(actor, communityId, range, true),
        page: await s.members(actor, communityId, { ...range, limit: 4, offset: 2 }),
        readers: await s.members(actor, communityId, { ...range, class: 'reader' }),
        trajectories: await s.trajectories(actor, communityId, range, 'all'),
        strips: await s.trajectories(actor, communityId, { ...range, fromClass: 'contributor', limit: 3, offset: 1 }),
        topics: await s.topics(actor, communityId, range),
        topicsByReaders: await s.topics(actor, communityId, { ...range, sort: '-readersWhoDidNotPost' }),
      })),
    );
    expect(a, `${range.from}..${range.to}`).toEqual(b);
  }
}

describe('engagement reports from finished weeks kept in memory', () => {
  it('equal the SQL reports, and the second request reads finished weeks from memory', async () => {
    const summary = await withCache.summary(actor, communityId, { from: ago(69), to: ago(0) });
    expect(summary.posts).toBeGreaterThan(30); // the data is there
    expect(cache.stats().weeksRead).toBeGreaterThan(8);
    await withCache.summary(actor, communityId, { from: ago(69), to: ago(0) });
    const { cachedWeeksUsed, weeksRead } = cache.stats();
    expect(cachedWeeksUsed).toBeGreaterThan(7);
    expect(weeksRead).toBeLessThanOrEqual(2); // the open weeks only
    expect(cache.stats().membersRead).toBe(false);
    await expectSameReports();
  });

  it('follow a moderator removing and restoring an old post, and a helpful mark on one', async () => {
    const before = await withCache.summary(actor, communityId, { from: ago(69), to: ago(0) });
    const postId = oldPosts[0]!;
    await t.app.db.execute(sql`update posts set status = 'removed' where id = ${postId}`);
    const after = await withCache.summary(actor, communityId, { from: ago(69), to: ago(0) });
    expect(after.removedPosts).toBe(before.removedPosts + 1);
    expect(after.posts).toBe(before.posts - 1);
    await expectSameReports();
    await t.app.db.execute(sql`update posts set status = 'published' where id = ${postId}`);
    await insertHelpful(t.app.db, oldPosts[1]!, members[11]!.id, `${ago(1)}T10:00:00Z`);
    await expectSameReports();
  });

  it('follow a late view of an old day, a membership ending, a rename and a post today', async () => {
    await insertView(t.app.db, { communityId, topicId: topics[1]!, userId: members[10]!.id, day: ago(40) });
    await expectSameReports();
    await setMembershipDates(t.app.db, communityId, members[1]!.id, LONG_AGO, `${ago(33)}T00:00:00Z`);
    await withCache.members(actor, communityId, ranges[0]!);
    expect(cache.stats().membersRead).toBe(true);
    await expectSameReports();
    await t.app.db.execute(sql`update users set display_name = 'Aaron' where id = ${members[5]!.id}`);
    await expectSameReports();
    // Three days ago: a finished day, in the week still open from Wednesday to Sunday (kept as that week's finished days).
    await insertPost(t.app.db, { communityId, topicId: topics[1]!, authorId: members[4]!.id, createdAt: `${ago(3)}T10:00:00Z` });
    await expectSameReports();
    await insertPost(t.app.db, { communityId, topicId: topics[0]!, authorId: members[9]!.id, createdAt: new Date().toISOString() });
    await insertView(t.app.db, { communityId, topicId: topics[2]!, userId: members[8]!.id, day: ago(0) });
    await expectSameReports();
  });

  it('log changes to finished weeks, and none for today', async () => {
    const logged = async () =>
      (await rows<{ id: number; week: string }>(sql`select id, week_start::text as week from engagement_final_changes where community_id = ${communityId} order by id`));
    const start = (await logged()).length;
    await insertPost(t.app.db, { communityId, topicId: topics[0]!, authorId: members[3]!.id, createdAt: new Date().toISOString() });
    await insertView(t.app.db, { communityId, topicId: topics[0]!, userId: members[7]!.id, day: ago(0) });
    expect((await logged()).length).toBe(start);
    const p1 = await insertPost(t.app.db, { communityId, topicId: topics[0]!, authorId: members[3]!.id, createdAt: `${ago(30)}T10:00:00Z` });
    const p2 = await insertPost(t.app.db, { communityId, topicId: topics[0]!, authorId: members[3]!.id, createdAt: `${ago(44)}T10:00:00Z` });
    const afterInserts = await logged();
    await t.app.db.execute(sql`update posts set status = 'removed' where id in (${p1}, ${p2})`);
    // Each statement of the rollup's triggers that changed a member-day row of those weeks logged its week.
    const monday = (date: string) => {
      const d = Date.parse(`${date}T00:00:00Z`) / DAY;
      return new Date((d - ((d + 3) % 7)) * DAY).toISOString().slice(0, 10);
    };
    const weeks = [monday(ago(30)), monday(ago(44))].sort();
    expect([...new Set(afterInserts.slice(start).map((r) => r.week))].sort()).toEqual(weeks);
    expect([...new Set((await logged()).slice(afterInserts.length).map((r) => r.week))].sort()).toEqual(weeks);
    await expectSameReports();
  });
});

describe('the per-topic report from finished weeks and days kept in memory', () => {
  const range = { from: ago(69), to: ago(0) };
  const participantNumbers = async () =>
    new Map(
      (await rows<{ user_id: string; no: number }>(sql`select user_id, no from engagement_participants where community_id = ${communityId}`)).map((r) => [r.user_id, r.no]),
    );

  it('reads varbits as the positions of their set bits', async () => {
    const [row] = await rows<{ b: Uint8Array; e: Uint8Array }>(sql`select varbit_send(B'0100000001000000000000000000000000000001') as b, varbit_send(B'') as e`);
    expect(Array.from(bitPositions(row!.b))).toEqual([1, 9, 39]);
    expect(Array.from(bitPositions(row!.e))).toEqual([]);
    expect(Array.from(bitPositions(null))).toEqual([]);
  });

  it('equals the SQL report, and the second request reads only the days still open', async () => {
    const first = await withCache.topics(actor, communityId, range);
    expect(first.items.length).toBe(3);
    expect(first.items.some((i) => i.readersWhoDidNotPost > 0)).toBe(true);
    expect(first.items.some((i) => i.perPrompt.some((pr) => pr.replies > 0))).toBe(true);
    await withCache.topics(actor, communityId, range);
    const { cachedUnitsUsed, unitsRead } = topicCache.stats();
    expect(cachedUnitsUsed).toBeGreaterThan(8);
    expect(unitsRead).toBeGreaterThanOrEqual(1); // today
    expect(unitsRead).toBeLessThanOrEqual(2); // and yesterday, in the first hour of today
    await expectSameReports();
  });

  it('follows late views of finished days (also in the week still open), an old post moved to another topic, and a rebuild', async () => {
    // A topic nobody has read yet: each late view below adds a reader to it.
    const quiet = await insertTopic(t.app.db, { communityId, authorId: members[0]!.id, createdAt: `${ago(60)}T09:00:00Z` });
    await expectSameReports(); // every range's units kept
    const readersOf = async (from: string) =>
      (await withCache.topics(actor, communityId, { from, to: ago(0) })).items.find((i) => i.topicId === quiet)!.readersWhoDidNotPost;
    expect(await readersOf(ago(69))).toBe(0);
    for (const [k, day] of [ago(2), ago(3), ago(40)].entries()) {
      await insertView(t.app.db, { communityId, topicId: quiet, userId: members[k + 1]!.id, day });
    }
    expect(await readersOf(ago(69))).toBe(3);
    await expectSameReports();
    await t.app.db.execute(sql`update posts set topic_id = ${quiet} where id = ${oldPosts[2]!}`);
    await expectSameReports();
    const before = await participantNumbers();
    await t.app.db.execute(sql`select engagement_by_topic_rebuild()`);
    const after = await participantNumbers();
    expect([...before].some(([u, no]) => after.get(u) !== no)).toBe(true); // renumbered
    await expectSameReports();
  });

  it('a view of a finished day in the week still open logs its week; today\'s view and post log nothing', async () => {
    const count = async () => (await rows<{ n: number }>(sql`select count(*)::int as n from engagement_final_changes where community_id = ${communityId}`))[0]!.n;
    const start = await count();
    await insertView(t.app.db, { communityId, topicId: topics[1]!, userId: members[2]!.id, day: ago(0) });
    await insertPost(t.app.db, { communityId, topicId: topics[1]!, authorId: members[2]!.id, createdAt: new Date().toISOString() });
    expect(await count()).toBe(start);
    const day = ago(2);
    const viewers = new Set((await rows<{ u: string }>(sql`select user_id as u from topic_views where topic_id = ${topics[0]!} and day = ${day}::date`)).map((r) => r.u));
    const reader = members.find((m) => !viewers.has(m.id))!;
    await insertView(t.app.db, { communityId, topicId: topics[0]!, userId: reader.id, day });
    const d = Date.parse(`${day}T00:00:00Z`) / DAY;
    const monday = new Date((d - ((d + 3) % 7)) * DAY).toISOString().slice(0, 10);
    const logged = await rows<{ week: string }>(sql`select week_start::text as week from engagement_final_changes where community_id = ${communityId} order by id desc limit 1`);
    expect(logged[0]!.week).toBe(monday);
    await expectSameReports();
  });
});
