import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createTestApp, type Agent, type TestApp, type TestUser } from '../helpers/app.js';
import { naughtyStrings, UNSAFE_HTML, xssPayloads } from '../helpers/corpora.js';
import { untilBlockedOnLock } from '../helpers/locks.js';
import { LIMITS } from '../../shared/limits.js';

let t: TestApp;
let communityId: string;
let fiona: TestUser, mo: TestUser, priya: TestUser, tomas: TestUser, outsider: TestUser;
let F: Agent, M: Agent, P: Agent, T: Agent, N: Agent;
let topic: { id: string; prompts: Array<{ id: string }> };

beforeAll(async () => {
  t = await createTestApp();
  communityId = (await t.makeCommunity()).id;
  fiona = await t.makeMember(communityId, ['facilitator'], { displayName: 'Fiona' });
  mo = await t.makeMember(communityId, ['moderator'], { displayName: 'Mo' });
  priya = await t.makeMember(communityId, [], { displayName: 'Priya' });
  tomas = await t.makeMember(communityId, [], { displayName: 'Tomas' });
  outsider = await t.makeUser();
  [F, M, P, T, N] = (await Promise.all([fiona, mo, priya, tomas, outsider].map((u) => t.as(u)))) as [Agent, Agent, Agent, Agent, Agent];
  topic = await newTopic();
});
afterAll(async () => t?.close());

