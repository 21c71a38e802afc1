// The first page of posts is read with the access check, in one statement (posts/queries.ts
// firstPostPageExtras), and presented from per-process shared copies (posts/shared-copies.ts): for every
// viewer, and after every kind of change to a post, it must be the page listPostPage gives.
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

  it('follows every change to a post once its shared copy was made: edits, marks, statuses, the solution, a renamed author', async () => {
    const c = await t.makeCommunity();
    const users = {
      author: await t.makeMember(c.id),
      marker: await t.makeMember(c.id),
      reader: await t.makeMember(c.id),
      moderator: await t.makeMember(c.id, ['moderator']),
    };
    const A = await t.as(users.author);
    const K = await t.as(users.marker);
    const M = await t.as(users.moderator);
    const topic = (await A.post(`/api/communities/${c.id}/topics`, { kind: 'problem', title: 'Changing', body: 'x' })).json();
    const posts: string[] = [];
    for (const [agent, body] of [[A, 'one'], [K, 'two'], [A, 'three']] as const) posts.push((await agent.post(`/api/topics/${topic.id}/posts`, { body })).json().id);
    const db = t.app.db as Db;
    // Every viewer's page, as served (from the copies after the first read) and as listPostPage reads it now.
    const pagesMatch = async (step: string) => {
      for (const user of [users.author, users.marker, users.reader]) {
        for (const path of [`/api/topics/${topic.id}/posts?limit=50`, `/api/topics/${topic.id}/posts?limit=2`]) {
          const served = (await (await t.as(user)).get(path)).json();
          const limit = Number(path.split('limit=')[1]);
          const rows = await listPostPage(db, { topicId: topic.id, viewerId: user.id, seesHidden: false, hiddenPromptIds: [], limit: limit + 1 });
          const viewer = { userId: user.id, seesHidden: false };
          expect(served.items, `${step}: ${user.displayName}, limit ${limit}`).toEqual(rows.slice(0, limit).map((r) => presentPost(r, viewer)).filter((p) => p !== null));
        }
      }
    };
    await pagesMatch('first read');
    await pagesMatch('second read, from the copies');
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['an edit', () => A.patch(`/api/posts/${posts[0]}`, { body: 'one, edited', version: 1 })],
      ['a helpful mark', () => K.put(`/api/posts/${posts[0]}/helpful`)],
      ['the solution', () => A.post(`/api/topics/${topic.id}/solution`, { postId: posts[1] })],
      ['another solution', () => A.post(`/api/topics/${topic.id}/solution`, { postId: posts[2] })],
      ['a removal', () => M.post(`/api/posts/${posts[1]}/removal`, { reason: 'Off topic' })],
      ['a restore', () => M.delete(`/api/posts/${posts[1]}/removal`)],
      ['a withdrawal', () => A.delete(`/api/posts/${posts[2]}`)],
      ['a renamed author', () => A.patch('/api/me', { displayName: 'Author, renamed' })],
      ['a mark taken back', () => K.delete(`/api/posts/${posts[0]}/helpful`)],
      ['a held post', () => t.testDb.database.rows(sql`update posts set status = 'pending' where id = ${posts[1]}`)],
      ['the held post published', () => t.testDb.database.rows(sql`update posts set status = 'published' where id = ${posts[1]}`)],
    ];
    for (const [step, change] of steps) {
      const response = await change();
      if (response && typeof response === 'object' && 'statusCode' in response) expect((response as { statusCode: number }).statusCode, step).toBeLessThan(300);
      await pagesMatch(step);
    }
    const reader = (await (await t.as(users.reader)).get(`/api/topics/${topic.id}/posts`)).json();
    expect(reader.items.map((p: { author: { displayName: string } }) => p.author.displayName)).toContain('Author, renamed');
  });
});
