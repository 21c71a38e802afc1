// Topic views without a write on the read path (issue 15): opening a topic notes the view in memory; a
// flush records the batch in one statement, keeps reader counts and rollups exact, survives a failed flush,
// and a graceful shutdown records what is left.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { topicRollupsAndDirect } from '../helpers/topic-rollups.js';
import { createViewBuffer } from '../../server/features/topics/view-buffer.js';
import type { Db } from '../../server/db/client.js';

let t: TestApp;
const HOUR = 3_600_000;

beforeAll(async () => {
  t = await createTestApp({ viewFlushMs: HOUR }); // the timer never fires during a test: flushes are explicit
});
afterAll(async () => t?.close());

const viewRows = async (topicId: string) =>
  (await t.testDb.database.rows<{ n: number }>(sql`select count(*)::int as n from topic_views where topic_id = ${topicId}`))[0]!.n;
const readerCount = async (topicId: string) =>
  (await t.testDb.database.rows<{ n: number }>(sql`select reader_count as n from topics where id = ${topicId}`))[0]!.n;

async function problem(communityId: string) {
  const author = await t.as(await t.makeMember(communityId));
  return (await author.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Views', body: 'Read me' })).json() as { id: string };
}

describe('buffered topic views', () => {
  it('opening a topic writes nothing; one flush records each member once, however often they opened it', async () => {
    const c = await t.makeCommunity();
    const topic = await problem(c.id);
    const readers = await Promise.all([1, 2, 3].map(async () => t.as(await t.makeMember(c.id))));
    for (const reader of readers) for (let i = 0; i < 3; i++) expect((await reader.get(`/api/topics/${topic.id}`)).statusCode).toBe(200);
    expect(await viewRows(topic.id)).toBe(0);
    expect(t.app.services.views.pendingCount).toBe(3);
    await t.app.services.views.flush();
    expect(await viewRows(topic.id)).toBe(3);
    expect(await readerCount(topic.id)).toBe(3);
    // Remembered for the day: reopening notes nothing more.
    await readers[0]!.get(`/api/topics/${topic.id}`);
    expect(t.app.services.views.pendingCount).toBe(0);
  });

  it('readers, posters and the engagement rollups stay exact when views and posts interleave in one batch', async () => {
    const c = await t.makeCommunity();
    const topics = [await problem(c.id), await problem(c.id), await problem(c.id)];
    const members = await Promise.all(Array.from({ length: 8 }, async () => t.as(await t.makeMember(c.id))));
    // Some members post before their view is recorded (they must not count as readers), some after.
    await Promise.all(
      members.flatMap((m, i) =>
        topics.map(async (topic, j) => {
          if ((i + j) % 3 === 0) await m.post(`/api/topics/${topic.id}/posts`, { body: `Reply ${i}` });
          await m.get(`/api/topics/${topic.id}`);
          if ((i + j) % 4 === 1) await m.post(`/api/topics/${topic.id}/posts`, { body: `Later reply ${i}` });
        }),
      ),
    );
    await t.app.services.views.flush();
    const rows = await t.testDb.database.rows<{ id: string; readerCount: number; trueReaders: number }>(sql`
      select t.id, t.reader_count as "readerCount",
        (select count(distinct v.user_id)::int from topic_views v where v.topic_id = t.id
          and not exists (select 1 from posts p where p.topic_id = v.topic_id and p.author_id = v.user_id and p.status = 'published')) as "trueReaders"
      from topics t where t.community_id = ${c.id}`);
    for (const row of rows) expect(row.readerCount).toBe(row.trueReaders);
    expect(rows.some((r) => r.readerCount > 0)).toBe(true);
    const { stored, direct } = await topicRollupsAndDirect(t.app.db);
    expect(stored).toEqual(direct);
  });

  it('a view on its second day is a new row but not a new reader', async () => {
    const c = await t.makeCommunity();
    const topic = await problem(c.id);
    const member = await t.makeMember(c.id);
    const views = t.app.services.views;
    await views.record({ topicId: topic.id, communityId: c.id, userId: member.id }, new Date('2026-03-01T23:59:59Z'));
    await views.record({ topicId: topic.id, communityId: c.id, userId: member.id }, new Date('2026-03-02T00:00:01Z'));
    await views.flush();
    expect(await viewRows(topic.id)).toBe(2);
    expect(await readerCount(topic.id)).toBe(1);
  });

  it('a failed flush keeps its views for the next one', async () => {
    const c = await t.makeCommunity();
    const topic = await problem(c.id);
    const member = await t.makeMember(c.id);
    let failures = 1;
    const flaky = new Proxy(t.app.db, {
      get(target, prop, receiver) {
        if (prop === 'transaction' && failures-- > 0) return async () => Promise.reject(new Error('connection terminated'));
        return Reflect.get(target, prop, receiver);
      },
    }) as Db;
    const buffer = createViewBuffer({ db: flaky, flushMs: HOUR });
    await buffer.record({ topicId: topic.id, communityId: c.id, userId: member.id });
    await expect(buffer.flush()).rejects.toThrow(/connection terminated/);
    expect(buffer.pendingCount).toBe(1);
    await buffer.flush();
    expect(buffer.pendingCount).toBe(0);
    expect(await viewRows(topic.id)).toBe(1);
  });
});

describe('shutdown', () => {
  it('a view made just before a graceful shutdown is counted', async () => {
    const app = await createTestApp({ viewFlushMs: HOUR });
    try {
      const c = await app.makeCommunity();
      const author = await app.as(await app.makeMember(c.id));
      const topic = (await author.post(`/api/communities/${c.id}/topics`, { kind: 'problem', title: 'Last view', body: 'x' })).json();
      const reader = await app.as(await app.makeMember(c.id));
      await reader.get(`/api/topics/${topic.id}`);
      expect(app.app.services.views.pendingCount).toBe(1);
      await app.app.close(); // the database stays open: testDb is closed below
      const [row] = await app.testDb.database.rows<{ n: number; readers: number }>(
        sql`select (select count(*)::int from topic_views where topic_id = ${topic.id}) as n, (select reader_count from topics where id = ${topic.id}) as readers`,
      );
      expect(row).toEqual({ n: 1, readers: 1 });
    } finally {
      await app.testDb.close();
    }
  });
});