async function newTopic() {
  const res = await F.post(`/api/communities/${communityId}/topics`, {
    kind: 'cpd',
    title: 'Reflection on reflection',
    article: 'Reflect.',
    prompts: [{ body: 'First prompt' }, { body: 'Second prompt' }],
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function reply(agent: Agent, body: Record<string, unknown>, topicId = topic.id) {
  const res = await agent.post(`/api/topics/${topicId}/posts`, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const rows = <T>(query: ReturnType<typeof sql>) => t.testDb.database.rows<T>(query);

describe('posting replies', () => {
  it('replies to the topic, a prompt and a post; a reply to a reply inherits the prompt; stores markdown and HTML', async () => {
    const top = await reply(P, { body: 'Hello **all**' });
    expect(top).toMatchObject({ parentId: null, promptId: null, depth: 0, status: 'published', version: 1, helpfulCount: 0, helpfulByMe: false });
    expect(top.author).toEqual({ id: priya.id, displayName: 'Priya', handle: 'priya' });
    expect(top.bodyHtml).toBe('<p>Hello <strong>all</strong></p>');
    expect(top.bodyMd).toBe('Hello **all**');
    const onPrompt = await reply(P, { body: 'On the prompt', promptId: topic.prompts[0]!.id });
    const answer = await reply(T, { body: 'Answer', parentId: onPrompt.id });
    expect(answer).toMatchObject({ parentId: onPrompt.id, promptId: topic.prompts[0]!.id, depth: 1 });
    const stored = await rows<{ body_md: string; body_html: string }>(sql`select body_md, body_html from posts where id = ${top.id}`);
    expect(stored[0]).toEqual({ body_md: 'Hello **all**', body_html: '<p>Hello <strong>all</strong></p>' });
    const revisions = await rows<{ version: number }>(sql`select version from post_revisions where post_id = ${top.id}`);
    expect(revisions).toEqual([{ version: 1 }]);
    // Only the author gets the markdown source.
    const seenByTomas = (await T.get(`/api/topics/${topic.id}/posts`)).json().items.find((p: { id: string }) => p.id === top.id);
    expect(seenByTomas.bodyMd).toBeNull();
    expect(seenByTomas.bodyHtml).toBe(top.bodyHtml);
  });

  it('caps reply depth: beyond replyDepthMax a reply attaches to the deepest allowed ancestor', async () => {
    let parent = await reply(P, { body: 'depth 0' });
    for (let d = 1; d <= LIMITS.replyDepthMax; d++) {
      parent = await reply(d % 2 ? T : P, { body: `depth ${d}`, parentId: parent.id });
      expect(parent.depth).toBe(d);
    }
    const deeper = await reply(T, { body: 'too deep', parentId: parent.id });
    expect(deeper.depth).toBe(LIMITS.replyDepthMax);
    expect(deeper.parentId).toBe(parent.parentId);
  });

  it('refuses bad input with a clear code and field, and writes nothing', async () => {
    const other = await newTopic();
    const otherPost = await reply(P, { body: 'elsewhere' }, other.id);
    const before = (await rows<{ n: number }>(sql`select count(*)::int as n from posts`))[0]!.n;
    const cases: Array<[unknown, number, string, string]> = [
      [{ body: '' }, 400, 'validation_failed', 'body'],
      [{ body: '   \n\t ' }, 400, 'empty_text', 'body'],
      [{ body: 'x'.repeat(LIMITS.postBodyMax + 1) }, 400, 'validation_failed', 'body'],
      [{}, 400, 'validation_failed', 'body'],
      [{ body: 42 }, 400, 'validation_failed', 'body'],
      [{ body: 'ok', parentId: 'not-a-uuid' }, 400, 'validation_failed', 'parentId'],
      [{ body: 'ok', parentId: '00000000-0000-4000-8000-000000000000' }, 400, 'unknown_parent', 'parentId'],
      [{ body: 'ok', parentId: otherPost.id }, 400, 'unknown_parent', 'parentId'],
      [{ body: 'ok', promptId: other.prompts[0].id }, 400, 'unknown_prompt', 'promptId'],
      [{ body: 'ok', authorId: fiona.id }, 400, 'validation_failed', 'authorId'],
      [{ body: 'nul \u0000 byte' }, 400, 'invalid_characters', 'body'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await P.post(`/api/topics/${topic.id}/posts`, body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 60)).toBe(status);
      expect(res.json()).toMatchObject({ code, field });
    }
    const onPrompt = await reply(P, { body: 'p1', promptId: topic.prompts[0]!.id });
    const mismatch = await P.post(`/api/topics/${topic.id}/posts`, { body: 'x', parentId: onPrompt.id, promptId: topic.prompts[1]!.id });
    expect(mismatch.json()).toMatchObject({ code: 'prompt_mismatch', field: 'promptId' });
    const after = (await rows<{ n: number }>(sql`select count(*)::int as n from posts`))[0]!.n;
    expect(after).toBe(before + 1);
    const huge = await P.post(`/api/topics/${topic.id}/posts`, { body: 'x'.repeat(300 * 1024) });
    expect(huge.statusCode).toBe(413);
  });

  it('refuses non-members (404), anonymous (401) and unknown topics (404)', async () => {
    expect((await N.post(`/api/topics/${topic.id}/posts`, { body: 'hi' })).statusCode).toBe(404);
    expect((await N.get(`/api/topics/${topic.id}/posts`)).statusCode).toBe(404);
    expect((await t.anonymous.get(`/api/topics/${topic.id}/posts`)).statusCode).toBe(401);
    expect((await P.post(`/api/topics/00000000-0000-4000-8000-000000000000/posts`, { body: 'hi' })).statusCode).toBe(404);
    expect((await P.get(`/api/topics/not-a-uuid/posts`)).json()).toMatchObject({ code: 'validation_failed' });
  });
});

describe('a topic closed while a reply is being written', () => {
  it('refuses the reply once the close commits (PostgreSQL: two sessions)', async ({ skip }) => {
    const url = t.testDb.url;
    if (!url) {
      console.log('[posts.test] close race skipped: PGlite has one session; set TEST_DATABASE_URL to run it on PostgreSQL.');
      return skip();
    }
    const closing = await newTopic();
    const facilitator = new pg.Client({ connectionString: url });
    await facilitator.connect();
    try {
      // The close is written but not committed when the reply arrives: the reply must wait for it and then
      // see the topic closed, not slip a post into it.
      await facilitator.query('begin');
      await facilitator.query('update topics set closed_at = now() where id = $1', [closing.id]);
      let answered = false;
      const pending = P.post(`/api/topics/${closing.id}/posts`, { body: 'Just in time?' }).then((res) => ((answered = true), res));
      await untilBlockedOnLock(url); // the reply's transaction is queued behind the close
      expect(answered, 'the reply waits for the close').toBe(false);
      await facilitator.query('commit');
      const res = await pending;
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().code).toBe('topic_closed');
      expect(await rows(sql`select id from posts where topic_id = ${closing.id}`)).toEqual([]);
    } finally {
      await facilitator.end();
    }
  });
});

describe('idempotent posting', () => {
  it('returns the first 201 for a retried key, and 422 for the same key with another body', async () => {
    const key = `submit-${Date.now()}`;
    const first = await P.post(`/api/topics/${topic.id}/posts`, { body: 'Only once' }, { 'idempotency-key': key });
    const again = await P.post(`/api/topics/${topic.id}/posts`, { body: 'Only once' }, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json().id).toBe(first.json().id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const other = await P.post(`/api/topics/${topic.id}/posts`, { body: 'Something else' }, { 'idempotency-key': key });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_key_reused');
    const count = await rows<{ n: number }>(sql`select count(*)::int as n from posts where body_md = 'Only once'`);
    expect(count[0]!.n).toBe(1);
    // Keys belong to one user: Tomas may use the same key for his own post.
    const tomas = await T.post(`/api/topics/${topic.id}/posts`, { body: 'Only once' }, { 'idempotency-key': key });
    expect(tomas.statusCode).toBe(201);
    expect(tomas.json().id).not.toBe(first.json().id);
    expect((await P.post(`/api/topics/${topic.id}/posts`, { body: 'x' }, { 'idempotency-key': 'has space' })).json()).toMatchObject({ code: 'validation_failed' });
  });

  it('creates exactly one post for concurrent identical submits', async () => {
    const key = `concurrent-${Date.now()}`;
    const results = await Promise.all(
      Array.from({ length: 8 }, () => P.post(`/api/topics/${topic.id}/posts`, { body: 'Flaky network' }, { 'idempotency-key': key })),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    const count = await rows<{ n: number }>(sql`select count(*)::int as n from posts where body_md = 'Flaky network'`);
    expect(count[0]!.n).toBe(1);
  });

  it('replays an accepted submit even when the topic closed since; a new key is refused', async () => {
    const closing = await newTopic();
    const key = `before-close-${Date.now()}`;
    const first = await P.post(`/api/topics/${closing.id}/posts`, { body: 'Posted in time' }, { 'idempotency-key': key });
    expect(first.statusCode, first.body).toBe(201);
    await F.patch(`/api/topics/${closing.id}`, { closed: true });
    const retry = await P.post(`/api/topics/${closing.id}/posts`, { body: 'Posted in time' }, { 'idempotency-key': key });
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    const fresh = await P.post(`/api/topics/${closing.id}/posts`, { body: 'Posted in time' }, { 'idempotency-key': `${key}-2` });
    expect(fresh.statusCode).toBe(409);
    expect(await rows(sql`select id from posts where topic_id = ${closing.id}`)).toHaveLength(1);
  });

  it('does not keep a key when the request failed, so a retry is evaluated afresh', async () => {
    const closed = await newTopic();
    await F.patch(`/api/topics/${closed.id}`, { closed: true });
    const key = `failed-${Date.now()}`;
    expect((await P.post(`/api/topics/${closed.id}/posts`, { body: 'x' }, { 'idempotency-key': key })).statusCode).toBe(409);
    await F.patch(`/api/topics/${closed.id}`, { closed: false });
    expect((await P.post(`/api/topics/${closed.id}/posts`, { body: 'x' }, { 'idempotency-key': key })).statusCode).toBe(201);
  });
});

describe('editing and withdrawing', () => {
  it('edits with optimistic concurrency, keeps every revision, and shows revisions to author and moderators only', async () => {
    const post = await reply(P, { body: 'First draft' });
    const v2 = await P.patch(`/api/posts/${post.id}`, { body: 'Second _draft_', version: 1 });
    expect(v2.statusCode, v2.body).toBe(200);
    expect(v2.json()).toMatchObject({ version: 2, bodyHtml: '<p>Second <em>draft</em></p>' });
    expect(v2.json().editedAt).not.toBeNull();
    const stale = await P.patch(`/api/posts/${post.id}`, { body: 'Stale', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
    expect((await P.patch(`/api/posts/${post.id}`, { body: 'Third', version: 2 })).json().version).toBe(3);

    const revs = await P.get(`/api/posts/${post.id}/revisions`);
    expect(revs.statusCode).toBe(200);
    expect(revs.json().items.map((r: { version: number; bodyMd: string }) => [r.version, r.bodyMd])).toEqual([
      [1, 'First draft'],
      [2, 'Second _draft_'],
      [3, 'Third'],
    ]);
    expect((await M.get(`/api/posts/${post.id}/revisions`)).statusCode).toBe(200);
    expect((await T.get(`/api/posts/${post.id}/revisions`)).statusCode).toBe(403);
    expect((await F.get(`/api/posts/${post.id}/revisions`)).statusCode).toBe(403);
    expect((await N.get(`/api/posts/${post.id}/revisions`)).statusCode).toBe(404);

    expect((await T.patch(`/api/posts/${post.id}`, { body: 'hijack', version: 3 })).statusCode).toBe(403);
    expect((await M.patch(`/api/posts/${post.id}`, { body: 'mod edit', version: 3 })).statusCode).toBe(403);
    expect((await P.patch(`/api/posts/${post.id}`, { body: '', version: 3 })).json()).toMatchObject({ field: 'body' });
    expect((await P.patch(`/api/posts/${post.id}`, { body: 'x' })).json()).toMatchObject({ field: 'version' });
    expect((await P.patch(`/api/posts/${post.id}`, { body: 'x', version: '3' })).json()).toMatchObject({ field: 'version' });
  });

  it('withdraws my post: others see it withdrawn without content, moderators still see the content', async () => {
    const post = await reply(P, { body: 'I regret this' });
    const before = (await rows<{ post_count: number }>(sql`select post_count from topics where id = ${topic.id}`))[0]!.post_count;
    expect((await T.delete(`/api/posts/${post.id}`)).statusCode).toBe(403);
    const res = await P.delete(`/api/posts/${post.id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('withdrawn');
    expect((await P.delete(`/api/posts/${post.id}`)).statusCode).toBe(200); // repeating is harmless
    const after = (await rows<{ post_count: number }>(sql`select post_count from topics where id = ${topic.id}`))[0]!.post_count;
    expect(after).toBe(before - 1);
    const find = async (agent: Agent) => {
      const items = [];
      let cursor: string | null = null;
      do {
        const page: { items: Array<{ id: string; bodyHtml: string | null }>; nextCursor: string | null } = (await agent.get(`/api/topics/${topic.id}/posts?limit=200${cursor ? `&cursor=${cursor}` : ''}`)).json();
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return items.find((p: { id: string }) => p.id === post.id);
    };
    expect(await find(T)).toMatchObject({ status: 'withdrawn', bodyHtml: null });
    expect(await find(M)).toMatchObject({ status: 'withdrawn', bodyHtml: '<p>I regret this</p>' });
    const stored = await rows<{ body_md: string }>(sql`select body_md from posts where id = ${post.id}`);
    expect(stored[0]!.body_md).toBe('I regret this');
    expect((await P.patch(`/api/posts/${post.id}`, { body: 'again', version: 1 })).json().code).toBe('post_not_editable');
    expect((await T.put(`/api/posts/${post.id}/helpful`)).json().code).toBe('post_not_published');
  });
});

describe('helpful marks', () => {
  it('toggles one mark per member, keeps the count, refuses own posts', async () => {
    const post = await reply(P, { body: 'Useful idea' });
    const on = await T.put(`/api/posts/${post.id}/helpful`);
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toEqual({ postId: post.id, helpfulCount: 1, helpfulByMe: true });
    expect((await T.put(`/api/posts/${post.id}/helpful`)).json().helpfulCount).toBe(1);
    expect((await F.put(`/api/posts/${post.id}/helpful`)).json().helpfulCount).toBe(2);
    const items = (await T.get(`/api/topics/${topic.id}/posts?limit=200`)).json().items;
    expect(items.find((p: { id: string }) => p.id === post.id)).toMatchObject({ helpfulCount: 2, helpfulByMe: true });
    expect((await T.delete(`/api/posts/${post.id}/helpful`)).json()).toEqual({ postId: post.id, helpfulCount: 1, helpfulByMe: false });
    expect((await T.delete(`/api/posts/${post.id}/helpful`)).json().helpfulCount).toBe(1);
    const own = await P.put(`/api/posts/${post.id}/helpful`);
    expect(own.statusCode).toBe(403);
    expect((await N.put(`/api/posts/${post.id}/helpful`)).statusCode).toBe(404);
    expect((await P.put(`/api/posts/00000000-0000-4000-8000-000000000000/helpful`)).statusCode).toBe(404);
    const marks = await rows<{ n: number }>(sql`select count(*)::int as n from helpful_marks where post_id = ${post.id}`);
    expect(marks[0]!.n).toBe(1);
  });
});

describe('paging a long topic', () => {
  it('pages by (created_at, id) without gaps or repeats, limit capped at 200', async () => {
    const long = await newTopic();
    // Many posts in one statement, several sharing a timestamp, to test the keyset tie-break.
    await t.testDb.database.rows(sql`
      insert into posts (community_id, topic_id, author_id, body_md, body_html, created_at)
      select ${communityId}, ${long.id}, ${priya.id}, 'bulk ' || g, '<p>bulk ' || g || '</p>', now() - interval '1 hour' + (g / 3) * interval '1 ms'
      from generate_series(1, 450) g`);
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await T.get(`/api/topics/${long.id}/posts?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      ids.push(...res.json().items.map((p: { id: string }) => p.id));
      cursor = res.json().nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(ids).toHaveLength(450);
    expect(new Set(ids).size).toBe(450);
    const first = (await T.get(`/api/topics/${long.id}/posts`)).json();
    expect(first.items).toHaveLength(LIMITS.pageSizeDefault);
    expect((await T.get(`/api/topics/${long.id}/posts?limit=201`)).json()).toMatchObject({ code: 'validation_failed', field: 'limit' });
    expect((await T.get(`/api/topics/${long.id}/posts?cursor=garbage`)).json()).toMatchObject({ code: 'invalid_cursor' });
  });

  it('shows pending posts only to their author and moderators', async () => {
    const held = await reply(P, { body: 'Awaiting approval' });
    await t.testDb.database.rows(sql`update posts set status = 'pending' where id = ${held.id}`);
    const ids = async (agent: Agent) => {
      const out: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: Array<{ id: string; bodyHtml: string | null }>; nextCursor: string | null } = (await agent.get(`/api/topics/${topic.id}/posts?limit=200${cursor ? `&cursor=${cursor}` : ''}`)).json();
        out.push(...page.items.map((p: { id: string }) => p.id));
        cursor = page.nextCursor;
      } while (cursor);
      return out;
    };
    expect(await ids(T)).not.toContain(held.id);
    expect(await ids(P)).toContain(held.id);
    expect(await ids(M)).toContain(held.id);
    expect((await T.put(`/api/posts/${held.id}/helpful`)).statusCode).toBe(404);
  });
});

describe('events', () => {
  it('records post events with the API shape as the author and moderators see it (the live filter redacts per subscriber)', async () => {
    const post = await reply(P, { body: 'Evented' });
    await P.patch(`/api/posts/${post.id}`, { body: 'Evented, edited', version: 1 });
    await T.put(`/api/posts/${post.id}/helpful`);
    await P.delete(`/api/posts/${post.id}`);
    const events = await rows<{ name: string; data: Record<string, unknown> }>(
      sql`select name, data from events where data->>'id' = ${post.id} or data->>'postId' = ${post.id} order by id`,
    );
    expect(events.map((e) => e.name)).toEqual(['post.created', 'post.updated', 'post.helpful', 'post.withdrawn']);
    expect(events[0]!.data).toMatchObject({ id: post.id, bodyHtml: '<p>Evented</p>', bodyMd: null, helpfulByMe: false });
    expect(events[2]!.data).toEqual({ postId: post.id, topicId: topic.id, helpfulCount: 1 });
    expect(events[3]!.data).toMatchObject({ status: 'withdrawn', bodyHtml: '<p>Evented, edited</p>', removedByModerator: false });
  });
});

describe('hostile content through the API', () => {
  it('stores and serves safe HTML for every DOMPurify payload', async () => {
    const topicForXss = await newTopic();
    let accepted = 0;
    for (const { title, payload } of xssPayloads()) {
      const res = await P.post(`/api/topics/${topicForXss.id}/posts`, { body: payload.slice(0, LIMITS.postBodyMax) });
      if (res.statusCode === 400) {
        // Only an all-whitespace payload is refused, as an empty post.
        expect(res.json().code, title).toBe('empty_text');
        expect(payload.trim()).toBe('');
        continue;
      }
      expect(res.statusCode, title).toBe(201);
      accepted++;
      for (const pattern of UNSAFE_HTML) expect(res.json().bodyHtml, title).not.toMatch(pattern);
    }
    const payloads = { length: accepted };
    const stored = await rows<{ body_html: string }>(sql`select body_html from posts where topic_id = ${topicForXss.id}`);
    expect(stored).toHaveLength(payloads.length);
    for (const { body_html } of stored) for (const pattern of UNSAFE_HTML) expect(body_html).not.toMatch(pattern);
    let cursor: string | null = null;
    let served = 0;
    do {
      const page: { items: Array<{ id: string; bodyHtml: string | null }>; nextCursor: string | null } = (await T.get(`/api/topics/${topicForXss.id}/posts?limit=200${cursor ? `&cursor=${cursor}` : ''}`)).json();
      for (const p of page.items) for (const pattern of UNSAFE_HTML) expect(p.bodyHtml).not.toMatch(pattern);
      served += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    expect(served).toBe(payloads.length);
  }, 120_000);

  it('accepts or cleanly refuses every naughty string as a post body, never 5xx', async () => {
    const naughty = await newTopic();
    let accepted = 0;
    for (const s of naughtyStrings()) {
      const res = await P.post(`/api/topics/${naughty.id}/posts`, { body: s });
      expect(res.statusCode, JSON.stringify(s)).toBeLessThan(500);
      if (res.statusCode === 201) {
        accepted++;
        expect(res.json().bodyMd).toBe(s);
        for (const pattern of UNSAFE_HTML) expect(res.json().bodyHtml).not.toMatch(pattern);
      } else {
        expect(res.statusCode).toBe(400);
        expect(res.json().field).toBe('body');
      }
    }
    expect(accepted).toBeGreaterThan(400);
  }, 180_000);
});
