// preparedSelect (server/db/prepared-select.ts) maps PostgreSQL's rows itself: every value must be what
// drizzle's own mapping gives, for each kind of field the hot read statements use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../server/db/client.js';
import { preparedSelect } from '../../server/db/prepared-select.js';
import { memberships, posts, topics, users } from '../../server/db/schema.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('preparedSelect', () => {
  it('gives the rows drizzle gives: columns, nested objects, timestamps, counts, json, nulls, left joins', async () => {
    const db = t.app.db as Db;
    const c = await t.makeCommunity();
    const member = await t.makeMember(c.id);
    const author = await t.as(member);
    const outsider = await t.makeUser(); // no membership: the left join's columns are null
    const topic = (await author.post(`/api/communities/${c.id}/topics`, { kind: 'problem', title: 'Mapped', body: 'x' })).json();
    for (const body of ['one', 'two', 'three']) await author.post(`/api/topics/${topic.id}/posts`, { body });
    const query = () =>
      db
        .select({
          topic: { id: topics.id, title: topics.title, createdAt: topics.createdAt, closedAt: topics.closedAt, postCount: topics.postCount, pinned: topics.pinned },
          post: { id: posts.id, depth: posts.depth, editedAt: posts.editedAt, status: posts.status },
          roles: memberships.roles,
          joinedAt: memberships.joinedAt,
          authorName: users.displayName,
          counted: sql<number>`(select count(*) from ${posts} p where p.topic_id = ${topics.id})`.mapWith(Number),
          asText: sql<string>`(select count(*) from ${posts} p where p.topic_id = ${topics.id})`,
          json: sql<unknown>`json_build_object('a', 1, 'b', array[1, 2], 'c', null)`,
          at: sql<string>`${posts.createdAt}`,
        })
        .from(posts)
        .innerJoin(topics, eq(topics.id, posts.topicId))
        .innerJoin(users, eq(users.id, posts.authorId))
        .leftJoin(memberships, sql`${memberships.communityId} = ${topics.communityId} and ${memberships.userId} = ${sql.placeholder('who')}`)
        .where(eq(posts.topicId, sql.placeholder('topicId')))
        .orderBy(posts.createdAt, posts.id);
    const fast = preparedSelect<Awaited<ReturnType<ReturnType<typeof query>['execute']>>[number]>(db, query(), 'prepared_select_test');
    for (const who of [member.id, outsider.id]) {
      const expected = await query().prepare('prepared_select_test_drizzle').execute({ topicId: topic.id, who });
      const got = await fast.execute({ topicId: topic.id, who });
      expect(got).toEqual(expected);
      expect(got.length).toBe(3);
      expect(got[0]!.topic.createdAt).toBeInstanceOf(Date);
      expect(typeof got[0]!.counted).toBe('number');
      // Twice: the named statement is reused.
      expect(await fast.execute({ topicId: topic.id, who })).toEqual(expected);
    }
    // On PostgreSQL the rows do not go through drizzle's mapping (on PGlite preparedSelect is drizzle's own).
    if (t.testDb.url) expect(fast.constructor.name).toBe('Object');
  });

  it('reports a failing statement as drizzle does', async () => {
    const db = t.app.db as Db;
    const fast = preparedSelect(db, db.select({ x: sql<number>`1 / ${sql.placeholder('zero')}::int` }).from(users).limit(1), 'prepared_select_fails');
    await expect(fast.execute({ zero: 0 })).rejects.toThrow(/division by zero|Failed query/);
  });
});
