// The topic page keeps a topic's article and prompts (with reply counts) per process, checked against
// the topic row's xmin inside the page's own statement (features/topics/page-query.ts). These tests
// provoke staleness: fill the cache, write (in this app and in a second app over the same database,
// i.e. another process's cache), and read again at once.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { SESSION_COOKIE } from '../../server/plugins/session.js';
import { createTopicPageCache, loadTopicPage } from '../../server/features/topics/page-query.js';
import { createTestApp, TEST_PASSWORD_COST, type Agent, type TestApp, type TestUser } from '../helpers/app.js';

let t: TestApp;
let other: FastifyInstance;
let communityId: string;
let fiona: TestUser, mo: TestUser, priya: TestUser, tomas: TestUser;
let F: Agent, M: Agent, P: Agent, T: Agent;

beforeAll(async () => {
  t = await createTestApp();
  // A second app on the same database: its own topic page cache, as another process has.
  other = await buildApp(t.config, { database: t.testDb.database, closeDatabase: false, passwordCost: TEST_PASSWORD_COST, logger: false });
  await other.ready();
  communityId = (await t.makeCommunity()).id;
  fiona = await t.makeMember(communityId, ['facilitator'], { displayName: 'Fiona' });
  mo = await t.makeMember(communityId, ['moderator'], { displayName: 'Mo' });
  priya = await t.makeMember(communityId, [], { displayName: 'Priya' });
  tomas = await t.makeMember(communityId, [], { displayName: 'Tomas' });
  [F, M, P, T] = (await Promise.all([fiona, mo, priya, tomas].map((u) => t.as(u)))) as [Agent, Agent, Agent, Agent];
});
afterAll(async () => {
  await other?.close();
  await t?.close();
});

