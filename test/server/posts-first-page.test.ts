// The first page of posts is read with the access check, in one statement (posts/queries.ts
// firstPostPageExtras): for every viewer it must be the page listPostPage gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Db } from '../../server/db/client.js';
import type { Actor } from '../../server/policy/policy.js';
import { requireTopicForRead } from '../../server/domain/read-access.js';
import { firstPostPageExtras, listPostPage } from '../../server/features/posts/queries.js';
import { presentPost } from '../../server/features/posts/present.js';
import { createTestApp, type TestApp, type TestUser } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('the first page of posts in one statement', () => {
  it('is the page listPostPage reads, for the author, other members and a moderator, at any page size', async () => {
    const c = await t.makeCommunity();
    const users = { author: await t.makeMember(c.id), other: await t.makeMember(c.id), moderator: await t.makeMember(c.id, ['moderator']) };
    const A = await t.as(users.author);
    const O = await t.as(users.other);
    const topic = (await A.post(`/api/communities/${c.id}/topics`, { kind: 'problem', title: 'Paged', body: 'x' })).json();
    const made: string[] = [];
    for (const [agent, body] of [[A, 'first'], [O, 'second **bold**'], [A, 'third'], [O, 'fourth'], [A, 'fifth'], [O, 'sixth']] as const) {
      made.push((await agent.post(`/api/topics/${topic.id}/posts`, { body })).json().id);
    }
    await A.patch(`/api/posts/${made[0]}`, { body: 'first, edited', version: 1 }); // editedAt, version 2
    await O.put(`/api/posts/${made[0]}/helpful`); // helpfulByMe for O only
    await O.delete(`/api/posts/${made[3]}`); // withdrawn
    await A.post(`/api/topics/${topic.id}/solution`, { postId: made[1] }); // isSolution
    await t.testDb.database.rows(sql`update posts set status = 'pending' where id = ${made[5]}`); // O's, held
    const viewers: Array<[TestUser, boolean]> = [[users.author, false], [users.other, false], [users.moderator, true]];
    for (const limit of [2, 5, 50]) {
      for (const [user, seesHidden] of viewers) {
        const agent = await t.as(user);
        const page = (await agent.get(`/api/topics/${topic.id}/posts?limit=${limit}`)).json();
        const rows = await listPostPage(t.app.db as Db, { topicId: topic.id, viewerId: user.id, seesHidden, hiddenPromptIds: [], limit: limit + 1 });
        const viewer = { userId: user.id, seesHidden };
        expect(page.items, `${user.displayName} limit ${limit}`).toEqual(rows.slice(0, limit).map((r) => presentPost(r, viewer)).filter((p) => p !== null));
        expect(page.nextCursor === null, `${user.displayName} limit ${limit}`).toBe(rows.length <= limit);
      }
    }
  });

  it('is built in the access statement only for viewers who get it: not for a moderator, an admin, a refused reader or a held topic', async () => {
    const c = await t.makeCommunity();
    const other = await t.makeCommunity();
    const member = await t.makeMember(c.id);
    const moderator = await t.makeMember(c.id, ['moderator']);
    const outsider = await t.makeMember(other.id);
    const A = await t.as(member);
    const topic = (await A.post(`/api/communities/${c.id}/topics`, { kind: 'problem', title: 'Built or not', body: 'x' })).json();
    await A.post(`/api/topics/${topic.id}/posts`, { body: 'a reply' });
    const db = t.app.db as Db;
    const firstPageFor = async (actor: Actor) => {
      const read = await requireTopicForRead(db, actor, topic.id, 'topic.read', 'first_page_guard', firstPostPageExtras(), { limit: 3 }).catch((err: Error & { status: number }) => err);
      return read instanceof Error ? `refused ${read.status}` : read.extra!.firstPage;
    };
    expect(await firstPageFor({ id: member.id, displayName: member.displayName, isAdmin: false })).toHaveLength(1);
    expect(await firstPageFor({ id: moderator.id, displayName: moderator.displayName, isAdmin: false })).toBeNull();
    expect(await firstPageFor({ id: outsider.id, displayName: outsider.displayName, isAdmin: true })).toBeNull(); // an admin, not a member
    expect(await firstPageFor({ id: outsider.id, displayName: outsider.displayName, isAdmin: false })).toMatch(/^refused 40[34]$/);
    await t.testDb.database.rows(sql`update topics set moderation_status = 'removed' where id = ${topic.id}`);
    expect(await firstPageFor({ id: member.id, displayName: member.displayName, isAdmin: false })).toBeNull();
  });
});
