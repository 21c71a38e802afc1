// Page sizes written into prepared statements (db/page-size.ts): a few sizes per statement get statements of
// their own, any other size keeps the parameter, and the pages are the same either way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extrasPerPageSize, pageLimit } from '../../server/db/page-size.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('page sizes in prepared statements', () => {
  it('writes the first few sizes of a statement into it and keeps a parameter for the rest', () => {
    const statement = `test_statement_${Math.random()}`;
    const names = [5, 6, 5, 7, 8, 9, 10, 6].map((size) => pageLimit(statement, size).name);
    expect(names).toEqual([5, 6, 5, 7, 8, 'n', 'n', 6].map((s) => `${statement}_${s}`));
    expect(pageLimit(`${statement}_b`, 0).name).toBe(`${statement}_b_n`); // not a page size
    expect(pageLimit(`${statement}_b`, 2.5).name).toBe(`${statement}_b_n`);
  });

  it("builds a statement's extras once per statement name, and passes each size as the limit parameter", () => {
    const built: unknown[] = [];
    const statementFor = extrasPerPageSize(`test_extras_${Math.random()}`, (limit) => (built.push(limit), { limit }));
    const calls = [5, 6, 5, 7, 8, 9, 10, 9].map(statementFor);
    expect(built).toHaveLength(5); // 5, 6, 7, 8 written in, one with the parameter for 9 and 10
    expect(calls.map((c) => c.params.limit)).toEqual([5, 6, 5, 7, 8, 9, 10, 9]);
    expect(calls[0]!.extras).toBe(calls[2]!.extras);
    expect(calls[5]!.extras).toBe(calls[6]!.extras);
  });

  it('serves the same posts and topic pages at every size, with its own statement or with the parameter', async () => {
    const c = await t.makeCommunity();
    const member = await t.makeMember(c.id);
    const M = await t.as(member);
    const topicIds: string[] = [];
    for (let i = 0; i < 4; i++) topicIds.push((await M.post(`/api/communities/${c.id}/topics`, { kind: 'problem', title: `Topic ${i}`, body: 'x' })).json().id);
    const topicId = topicIds[0]!;
    for (let i = 0; i < 9; i++) await M.post(`/api/topics/${topicId}/posts`, { body: `reply ${i}` });
    const all = (await M.get(`/api/topics/${topicId}/posts?limit=200`)).json().items.map((p: { id: string }) => p.id);
    const topics = (await M.get(`/api/communities/${c.id}/topics?limit=100`)).json().items.map((x: { id: string }) => x.id);
    expect(all).toHaveLength(9);
    expect(topics).toHaveLength(4);
    // More sizes than get statements of their own, so the later ones run with the parameter.
    for (const size of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
      const posts = (await M.get(`/api/topics/${topicId}/posts?limit=${size}`)).json();
      expect(posts.items.map((p: { id: string }) => p.id), `posts, ${size}`).toEqual(all.slice(0, size));
      expect(posts.nextCursor === null, `posts, ${size}`).toBe(size >= 9);
      const list = (await M.get(`/api/communities/${c.id}/topics?limit=${size}`)).json();
      expect(list.items.map((x: { id: string }) => x.id), `topics, ${size}`).toEqual(topics.slice(0, size));
    }
  });
});