/** The topic page as the agent's member sees it through the second app. */
async function pageInOther(agent: Agent, topicId: string) {
  const res = await other.inject({ method: 'GET', url: `/api/topics/${topicId}`, headers: { cookie: `${SESSION_COOKIE}=${agent.cookie}` } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function page(agent: Agent, topicId: string) {
  const res = await agent.get(`/api/topics/${topicId}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/**
 * The same page through both apps: each must show the latest write (liveCursor included). (readerCount aside: opening the page
 * notes a view that the view buffer may record between the two reads.)
 */
async function bothPages(agent: Agent, topicId: string) {
  // The live cursor is the newest event *position*, given by the sequencer just after commit: let it number the
  // write's event first, or the two reads could straddle it.
  await t.app.eventSequencer.settle();
  const [here, there] = [await page(agent, topicId), await pageInOther(agent, topicId)];
  expect({ ...there, readerCount: 0 }).toEqual({ ...here, readerCount: 0 });
  return here;
}

async function newTopic() {
  const res = await F.post(`/api/communities/${communityId}/topics`, {
    kind: 'cpd',
    title: 'Exit tickets',
    article: 'First version of the article.',
    prompts: [{ body: 'What did you try?' }, { body: 'What changed?' }],
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe('topic page cache', () => {
  it('reuses the shared parts while the topic row is unchanged, and reads them again after any write of it', async () => {
    const topic = await newTopic();
    const cache = createTopicPageCache();
    const viewer = { userId: priya.id, seesAllReplies: false };
    const first = (await loadTopicPage(t.app.db, topic.id, viewer, cache))!;
    const second = (await loadTopicPage(t.app.db, topic.id, viewer, cache))!;
    expect(second.shared).toBe(first.shared); // a hit: the same object, not read again
    expect(second.topic.bodyMd).toBe('First version of the article.');
    expect(await T.post(`/api/topics/${topic.id}/posts`, { body: 'A reply', promptId: topic.prompts[0].id })).toMatchObject({ statusCode: 201 });
    const third = (await loadTopicPage(t.app.db, topic.id, viewer, cache))!;
    expect(third.shared).not.toBe(first.shared);
    expect(third.shared.replyCounts.get(topic.prompts[0].id)).toBe(1);
  });

  it('shows every write at once, in this process and in another one', async () => {
    const topic = await newTopic();
    const [q1, q2] = topic.prompts.map((p: { id: string }) => p.id);
    // Fill both caches (and the readers' own bits).
    for (const agent of [P, T, M]) await bothPages(agent, topic.id);

    // A reply to a prompt: its reply count, the topic's post count; written here, read there.
    const reply = (await T.post(`/api/topics/${topic.id}/posts`, { body: 'Tried it on Monday.', promptId: q1 })).json();
    let seen = await bothPages(P, topic.id);
    expect(seen.prompts.map((p: { replyCount: number }) => p.replyCount)).toEqual([1, 0]);
    expect(seen.postCount).toBe(1);
    expect(seen.unreadCount).toBe(1);

    // The article edited through the other app: this app's copy must not survive.
    const edited = await other.inject({
      method: 'PATCH',
      url: `/api/topics/${topic.id}`,
      headers: { cookie: `${SESSION_COOKIE}=${F.cookie}`, origin: t.config.publicOrigin },
      payload: { article: 'Second version, with **more** detail.' },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    seen = await bothPages(P, topic.id);
    expect(seen.bodyHtml).toContain('Second version, with <strong>more</strong> detail.');
    expect(seen.bodyMd).toBeNull(); // the markdown source goes only to those who may edit it
    expect((await bothPages(F, topic.id)).bodyMd).toBe('Second version, with **more** detail.');

    // A prompt's wording edited, and a prompt added.
    expect((await F.patch(`/api/topics/${topic.id}/prompts/${q2}`, { body: 'What changed for your learners?' })).statusCode).toBe(200);
    expect((await F.post(`/api/topics/${topic.id}/prompts`, { body: 'What next?' })).statusCode).toBe(201);
    seen = await bothPages(P, topic.id);
    const text = (html: string) => html.replace(/<[^>]+>/g, '').trim();
    expect(seen.prompts.map((p: { bodyHtml: string }) => text(p.bodyHtml))).toEqual(['What did you try?', 'What changed for your learners?', 'What next?']);
    expect((await bothPages(F, topic.id)).prompts.map((p: { bodyMd: string }) => p.bodyMd)).toEqual(['What did you try?', 'What changed for your learners?', 'What next?']);

    // A moderator removes the reply: the counts drop everywhere; restoring brings it back.
    expect((await M.post(`/api/posts/${reply.id}/removal`, { reason: 'Off topic' })).statusCode).toBe(200);
    seen = await bothPages(P, topic.id);
    expect(seen.prompts.map((p: { replyCount: number }) => p.replyCount)).toEqual([0, 0, 0]);
    expect(seen.postCount).toBe(0);
    expect((await M.delete(`/api/posts/${reply.id}/removal`)).statusCode).toBe(200);
    expect((await bothPages(P, topic.id)).prompts[0].replyCount).toBe(1);

    // The author withdraws it.
    expect((await T.delete(`/api/posts/${reply.id}`)).statusCode).toBe(200);
    expect((await bothPages(P, topic.id)).prompts[0].replyCount).toBe(0);

    // The topic removed by a moderator: members get the placeholder at once, from a warm cache too.
    const removed = await M.post(`/api/topics/${topic.id}/removal`, { reason: 'Duplicate' });
    expect(removed.statusCode, removed.body).toBe(200);
    seen = await bothPages(P, topic.id);
    expect(seen).toMatchObject({ title: null, bodyHtml: null, bodyMd: null, prompts: [], moderationStatus: 'removed' });
    // Its moderator still reads it all.
    expect((await bothPages(M, topic.id)).bodyHtml).toContain('Second version, with <strong>more</strong> detail.');
  });

  it('keeps answer-first replies hidden per viewer although the prompts are shared', async () => {
    const res = await F.post(`/api/communities/${communityId}/topics`, {
      kind: 'cpd',
      title: 'Answer first',
      article: 'Read this.',
      prompts: [{ body: 'Your view first?', answerFirst: true }],
    });
    const topic = res.json();
    const q = topic.prompts[0].id;
    await bothPages(P, topic.id);
    await T.post(`/api/topics/${topic.id}/posts`, { body: 'Mine', promptId: q });
    const priyaSees = await bothPages(P, topic.id);
    expect(priyaSees.prompts[0]).toMatchObject({ repliesHidden: true, replyCount: 0, answeredByMe: false });
    const tomasSees = await bothPages(T, topic.id);
    expect(tomasSees.prompts[0]).toMatchObject({ repliesHidden: false, replyCount: 1, answeredByMe: true });
    expect((await bothPages(M, topic.id)).prompts[0]).toMatchObject({ repliesHidden: false, replyCount: 1 });
  });
});
