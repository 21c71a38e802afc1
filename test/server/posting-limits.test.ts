// Posting limits (server/domain/posting-limits.ts) with the production defaults: a burst of replies or
// topics is refused with 429 posting_too_fast and Retry-After; after the wait the next one is accepted;
// pre-moderated members wait longer; a retry of an accepted submit replays it; other members are unaffected.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { effectiveLimit } from '../../server/domain/posting-limits.js';
import { createTestApp, type Agent, type TestApp, type TestUser } from '../helpers/app.js';
import { makePosts } from '../helpers/moderation-factories.js';

const defaults = loadConfig({}).postingLimits!;
let t: TestApp;
let communityId: string;
let topicId: string;
let fiona: TestUser;
let F: Agent;
let M: Agent;

beforeAll(async () => {
  // The real defaults, not the test helper's "no limits".
  t = await createTestApp({ postingLimits: defaults });
  communityId = (await t.makeCommunity()).id;
  fiona = await t.makeMember(communityId, ['facilitator']);
  F = await t.as(fiona);
  M = await t.as(await t.makeMember(communityId, ['moderator']));
  const res = await F.post(`/api/communities/${communityId}/topics`, { kind: 'cpd', title: 'Limits', article: 'Read this.', prompts: [{ body: 'Why?' }] });
  expect(res.statusCode, res.body).toBe(201);
  topicId = res.json().id;
});
afterAll(async () => t?.close());

const member = async () => t.as(await t.makeMember(communityId));
const reply = (agent: Agent, body: string, headers?: Record<string, string>) => agent.post(`/api/topics/${topicId}/posts`, { body }, headers);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function expectRefused(res: Awaited<ReturnType<typeof reply>>, maxWait: number) {
  expect(res.statusCode, res.body).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = res.json();
  expect(problem.code).toBe('posting_too_fast');
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxWait);
  expect(problem.retryAfter).toBe(retryAfter);
  expect(problem.detail).toBe(`You are posting quickly: try again in ${retryAfter === 1 ? '1 second' : `${retryAfter} seconds`}.`);
  return retryAfter;
}

