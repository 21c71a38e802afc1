// Topics are content too (issue 11, item 4): watched words and new-member pre-moderation screen a topic's
// title, a practice problem's body, a CPD article and its prompts, on creation and on edit, as they screen
// posts; members flag topics; moderators remove, restore and approve them — reversible, in the audit log,
// live on open pages, with the placeholder rules of posts (members: a placeholder and none of the
// discussion; the author and moderators: the content). Real databases (PGlite, or PostgreSQL with
// TEST_DATABASE_URL) and a real listening server for the live part.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engagementMemberDays, events, flags, moderationLog, topics } from '../../server/db/schema.js';
import { createTestApp, type Agent, type TestApp, type TestUser } from '../helpers/app.js';
import { connectLive } from '../helpers/live-client.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ liveHeartbeatMs: 300, liveSessionCheckMs: 300 });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => t?.close());

const db = () => t.app.db;
const count = async (table: string, where = 'true') =>
  (await t.testDb.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table} where ${where}`)))[0]!.n;
const logFor = (topicId: string) =>
  db()
    .select({ action: moderationLog.action, actorId: moderationLog.actorId, reason: moderationLog.reason, before: moderationLog.before, after: moderationLog.after })
    .from(moderationLog)
    .where(and(eq(moderationLog.targetType, 'topic'), eq(moderationLog.targetId, topicId)))
    .orderBy(moderationLog.id);
const eventsFor = (topicId: string) =>
  db().select({ name: events.name, data: events.data }).from(events).where(eq(events.topicId, topicId)).orderBy(events.id);
const topicRow = async (topicId: string) => (await db().select().from(topics).where(eq(topics.id, topicId)))[0]!;

interface Community {
  id: string;
  slug: string;
  moderator: Agent;
  facilitator: Agent;
  author: Agent;
  authorUser: TestUser;
  member: Agent;
  memberUser: TestUser;
}

/** A community with a moderator, a facilitator, a topic author and another member; optional watched words. */
async function community(words: Array<{ phrase: string; action: 'block' | 'hold' }> = []): Promise<Community> {
  const c = await t.makeCommunity();
  const moderator = await t.as(await t.makeMember(c.id, ['moderator']));
  const facilitator = await t.as(await t.makeMember(c.id, ['facilitator']));
  const authorUser = await t.makeMember(c.id, [], { displayName: 'Topic Author' });
  const memberUser = await t.makeMember(c.id, [], { displayName: 'Other Member' });
  if (words.length) expect((await moderator.put(`/api/communities/${c.id}/watched-words`, { words })).statusCode).toBe(200);
  return { ...c, moderator, facilitator, author: await t.as(authorUser), authorUser, member: await t.as(memberUser), memberUser };
}

const problem = (title: string, body = 'How do you give feedback on a lesson that went badly?') => ({ kind: 'problem', title, body });
const cpd = (over: Record<string, unknown> = {}) => ({ kind: 'cpd', title: 'Feedback that lands', article: 'Read this first.', prompts: [{ body: 'What do you do?' }], ...over });

async function createProblem(c: Community, title = 'Marking load', body?: string) {
  const res = await c.author.post(`/api/communities/${c.id}/topics`, problem(title, body));
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; moderationStatus: string };
}

// ---------------------------------------------------------------------------------------------------

describe('watched words on topics', () => {
  it('block: 422 watched_word_blocked naming the field, for every text of both kinds, and nothing is written', async () => {
    const c = await community([{ phrase: 'forbidden', action: 'block' }]);
    const before = { topics: await count('topics'), events: await count('events'), log: await count('moderation_log'), prompts: await count('prompts') };
    const cases: Array<[Agent, Record<string, unknown>, string]> = [
      [c.author, problem('A forbidden question'), 'title'],
      [c.author, problem('A question', 'This is FORBIDDEN here.'), 'body'], // case-insensitive, as for posts
      [c.facilitator, cpd({ title: 'Ｆｏｒｂｉｄｄｅｎ topics' }), 'title'], // full-width letters, as for posts
      [c.facilitator, cpd({ article: 'An article with a forbidden word.' }), 'article'],
      [c.facilitator, cpd({ prompts: [{ body: 'Fine' }, { body: 'Is it forbidden?' }] }), 'prompts.1.body'],
    ];
    for (const [agent, body, field] of cases) {
      const res = await agent.post(`/api/communities/${c.id}/topics`, body);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'watched_word_blocked', field, phrase: 'forbidden' });
    }
    expect({ topics: await count('topics'), events: await count('events'), log: await count('moderation_log'), prompts: await count('prompts') }).toEqual(before);
  });

  it('block on edit and on a new prompt: 422, and the topic stays as it was', async () => {
    const c = await community([{ phrase: 'forbidden', action: 'block' }]);
    const p = await createProblem(c);
    const title = await c.author.patch(`/api/topics/${p.id}`, { title: 'Now forbidden' });
    expect(title.statusCode).toBe(422);
    expect(title.json()).toMatchObject({ code: 'watched_word_blocked', field: 'title' });
    const body = await c.author.patch(`/api/topics/${p.id}`, { title: 'Fine title', body: 'A forbidden body' });
    expect(body.json()).toMatchObject({ code: 'watched_word_blocked', field: 'body' });
    expect(await topicRow(p.id)).toMatchObject({ title: 'Marking load', moderationStatus: 'published' });

    const topic = (await c.facilitator.post(`/api/communities/${c.id}/topics`, cpd())).json();
    const article = await c.facilitator.patch(`/api/topics/${topic.id}`, { article: 'forbidden' });
    expect(article.json()).toMatchObject({ code: 'watched_word_blocked', field: 'article' });
    const prompt = await c.facilitator.post(`/api/topics/${topic.id}/prompts`, { body: 'A forbidden prompt' });
    expect(prompt.statusCode).toBe(422);
    expect(prompt.json()).toMatchObject({ code: 'watched_word_blocked', field: 'body' });
    expect(await count('prompts', `topic_id = '${topic.id}'`)).toBe(1);
  });

  it('hold: the topic is created held — its author and moderators see it, others do not; it waits in the queue until approved', async () => {
    const c = await community([{ phrase: 'sensitive', action: 'hold' }]);
    const res = await c.author.post(`/api/communities/${c.id}/topics`, problem('A sensitive case'));
    expect(res.statusCode, res.body).toBe(201);
    const held = res.json();
    expect(held).toMatchObject({ moderationStatus: 'pending', title: 'A sensitive case', can: { post: false } });
    expect(await logFor(held.id)).toEqual([expect.objectContaining({ action: 'topic.hold', actorId: null, reason: 'watched word "sensitive" in title' })]);

    // Others: no such topic, not in the list, no replies, no flag, no live channel.
    expect((await c.member.get(`/api/topics/${held.id}`)).statusCode).toBe(404);
    expect((await c.member.get(`/api/topics/${held.id}/posts`)).statusCode).toBe(404);
    expect((await c.member.post(`/api/topics/${held.id}/flags`, { reason: 'spam' })).statusCode).toBe(404);
    expect((await c.facilitator.get(`/api/topics/${held.id}`)).statusCode).toBe(404);
    const memberList = (await c.member.get(`/api/communities/${c.id}/topics`)).json();
    expect(memberList.items.map((i: { id: string }) => i.id)).not.toContain(held.id);
    // Its author and the moderators: it is there, marked as waiting.
    expect((await c.author.get(`/api/topics/${held.id}`)).json()).toMatchObject({ title: 'A sensitive case', moderationStatus: 'pending' });
    expect((await c.author.get(`/api/communities/${c.id}/topics`)).json().items).toEqual([expect.objectContaining({ id: held.id, moderationStatus: 'pending' })]);
    expect((await c.moderator.get(`/api/topics/${held.id}`)).json()).toMatchObject({ moderationStatus: 'pending', can: { remove: true } });
    // Not even its author can reply while it waits.
    const reply = await c.author.post(`/api/topics/${held.id}/posts`, { body: 'Adding detail' });
    expect(reply.statusCode).toBe(409);
    expect(reply.json().code).toBe('topic_held');

    const queue = (await c.moderator.get(`/api/communities/${c.id}/moderation/queue`)).json();
    expect(queue.pendingTopics).toEqual([
      expect.objectContaining({ topic: expect.objectContaining({ id: held.id, title: 'A sensitive case', moderationStatus: 'pending', kind: 'problem' }), author: expect.objectContaining({ displayName: 'Topic Author' }) }),
    ]);
    expect(queue.counts).toEqual({ flaggedPosts: 0, pendingPosts: 0, flaggedTopics: 0, pendingTopics: 1, total: 1 });
    expect((await c.member.get(`/api/communities/${c.id}/moderation/queue`)).statusCode).toBe(403);

    // Approved: published for everyone, logged, announced.
    const approved = await c.moderator.post(`/api/topics/${held.id}/approval`);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toEqual({ id: held.id, communityId: c.id, moderationStatus: 'published', moderationReason: null });
    expect((await c.member.get(`/api/topics/${held.id}`)).json()).toMatchObject({ title: 'A sensitive case', moderationStatus: 'published' });
    expect((await logFor(held.id)).map((e) => e.action)).toEqual(['topic.hold', 'topic.approve']);
    expect((await eventsFor(held.id)).map((e) => e.name)).toEqual(['topic.created', 'topic.approved']);
    expect((await c.moderator.post(`/api/topics/${held.id}/approval`)).json().code).toBe('not_pending');
    expect((await c.moderator.get(`/api/communities/${c.id}/moderation/counts`)).json().total).toBe(0);
  });

  it('hold in a CPD prompt holds the topic; an edit that trips a hold takes a published topic back to review', async () => {
    const c = await community([{ phrase: 'sensitive', action: 'hold' }]);
    const topic = (await c.facilitator.post(`/api/communities/${c.id}/topics`, cpd({ prompts: [{ body: 'A sensitive question' }] }))).json();
    expect(topic.moderationStatus).toBe('pending');
    expect(await logFor(topic.id)).toEqual([expect.objectContaining({ action: 'topic.hold', reason: 'watched word "sensitive" in prompts.0.body' })]);

    const p = await createProblem(c);
    const edited = await c.author.patch(`/api/topics/${p.id}`, { body: 'Now with a sensitive detail.' });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ moderationStatus: 'pending', bodyMd: 'Now with a sensitive detail.' });
    expect((await logFor(p.id)).map((e) => e.action)).toEqual(['topic.hold']);
    expect((await c.member.get(`/api/topics/${p.id}`)).statusCode).toBe(404);
  });

  it('new-member pre-moderation holds a new member’s practice problem; members with an added role are trusted', async () => {
    const c = await community();
    expect((await c.moderator.patch(`/api/communities/${c.id}/settings`, { premodNewMemberPosts: 1 })).statusCode).toBe(200);
    const p = await createProblem(c, 'My first question');
    expect(p.moderationStatus).toBe('pending');
    expect(await logFor(p.id)).toEqual([expect.objectContaining({ action: 'topic.hold', reason: 'new-member pre-moderation' })]);
    expect((await c.member.get(`/api/topics/${p.id}`)).statusCode).toBe(404);
    const trusted = await c.facilitator.post(`/api/communities/${c.id}/topics`, problem('A facilitator asks'));
    expect(trusted.json().moderationStatus).toBe('published');
  });
});

// ---------------------------------------------------------------------------------------------------

describe('flagging a topic', () => {
  it('one flag per member, not one’s own topic; at the threshold the topic is hidden (a placeholder for members) until kept', async () => {
    const c = await community();
    expect((await c.moderator.patch(`/api/communities/${c.id}/settings`, { autoHideThreshold: 2 })).statusCode).toBe(200);
    const p = await createProblem(c, 'Rude title');
    const first = await c.member.post(`/api/topics/${p.id}/flags`, { reason: 'offensive', note: 'Name-calling' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ topicId: p.id, reason: 'offensive', note: 'Name-calling' });
    const again = await c.member.post(`/api/topics/${p.id}/flags`, { reason: 'spam' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('already_flagged');
    expect((await c.author.post(`/api/topics/${p.id}/flags`, { reason: 'spam' })).statusCode).toBe(403);
    expect((await topicRow(p.id)).moderationStatus).toBe('published');
    expect((await c.moderator.get(`/api/communities/${c.id}/moderation/counts`)).json()).toMatchObject({ flaggedTopics: 1, total: 1 });

    const second = await (await t.as(await t.makeMember(c.id))).post(`/api/topics/${p.id}/flags`, { reason: 'inappropriate' });
    expect(second.statusCode).toBe(201);
    expect((await topicRow(p.id)).moderationStatus).toBe('hidden');
    expect((await logFor(p.id)).map((e) => [e.action, e.actorId])).toEqual([['topic.auto_hide', null]]);
    const hideEvent = (await eventsFor(p.id)).at(-1)!;
    expect(hideEvent).toMatchObject({ name: 'topic.updated', data: { id: p.id, moderationStatus: 'hidden' } });

    const placeholder = (await c.member.get(`/api/topics/${p.id}`)).json();
    expect(placeholder).toMatchObject({ title: null, bodyHtml: null, bodyMd: null, prompts: [], moderationStatus: 'hidden', can: { flag: false, post: false } });
    expect((await c.member.get(`/api/communities/${c.id}/topics`)).json().items).toEqual([]);
    expect((await c.author.get(`/api/topics/${p.id}`)).json()).toMatchObject({ title: 'Rude title', moderationStatus: 'hidden' });
    expect((await (await t.as(await t.makeMember(c.id))).post(`/api/topics/${p.id}/flags`, { reason: 'spam' })).json().code).toBe('topic_not_flaggable');

    const queue = (await c.moderator.get(`/api/communities/${c.id}/moderation/queue`)).json();
    expect(queue.flaggedTopics).toHaveLength(1);
    expect(queue.flaggedTopics[0].flags.map((f: { reason: string }) => f.reason)).toEqual(['offensive', 'inappropriate']);
    expect(queue.flaggedTopics[0].flags[0]).toMatchObject({ note: 'Name-calling', flagger: { displayName: 'Other Member' } });

    // Keep: the flags are resolved as kept and the topic shows again.
    const kept = await c.moderator.post(`/api/topics/${p.id}/flags/dismiss`);
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json()).toMatchObject({ moderationStatus: 'published' });
    const resolutions = await db().select({ r: flags.resolution }).from(flags).where(eq(flags.topicId, p.id));
    expect(resolutions.map((r) => r.r)).toEqual(['kept', 'kept']);
    expect((await c.member.get(`/api/topics/${p.id}`)).json().title).toBe('Rude title');
    expect((await c.moderator.post(`/api/topics/${p.id}/flags/dismiss`)).json().code).toBe('no_open_flags');
    expect((await c.member.post(`/api/topics/${p.id}/flags`, { reason: 'spam' })).statusCode).toBe(201); // afresh
  });

  it('bad input: 400 naming the field', async () => {
    const c = await community();
    const p = await createProblem(c);
    const res = await c.member.post(`/api/topics/${p.id}/flags`, { reason: 'boring' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation_failed', field: 'reason' });
    const extra = await c.member.post(`/api/topics/${p.id}/flags`, { reason: 'spam', topicId: p.id });
    expect(extra.json()).toMatchObject({ code: 'validation_failed', field: 'topicId' });
    expect((await c.member.post('/api/topics/not-a-uuid/flags', { reason: 'spam' })).json()).toMatchObject({ code: 'validation_failed', field: 'topicId' });
    expect(await count('flags', `topic_id = '${p.id}'`)).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('removing and restoring a topic', () => {
  it('round trip: members see a placeholder and no discussion, the author the reason; restore brings back exactly what was there; logged and announced', async () => {
    const c = await community();
    const p = await createProblem(c, 'Marking load', 'How do you keep up with marking?');
    const reply = await c.member.post(`/api/topics/${p.id}/posts`, { body: 'I mark in batches.' });
    expect(reply.statusCode).toBe(201);
    const before = await topicRow(p.id);
    const openings = async () =>
      (await db().select().from(engagementMemberDays).where(and(eq(engagementMemberDays.communityId, c.id), eq(engagementMemberDays.userId, c.authorUser.id))))[0];
    expect(await openings()).toMatchObject({ posts: 1, openings: 1, removed: 0 });

    const removed = await c.moderator.post(`/api/topics/${p.id}/removal`, { reason: 'Shares a trainee’s name' });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toEqual({ id: p.id, communityId: c.id, moderationStatus: 'removed', moderationReason: 'Shares a trainee’s name' });

    // Members: the placeholder, no replies, no new reply, not in the list.
    const seen = (await c.member.get(`/api/topics/${p.id}`)).json();
    expect(seen).toMatchObject({ id: p.id, title: null, bodyHtml: null, bodyMd: null, prompts: [], solution: null, moderationStatus: 'removed', moderationReason: null });
    expect(seen.can).toMatchObject({ post: false, flag: false, remove: false });
    expect((await c.member.get(`/api/topics/${p.id}/posts`)).json().items).toEqual([]);
    const refused = await c.member.post(`/api/topics/${p.id}/posts`, { body: 'Still replying' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('topic_removed');
    expect((await c.member.put(`/api/posts/${reply.json().id}/helpful`)).statusCode).toBe(404);
    expect((await c.member.get(`/api/communities/${c.id}/topics`)).json().items).toEqual([]);
    // A page still open reports what it showed before it heard of the removal: no error, and nothing moves.
    const lateRead = await c.author.post(`/api/topics/${p.id}/read`, { postId: reply.json().id });
    expect(lateRead.statusCode, lateRead.body).toBe(200); // the author still sees the discussion
    const readRow = () => t.testDb.database.rows(sql`select * from topic_reads where topic_id = ${p.id} and user_id = ${c.memberUser.id}`);
    const readBefore = await readRow();
    const memberRead = await c.member.post(`/api/topics/${p.id}/read`, { postId: reply.json().id });
    expect(memberRead.statusCode, memberRead.body).toBe(204);
    expect(await readRow()).toEqual(readBefore);
    // The author: their words and the reason; they may not edit it any more.
    expect((await c.author.get(`/api/topics/${p.id}`)).json()).toMatchObject({ title: 'Marking load', moderationStatus: 'removed', moderationReason: 'Shares a trainee’s name' });
    const edit = await c.author.patch(`/api/topics/${p.id}`, { title: 'Renamed' });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().code).toBe('topic_not_editable');
    // Moderators: everything, marked removed, also in the list.
    expect((await c.moderator.get(`/api/topics/${p.id}`)).json()).toMatchObject({ title: 'Marking load', bodyHtml: expect.stringContaining('How do you keep up with marking?'), can: { remove: true } });
    expect((await c.moderator.get(`/api/topics/${p.id}/posts`)).json().items).toHaveLength(1);
    expect((await c.moderator.get(`/api/communities/${c.id}/topics`)).json().items).toEqual([expect.objectContaining({ id: p.id, moderationStatus: 'removed' })]);
    // Engagement: the opening no longer counts; it is a removal, as a removed reply is.
    expect(await openings()).toMatchObject({ posts: 0, openings: 0, removed: 1 });
    expect((await c.moderator.post(`/api/topics/${p.id}/removal`, { reason: 'Again' })).json().code).toBe('already_removed');

    const restored = await c.moderator.delete(`/api/topics/${p.id}/removal`);
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json()).toEqual({ id: p.id, communityId: c.id, moderationStatus: 'published', moderationReason: null });
    // Every column exactly as before, but reader_count: the author's and moderator's visits in between count.
    const { readerCount: _readersBefore, ...kept } = before;
    const { readerCount: _readersAfter, ...now } = await topicRow(p.id);
    expect(now).toEqual(kept);
    expect((await c.member.get(`/api/topics/${p.id}`)).json()).toMatchObject({ title: 'Marking load', bodyHtml: expect.stringContaining('How do you keep up with marking?'), moderationStatus: 'published' });
    expect((await c.member.get(`/api/topics/${p.id}/posts`)).json().items.map((i: { id: string }) => i.id)).toEqual([reply.json().id]);
    expect(await openings()).toMatchObject({ posts: 1, openings: 1, removed: 0 });
    expect((await c.moderator.delete(`/api/topics/${p.id}/removal`)).json().code).toBe('not_removed');

    const log = await logFor(p.id);
    expect(log.map((e) => e.action)).toEqual(['topic.remove', 'topic.restore']);
    expect(log[0]).toMatchObject({ reason: 'Shares a trainee’s name', before: { moderationStatus: 'published', moderationReason: null }, after: { moderationStatus: 'removed' } });
    expect(log[1]).toMatchObject({ before: { moderationStatus: 'removed' }, after: { moderationStatus: 'published', moderationReason: null } });
    const names = (await eventsFor(p.id)).map((e) => e.name);
    expect(names).toEqual(['topic.created', 'post.created', 'topic.removed', 'topic.restored']);
    // The audit log lists both under the author too.
    const aboutAuthor = (await c.moderator.get(`/api/communities/${c.id}/moderation/log?memberId=${c.authorUser.id}`)).json().items.map((e: { action: string }) => e.action);
    expect(aboutAuthor).toEqual(['topic.restore', 'topic.remove']);
  });

  it('restores a held topic as held, and resolves open flags on removal', async () => {
    const c = await community([{ phrase: 'sensitive', action: 'hold' }]);
    const held = (await c.author.post(`/api/communities/${c.id}/topics`, problem('A sensitive case'))).json();
    expect((await c.moderator.post(`/api/topics/${held.id}/removal`, { reason: 'Spam' })).statusCode).toBe(200);
    expect((await c.moderator.delete(`/api/topics/${held.id}/removal`)).json()).toMatchObject({ moderationStatus: 'pending' });
    expect((await c.member.get(`/api/topics/${held.id}`)).statusCode).toBe(404);

    const p = await createProblem(c, 'Plain');
    await c.member.post(`/api/topics/${p.id}/flags`, { reason: 'spam' });
    expect((await c.moderator.post(`/api/topics/${p.id}/removal`, { reason: 'Spam' })).statusCode).toBe(200);
    expect((await db().select({ r: flags.resolution }).from(flags).where(eq(flags.topicId, p.id))).map((r) => r.r)).toEqual(['removed']);
    expect((await c.moderator.get(`/api/communities/${c.id}/moderation/counts`)).json()).toMatchObject({ flaggedTopics: 0 });
  });

  it('wrong role → 403 (404 outside the community, 401 signed out); bad input → 400 with the field, nothing changed', async () => {
    const c = await community();
    const p = await createProblem(c);
    for (const agent of [c.member, c.author, c.facilitator]) {
      const res = await agent.post(`/api/topics/${p.id}/removal`, { reason: 'No' });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('forbidden');
      expect((await agent.delete(`/api/topics/${p.id}/removal`)).statusCode).toBe(403);
      expect((await agent.post(`/api/topics/${p.id}/approval`)).statusCode).toBe(403);
    }
    expect((await (await t.as(await t.makeUser())).post(`/api/topics/${p.id}/removal`, { reason: 'No' })).statusCode).toBe(404);
    expect((await t.anonymous.post(`/api/topics/${p.id}/removal`, { reason: 'No' })).statusCode).toBe(401);

    const missing = await c.moderator.post(`/api/topics/${p.id}/removal`, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'validation_failed', field: 'reason' });
    const blank = await c.moderator.post(`/api/topics/${p.id}/removal`, { reason: '   ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json()).toMatchObject({ field: 'reason' });
    expect((await c.moderator.post('/api/topics/00000000-0000-4000-8000-000000000000/removal', { reason: 'x' })).statusCode).toBe(404);
    expect((await topicRow(p.id)).moderationStatus).toBe('published');
    expect(await logFor(p.id)).toEqual([]);
  });
});

describe('API document', () => {
  it('describes the topic moderation routes with an operationId, a summary and their 4xx problems', async () => {
    const doc = (await t.anonymous.get('/api/openapi.json')).json();
    const routes: Array<[string, string, string]> = [
      ['/api/topics/{topicId}/flags', 'post', 'flagTopic'],
      ['/api/topics/{topicId}/flags/dismiss', 'post', 'dismissTopicFlags'],
      ['/api/topics/{topicId}/removal', 'post', 'removeTopic'],
      ['/api/topics/{topicId}/removal', 'delete', 'restoreTopic'],
      ['/api/topics/{topicId}/approval', 'post', 'approveTopic'],
    ];
    for (const [path, method, operationId] of routes) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toMatchObject({ operationId, summary: expect.any(String) });
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '404', '409']));
    }
  });
});

describe('engagement', () => {
  it('a removed or held topic leaves the per-topic report and counts as a removed post, not a new topic (UTC and another zone)', async () => {
    const c = await community([{ phrase: 'sensitive', action: 'hold' }]);
    const manager = await t.as(await t.makeMember(c.id, ['manager']));
    await createProblem(c, 'Kept');
    const gone = await createProblem(c, 'Gone');
    await c.author.post(`/api/communities/${c.id}/topics`, problem('A sensitive case'));
    expect((await c.moderator.post(`/api/topics/${gone.id}/removal`, { reason: 'Spam' })).statusCode).toBe(200);
    for (const tz of ['UTC', 'America/New_York']) {
      // Two days either side of today cover today's date in both zones.
      const range = `from=${new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10)}&to=${new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)}&tz=${encodeURIComponent(tz)}`;
      const summary = await manager.get(`/api/communities/${c.id}/engagement?${range}`);
      expect(summary.statusCode, summary.body).toBe(200);
      expect(summary.json(), tz).toMatchObject({ newTopics: 1, posts: 1, removedPosts: 1 });
      const perTopic = await manager.get(`/api/communities/${c.id}/engagement/topics?${range}`);
      expect(perTopic.json().items.map((i: { title: string }) => i.title), tz).toEqual(['Kept']);
    }
  });
});

// ---------------------------------------------------------------------------------------------------

/** A member's replay of a removed topic from the start: topic.created, recorded with the title, arrives without it, and no post. */
async function expectPlaceholderOnReplay(member: Agent, topicId: string) {
  const replay = await connectLive(t, member);
  try {
    expect((await replay.subscribe(`topic:${topicId}`, 0)).type).toBe('subscribed');
    const created = replay.events(`topic:${topicId}`).find((e) => e.name === 'topic.created')!;
    expect(created.data).toMatchObject({ id: topicId, title: null, redacted: true });
    expect(replay.events(`topic:${topicId}`).filter((e) => e.name?.startsWith('post.'))).toEqual([]);
  } finally {
    await replay.close();
  }
}

describe('live', () => {
  it('an open member page hears topic.removed as a placeholder and nothing of the discussion; the moderator hears it whole; restore comes back', async () => {
    const c = await community();
    const p = await createProblem(c, 'Marking load');
    const memberLive = await connectLive(t, c.member);
    const modLive = await connectLive(t, c.moderator);
    try {
      for (const live of [memberLive, modLive]) expect((await live.subscribe(`topic:${p.id}`)).type).toBe('subscribed');
      expect((await memberLive.subscribe(`community:${c.id}`)).type).toBe('subscribed');

      await c.moderator.post(`/api/topics/${p.id}/removal`, { reason: 'Off topic' });
      const forMember = await memberLive.waitFor((m) => m.name === 'topic.removed' && m.channel === `topic:${p.id}`, 'topic.removed (member)');
      expect(forMember.data).toMatchObject({ id: p.id, title: null, moderationReason: null, moderationStatus: 'removed', redacted: true });
      const onList = await memberLive.waitFor((m) => m.name === 'topic.removed' && m.channel === `community:${c.id}`, 'topic.removed (list)');
      expect(onList.data.title).toBeNull();
      const forMod = await modLive.waitFor((m) => m.name === 'topic.removed', 'topic.removed (moderator)');
      expect(forMod.data).toMatchObject({ title: 'Marking load', moderationReason: 'Off topic' });

      // A reply a moderator can still see being removed meanwhile is not sent to members; a sentinel event is.
      const postId = (await db().execute(sql`insert into posts (community_id, topic_id, author_id, body_md, body_html) values (${c.id}, ${p.id}, ${c.memberUser.id}, 'x', '<p>x</p>') returning id`)) as unknown as { rows: Array<{ id: string }> };
      await c.moderator.post(`/api/posts/${postId.rows[0]!.id}/removal`, { reason: 'r' });
      await modLive.waitFor((m) => m.name === 'post.removed', 'post.removed (moderator)');

      await c.moderator.delete(`/api/topics/${p.id}/removal`);
      const back = await memberLive.waitFor((m) => m.name === 'topic.restored' && m.channel === `topic:${p.id}`, 'topic.restored');
      expect(back.data).toMatchObject({ title: 'Marking load', moderationStatus: 'published' });
      // No post.removed in between. (topic.created may come first: it is positioned after its commit, so under load
      // it can reach a subscription made after the topic was created.)
      const heard = memberLive.events(`topic:${p.id}`).map((e) => e.name);
      expect(heard[0] === 'topic.created' ? heard.slice(1) : heard).toEqual(['topic.removed', 'topic.restored']);

      // A replay after a new removal: topic.created, recorded with the title, arrives without it.
      await c.moderator.post(`/api/topics/${p.id}/removal`, { reason: 'Again' });
      await expectPlaceholderOnReplay(c.member, p.id);
    } finally {
      await memberLive.close();
      await modLive.close();
    }
  });

  it('a replay that starts before the removal is dispatched already shows the placeholder (no cached topic)', async () => {
    const c = await community();
    const p = await createProblem(c, 'Marking load');
    const warm = await connectLive(t, c.member);
    try {
      // The hub now holds the topic, published, in its cache: a live subscriber has been sent one of its events.
      expect((await warm.subscribe(`topic:${p.id}`)).type).toBe('subscribed');
      await c.author.post(`/api/topics/${p.id}/posts`, { body: 'A first reply' });
      await warm.waitFor((m) => m.name === 'post.created', 'post.created');
    } finally {
      await warm.close();
    }
    // The removal committed, its event not dispatched yet (the window between commit and the sequencer's
    // notice): the row says removed, no event has told the hub.
    await db().execute(sql`update topics set moderation_status = 'removed', moderation_reason = 'Off topic' where id = ${p.id}`);
    await expectPlaceholderOnReplay(c.member, p.id);
  });

  it('a held topic is announced to moderators and its author only', async () => {
    const c = await community([{ phrase: 'sensitive', action: 'hold' }]);
    const memberLive = await connectLive(t, c.member);
    const modLive = await connectLive(t, c.moderator);
    try {
      for (const live of [memberLive, modLive]) expect((await live.subscribe(`community:${c.id}`)).type).toBe('subscribed');
      const held = (await c.author.post(`/api/communities/${c.id}/topics`, problem('A sensitive case'))).json();
      await modLive.waitFor((m) => m.name === 'topic.created' && m.data?.id === held.id, 'topic.created (moderator)');
      // Sentinel: a later published topic reaches the member; the held one never did.
      const open = await createProblem(c, 'Open question');
      await memberLive.waitFor((m) => m.name === 'topic.created' && m.data?.id === open.id, 'sentinel');
      expect(memberLive.events().filter((e) => e.data?.id === held.id)).toEqual([]);
      const refused = await memberLive.subscribe(`topic:${held.id}`);
      expect(refused).toMatchObject({ type: 'error', code: 'not_found' });
      await c.moderator.post(`/api/topics/${held.id}/approval`);
      const approved = await memberLive.waitFor((m) => m.name === 'topic.approved', 'topic.approved');
      expect(approved.data).toMatchObject({ id: held.id, title: 'A sensitive case', moderationStatus: 'published' });
    } finally {
      await memberLive.close();
      await modLive.close();
    }
  });
});
