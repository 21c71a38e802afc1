// Full-text search: syntax, ranking, filters, snippets, pagination, languages, similar problems.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

type Hit = { type: string; id: string; title: string; titleHtml: string; snippetHtml: string; rank: number; author: { handle: string } };
const ids = (res: { json(): { items: Hit[] } }) => res.json().items.map((h) => h.id);

describe('search', () => {
  it('finds a post by a phrase from it, with a highlighted, escaped snippet', async () => {
    const c = await t.makeCommunity();
    const member = await t.as(await t.makeMember(c.id));
    const topic = (await member.post(`/api/communities/${c.id}/topics`, { kind: 'problem', title: 'Observation anxiety', body: 'My trainees freeze when observed.' })).json();
    const post = (await member.post(`/api/topics/${topic.id}/posts`, { body: 'Try a **peer observation** round <b>first</b>, before the tutor visits.' })).json();
    const res = await member.get(`/api/search?q=${encodeURIComponent('"peer observation"')}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    console.log(JSON.stringify(body, null, 1));
    expect(ids(res)).toEqual([post.id]);
  });
});