describe('posting limits (defaults)', () => {
  it('has production defaults: 1 reply per 5 s, 60 an hour; 1 topic per 15 s, 10 an hour; pre-moderated members 6× stricter', () => {
    expect(defaults.post).toEqual({ intervalSeconds: 5, perHour: 60 });
    expect(defaults.topic).toEqual({ intervalSeconds: 15, perHour: 10 });
    expect(effectiveLimit(defaults, 'post', true)).toEqual({ intervalSeconds: 30, perHour: 10 });
    expect(effectiveLimit(defaults, 'topic', true)).toEqual({ intervalSeconds: 90, perHour: 1 });
  });

  it('reads the knobs from the environment; 0 turns a limit off; nonsense stops start-up', () => {
    const c = loadConfig({ POST_INTERVAL_SECONDS: '0', POSTS_PER_HOUR: '100', TOPIC_INTERVAL_SECONDS: '60', TOPICS_PER_HOUR: '0', PREMODERATED_LIMIT_FACTOR: '2' });
    expect(c.postingLimits).toEqual({ post: { intervalSeconds: 0, perHour: 100 }, topic: { intervalSeconds: 60, perHour: 0 }, premoderatedFactor: 2 });
    for (const env of [{ POST_INTERVAL_SECONDS: '-1' }, { POSTS_PER_HOUR: 'lots' }, { TOPIC_INTERVAL_SECONDS: '3601' }, { PREMODERATED_LIMIT_FACTOR: '0' }, { MARKDOWN_TIMEOUT_MS: '5' }]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(Object.keys(env)[0]!);
    }
  });

  it('a burst of replies: the first is accepted, the rest get 429 with Retry-After; after the wait the next is accepted', async () => {
    const P = await member();
    expect((await reply(P, 'First')).statusCode).toBe(201);
    const burst = await Promise.all(Array.from({ length: 5 }, (_, i) => reply(P, `Burst ${i}`)));
    const waits = burst.map((res) => expectRefused(res, 5));
    // Nothing of the burst was written.
    const rows = await t.testDb.database.rows<{ n: number }>(sql`select count(*)::int as n from posts where author_id = ${P.user!.id}`);
    expect(rows[0]!.n).toBe(1);
    await sleep(Math.max(...waits) * 1000 + 100);
    const after = await reply(P, 'After the wait');
    expect(after.statusCode, after.body).toBe(201);
  });

  it('another member is not affected by one member posting quickly', async () => {
    const [A, B] = [await member(), await member()];
    expect((await reply(A, 'A one')).statusCode).toBe(201);
    expectRefused(await reply(A, 'A two'), 5);
    expect((await reply(B, 'B one')).statusCode).toBe(201);
  });

  it('a retry with the same Idempotency-Key returns the original post, never 429', async () => {
    const P = await member();
    const key = `limits-${Date.now()}`;
    const first = await reply(P, 'Exactly once', { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    const retries = await Promise.all([1, 2, 3].map(() => reply(P, 'Exactly once', { 'idempotency-key': key })));
    for (const res of retries) {
      expect(res.statusCode, res.body).toBe(201);
      expect(res.headers['idempotent-replayed']).toBe('true');
      expect(res.json().id).toBe(first.json().id);
    }
    // A new submit (another key) is still limited.
    expectRefused(await reply(P, 'Exactly once', { 'idempotency-key': `${key}-2` }), 5);
  });

  it('a member under pre-moderation waits longer (30 s between replies)', async () => {
    await M.request('PATCH', `/api/communities/${communityId}/settings`, { premodNewMemberPosts: 3 });
    try {
      const newbie = await member();
      const first = await reply(newbie, 'Held for review');
      expect(first.statusCode).toBe(201);
      expect(first.json().status).toBe('pending');
      const retryAfter = expectRefused(await reply(newbie, 'Again'), 30);
      expect(retryAfter).toBeGreaterThan(25);
      // A member who is not pre-moderated, in the same community at the same time, waits 5 s at most.
      const regular = await t.as(await t.makeMember(communityId, ['facilitator']));
      expect((await reply(regular, 'One')).statusCode).toBe(201);
      expectRefused(await reply(regular, 'Two'), 5);
    } finally {
      await M.request('PATCH', `/api/communities/${communityId}/settings`, { premodNewMemberPosts: 0 });
    }
  });

  it('the hourly cap: 60 replies in the last hour → 429 until the oldest is an hour old', async () => {
    const P = await member();
    // 60 replies, the oldest 50 minutes ago (the cap counts every row, whatever its status).
    const ids = await makePosts(t.app.db, 60, { communityId, topicId, authorId: P.user!.id });
    await t.testDb.database.rows(sql`update posts set created_at = now() - interval '50 minutes' where id = ${ids[0]!}`);
    await t.testDb.database.rows(sql`update posts set created_at = now() - interval '1 minute' where author_id = ${P.user!.id} and id <> ${ids[0]!}`);
    const res = await reply(P, 'Sixty-first');
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe('posting_too_fast');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(9 * 60);
    expect(retryAfter).toBeLessThanOrEqual(10 * 60 + 1);
    expect(res.json().detail).toBe('You are posting quickly: try again in 10 minutes.');
    // Once the oldest is more than an hour old, there is room for one more.
    await t.testDb.database.rows(sql`update posts set created_at = now() - interval '61 minutes' where id = ${ids[0]!}`);
    expect((await reply(P, 'Sixty-first, later')).statusCode).toBe(201);
  });

  it('topics: a second practice problem within 15 s → 429; a reply is limited separately', async () => {
    const P = await member();
    const problem = (title: string) => P.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title, body: 'What would you do?' });
    expect((await problem('One')).statusCode).toBe(201);
    const second = await problem('Two');
    expect(second.statusCode, second.body).toBe(429);
    expect(second.json().code).toBe('posting_too_fast');
    const retryAfter = Number(second.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(10);
    expect(retryAfter).toBeLessThanOrEqual(15);
    expect((await reply(P, 'A reply is its own budget')).statusCode).toBe(201);
  });
});
