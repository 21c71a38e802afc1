// A member's first topic-list page is read with the community's access check, in one statement
// (topics/queries.ts firstListPageExtras): for every viewer it must be the page listTopics gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Db } from '../../server/db/client.js';
import type { Actor } from '../../server/policy/policy.js';
import { requireCommunityForRead } from '../../server/domain/read-access.js';
import { firstListPageExtras, listTopics } from '../../server/features/topics/queries.js';
import { presentTopicSummary } from '../../server/features/topics/present.js';
import { createTestApp, type TestApp, type TestUser } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe("a member's first topic-list page in one statement", () => {
  it('is the page listTopics reads, for members, a facilitator, a moderator and admins, at any page size', async () => {
    const c = await t.makeCommunity();
    const admin = await t.makeUser({ isAdmin: true });
    const users = {
      fay: await t.makeMember(c.id, ['facilitator']),
      ana: await t.makeMember(c.id),
      ben: await t.makeMember(c.id),
      mo: await t.makeMember(c.id, ['moderator']),
    };
    const F = await t.as(users.fay);
    const A = await t.as(users.ana);
    const B = await t.as(users.ben);
    const later = new Date(Date.now() + 86_400_000).toISOString();
    const made: string[] = [];
    const cpd = (title: string, extra: Record<string, unknown> = {}) =>
      F.post(`/api/communities/${c.id}/topics`, { kind: 'cpd', title, article: 'Read this.', prompts: [{ body: 'What do you notice?' }], ...extra });
    for (const title of ['First', 'Second', 'Third']) made.push((await cpd(title)).json().id);
    made.push((await cpd('Upcoming', { opensAt: later })).json().id); // only its facilitators see it
    made.push((await A.post(`/api/communities/${c.id}/topics`, { kind: 'problem', title: 'Held problem', body: 'x' })).json().id);
    made.push((await B.post(`/api/communities/${c.id}/topics`, { kind: 'problem', title: 'Quiet group', body: 'Ideas?' })).json().id);
    await t.testDb.database.rows(sql`update topics set moderation_status = 'pending' where id = ${made[4]}`); // Ana's, held
    const replies: string[] = [];
    for (const [agent, topic, body] of [[A, made[0], 'one'], [B, made[0], 'two'], [B, made[1], 'three'], [A, made[5], 'four'], [B, made[0], 'five']] as const) {
      const res = await agent.post(`/api/topics/${topic}/posts`, { body });
      expect(res.statusCode).toBe(201);
      replies.push(res.json().id);
    }
    // Ana read up to Ben's first reply: one unread after it; other topics she never opened.
    expect((await A.post(`/api/topics/${made[0]}/read`, { postId: replies[1] })).statusCode).toBe(200);
    const viewers: Array<[TestUser, { seesHidden: boolean; seesAll: boolean; isAdmin: boolean }]> = [
      [users.ana, { seesHidden: false, seesAll: false, isAdmin: false }],
      [users.ben, { seesHidden: false, seesAll: false, isAdmin: false }],
      [users.fay, { seesHidden: false, seesAll: false, isAdmin: false }],
      [users.mo, { seesHidden: true, seesAll: true, isAdmin: false }],
      [admin, { seesHidden: true, seesAll: true, isAdmin: true }],
    ];
    for (const limit of [1, 3, 50]) {
      for (const [user, role] of viewers) {
        const served = await (await t.as(user)).get(`/api/communities/${c.id}/topics?limit=${limit}`);
        expect(served.statusCode, served.body).toBe(200);
        const rows = await listTopics(t.app.db as Db, {
          communityId: c.id,
          viewer: { userId: user.id, seesAllReplies: role.seesAll },
          isAdmin: role.isAdmin,
          seesHidden: role.seesHidden,
          limit: limit + 1,
        });
        const now = new Date();
        const expected = rows.slice(0, limit).map((r) => presentTopicSummary(r, { now }));
        expect(served.json().items, `${user.displayName}, limit ${limit}`).toEqual(JSON.parse(JSON.stringify(expected)));
        expect(served.json().nextCursor === null, `${user.displayName}, limit ${limit}`).toBe(rows.length <= limit);
      }
    }
    const ana = (await A.get(`/api/communities/${c.id}/topics`)).json().items;
    expect(ana.find((i: { id: string }) => i.id === made[0]).unreadCount).toBe(1);
    expect(ana.find((i: { id: string }) => i.id === made[1]).unreadCount).toBe(1);
    // The page differs between viewers: the facilitator sees the upcoming topic, Ana her held one, Ben neither.
    const titles = async (user: TestUser) => (await (await t.as(user)).get(`/api/communities/${c.id}/topics`)).json().items.map((i: { title: string }) => i.title);
    expect(await titles(users.fay)).toContain('Upcoming');
    expect(await titles(users.ana)).toContain('Held problem');
    expect(await titles(users.ben)).not.toContain('Upcoming');
    expect(await titles(users.ben)).not.toContain('Held problem');
  });

  it('is built in the access statement only for members who are not moderators', async () => {
    const c = await t.makeCommunity();
    const other = await t.makeCommunity();
    const member = await t.makeMember(c.id);
    const moderator = await t.makeMember(c.id, ['moderator']);
    const outsider = await t.makeMember(other.id);
    await (await t.as(member)).post(`/api/communities/${c.id}/topics`, { kind: 'problem', title: 'Built or not', body: 'x' });
    const db = t.app.db as Db;
    const firstPageFor = async (actor: Actor) => {
      const statement = { name: 'first_list_guard', extras: firstListPageExtras(sql.placeholder('limit')), params: { limit: 3 } };
      const read = await requireCommunityForRead(db, actor, c.id, 'topics.list', statement).catch((err: Error & { status: number }) => err);
      return read instanceof Error ? `refused ${read.status}` : read.extra!.firstPage;
    };
    expect(await firstPageFor({ id: member.id, displayName: member.displayName, isAdmin: false })).toHaveLength(1);
    expect(await firstPageFor({ id: moderator.id, displayName: moderator.displayName, isAdmin: false })).toBeNull();
    expect(await firstPageFor({ id: outsider.id, displayName: outsider.displayName, isAdmin: true })).toBeNull(); // an admin, not a member
  });
});
