// Integration of posts, moderation and live: watched words and pre-moderation on posting and editing,
// what each viewer sees of moderated posts (REST and live, one rule), topic lock/close/pin through
// either route (one audited use case), and members losing access (suspension, removal) on their sockets.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, moderationLog } from '../../server/db/schema.js';
import { createTestApp, type Agent, type TestApp, type TestUser } from '../helpers/app.js';
import { connectLive } from '../helpers/live-client.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ liveHeartbeatMs: 300, liveSessionCheckMs: 60_000 });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => t?.close());

interface World {
  communityId: string;
  topicId: string;
  users: { ana: TestUser; ben: TestUser; fay: TestUser; mo: TestUser };
  ana: Agent; // practitioner, writes the posts
  ben: Agent; // practitioner, another member
  fay: Agent; // facilitator, opened the topic
  mo: Agent; // moderator
}

/** A community with two practitioners, a facilitator (who opened a practice problem) and a moderator. */
async function world(): Promise<World> {
  const communityId = (await t.makeCommunity()).id;
  const users = {
    ana: await t.makeMember(communityId, [], { displayName: 'Ana' }),
    ben: await t.makeMember(communityId, [], { displayName: 'Ben' }),
    fay: await t.makeMember(communityId, ['facilitator'], { displayName: 'Fay' }),
    mo: await t.makeMember(communityId, ['moderator'], { displayName: 'Mo' }),
  };
  const [ana, ben, fay, mo] = await Promise.all([t.as(users.ana), t.as(users.ben), t.as(users.fay), t.as(users.mo)]);
  const topic = await fay.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Handover notes', body: 'How do you keep them short?' });
  expect(topic.statusCode, topic.body).toBe(201);
  return { communityId, topicId: topic.json().id, users, ana: ana!, ben: ben!, fay: fay!, mo: mo! };
}

const postIds = async (agent: Agent, topicId: string) => (await agent.get(`/api/topics/${topicId}/posts`)).json().items.map((p: { id: string }) => p.id);
const topicOf = async (agent: Agent, topicId: string) => (await agent.get(`/api/topics/${topicId}`)).json();
const count = async (table: string, where: ReturnType<typeof sql>) =>
  (await t.testDb.database.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.raw(table)} where ${where}`))[0]!.n;

describe('posting and editing through watched words and pre-moderation', () => {
  it('a block rule refuses a post with 422 naming the phrase; nothing is written and the Idempotency-Key stays unused', async () => {
    const w = await world();
    await w.mo.put(`/api/communities/${w.communityId}/watched-words`, { words: [{ phrase: 'idiot', action: 'block' }] });
    const key = { 'idempotency-key': 'blocked-then-fixed-1' };
    const before = await count('posts', sql`topic_id = ${w.topicId}`);
    const eventsBefore = await count('events', sql`topic_id = ${w.topicId}`);
    const refused = await w.ana.post(`/api/topics/${w.topicId}/posts`, { body: 'What an ＩＤＩＯＴ idea' }, key);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'watched_word_blocked', field: 'body', phrase: 'idiot' });
    expect(refused.json().detail).toContain('idiot');
    expect(await count('posts', sql`topic_id = ${w.topicId}`)).toBe(before);
    expect(await count('events', sql`topic_id = ${w.topicId}`)).toBe(eventsBefore);
    expect(await count('idempotency_keys', sql`key = ${key['idempotency-key']}`)).toBe(0);
    // The key was not consumed: the reworded retry with the same key is a fresh, successful post.
    const retry = await w.ana.post(`/api/topics/${w.topicId}/posts`, { body: 'What an unusual idea' }, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.json().status).toBe('published');
  });

  it('a block rule refuses an edit (422, post unchanged); a hold rule on an edit takes a published post back to pending', async () => {
    const w = await world();
    const post = (await w.ana.post(`/api/topics/${w.topicId}/posts`, { body: 'Fine words' })).json();
    expect((await topicOf(w.ben, w.topicId)).postCount).toBe(1);
    await w.mo.put(`/api/communities/${w.communityId}/watched-words`, { words: [{ phrase: 'idiot', action: 'block' }, { phrase: 'lawsuit', action: 'hold' }] });
    const blocked = await w.ana.patch(`/api/posts/${post.id}`, { body: 'You idiot', version: 1 });
    expect(blocked.statusCode).toBe(422);
    expect(blocked.json()).toMatchObject({ code: 'watched_word_blocked', phrase: 'idiot' });
    expect(await count('post_revisions', sql`post_id = ${post.id}`)).toBe(1);
    const held = await w.ana.patch(`/api/posts/${post.id}`, { body: 'Mentioning a lawsuit', version: 1 });
    expect(held.statusCode, held.body).toBe(200);
    expect(held.json()).toMatchObject({ status: 'pending', version: 2, bodyHtml: '<p>Mentioning a lawsuit</p>' });
    // The hold is a moderation action without a human actor: one audit-log entry naming the rule.
    const holds = await t.testDb.database.rows<{ actor_id: string | null; reason: string }>(
      sql`select actor_id, reason from moderation_log where action = 'post.hold' and target_id = ${post.id}`,
    );
    expect(holds).toEqual([{ actor_id: null, reason: 'watched word "lawsuit"' }]);
    expect(await postIds(w.ben, w.topicId)).not.toContain(post.id);
    expect((await topicOf(w.ben, w.topicId)).postCount).toBe(0);
    expect((await w.mo.post(`/api/posts/${post.id}/approval`)).json().status).toBe('published');
    expect((await topicOf(w.ben, w.topicId)).postCount).toBe(1);
  });

  it('a hold rule stores the post pending: the author sees it, others do not, counts wait; approval publishes it for everyone, live', async () => {
    const w = await world();
    await w.mo.put(`/api/communities/${w.communityId}/watched-words`, { words: [{ phrase: 'lawsuit', action: 'hold' }] });
    const ben = await connectLive(t, w.ben);
    await ben.subscribe(`topic:${w.topicId}`);
    const topicBefore = await topicOf(w.ben, w.topicId);

    const created = await w.ana.post(`/api/topics/${w.topicId}/posts`, { body: 'They threatened a LAWSUIT' });
    expect(created.statusCode).toBe(201);
    const post = created.json();
    expect(post).toMatchObject({ status: 'pending', bodyHtml: '<p>They threatened a LAWSUIT</p>' });
    expect(await count('moderation_log', sql`action = 'post.hold' and target_id = ${post.id}`)).toBe(1);
    expect(await postIds(w.ana, w.topicId)).toContain(post.id);
    expect(await postIds(w.mo, w.topicId)).toContain(post.id);
    expect(await postIds(w.ben, w.topicId)).not.toContain(post.id);
    expect((await w.ben.get(`/api/posts/${post.id}/revisions`)).statusCode).toBe(404);
    const topicHeld = await topicOf(w.ben, w.topicId);
    expect(topicHeld.postCount).toBe(topicBefore.postCount);
    expect(topicHeld.posterCount).toBe(topicBefore.posterCount);
    expect(topicHeld.lastActivityAt).toBe(topicBefore.lastActivityAt);

    const queue = (await w.mo.get(`/api/communities/${w.communityId}/moderation/queue`)).json();
    expect(queue.pending.map((p: { post: { id: string } }) => p.post.id)).toContain(post.id);

    const approved = await w.mo.post(`/api/posts/${post.id}/approval`);
    expect(approved.statusCode).toBe(200);
    const event = await ben.waitFor((m) => m.name === 'post.approved' && m.data.id === post.id, 'post.approved');
    expect(event.data).toMatchObject({ status: 'published', bodyHtml: '<p>They threatened a LAWSUIT</p>', author: { id: w.users.ana.id } });
    // Ben never received the pending post.created.
    expect(ben.events().filter((m) => m.name === 'post.created' && m.data.id === post.id)).toEqual([]);
    expect(await postIds(w.ben, w.topicId)).toContain(post.id);
    const topicAfter = await topicOf(w.ben, w.topicId);
    expect(topicAfter.postCount).toBe(topicBefore.postCount + 1);
    expect(topicAfter.posterCount).toBe(topicBefore.posterCount + 1);
    expect(new Date(topicAfter.lastActivityAt).getTime()).toBeGreaterThan(new Date(topicBefore.lastActivityAt).getTime());
    await ben.close();
  });

  it("pre-moderation of new members: the first N posts are pending; a role holder's are not", async () => {
    const w = await world();
    await w.mo.patch(`/api/communities/${w.communityId}/settings`, { premodNewMemberPosts: 1 });
    const first = (await w.ana.post(`/api/topics/${w.topicId}/posts`, { body: 'My first post' })).json();
    expect(first.status).toBe('pending');
    const holds = await t.testDb.database.rows<{ reason: string }>(sql`select reason from moderation_log where action = 'post.hold' and target_id = ${first.id}`);
    expect(holds).toEqual([{ reason: 'new-member pre-moderation' }]);
    expect((await w.fay.post(`/api/topics/${w.topicId}/posts`, { body: 'Facilitator reply' })).json().status).toBe('published');
    await w.mo.post(`/api/posts/${first.id}/approval`);
    expect((await w.ana.post(`/api/topics/${w.topicId}/posts`, { body: 'My second post' })).json().status).toBe('published');
  });

  it('pre-moderation counts published posts only, up to the threshold, as the post is created', async () => {
    const w = await world();
    await w.mo.patch(`/api/communities/${w.communityId}/settings`, { premodNewMemberPosts: 2 });
    const post = async (body: string) => (await w.ana.post(`/api/topics/${w.topicId}/posts`, { body })).json() as { id: string; status: string };
    const first = await post('One');
    const second = await post('Two'); // pending posts do not count towards the threshold
    expect([first.status, second.status]).toEqual(['pending', 'pending']);
    await w.mo.post(`/api/posts/${first.id}/approval`);
    expect((await post('Three')).status).toBe('pending'); // 1 published < 2
    await w.mo.post(`/api/posts/${second.id}/approval`);
    expect((await post('Four')).status).toBe('published'); // 2 published: trusted
    // A threshold raised later applies to the next post at once (read with the access check, not cached).
    await w.mo.patch(`/api/communities/${w.communityId}/settings`, { premodNewMemberPosts: 4 });
    expect((await post('Five')).status).toBe('pending');
  });
});

describe('what each viewer sees of a moderated post (REST)', () => {
  it('removed: others get the placeholder with replies kept; the author sees content and reason; moderators see all', async () => {
    const w = await world();
    const parent = (await w.ana.post(`/api/topics/${w.topicId}/posts`, { body: 'Original words' })).json();
    const child = (await w.ben.post(`/api/topics/${w.topicId}/posts`, { body: 'A reply', parentId: parent.id })).json();
    expect((await topicOf(w.ben, w.topicId)).postCount).toBe(2);
    expect((await w.mo.post(`/api/posts/${parent.id}/removal`, { reason: 'Names a patient' })).statusCode).toBe(200);

    const seenBy = async (agent: Agent) => (await agent.get(`/api/topics/${w.topicId}/posts`)).json().items.find((p: { id: string }) => p.id === parent.id);
    const asBen = await seenBy(w.ben);
    expect(asBen).toMatchObject({ status: 'removed', removedByModerator: true, bodyHtml: null, bodyMd: null, statusReason: null });
    expect(await postIds(w.ben, w.topicId)).toContain(child.id); // thread shape kept
    expect(await seenBy(w.ana)).toMatchObject({ status: 'removed', removedByModerator: true, bodyHtml: '<p>Original words</p>', bodyMd: 'Original words', statusReason: 'Names a patient' });
    expect(await seenBy(w.mo)).toMatchObject({ bodyHtml: '<p>Original words</p>', statusReason: 'Names a patient' });
    expect((await w.ben.get(`/api/posts/${parent.id}/revisions`)).statusCode).toBe(403);
    expect((await w.ana.get(`/api/posts/${parent.id}/revisions`)).json().items).toHaveLength(1);
    expect((await topicOf(w.ben, w.topicId)).postCount).toBe(1);

    await w.mo.delete(`/api/posts/${parent.id}/removal`);
    expect(await seenBy(w.ben)).toMatchObject({ status: 'published', removedByModerator: false, bodyHtml: '<p>Original words</p>' });
    expect((await topicOf(w.ben, w.topicId)).postCount).toBe(2);
  });

  it('hidden by flags: a placeholder for others (counts drop), content for the author and moderators; kept → back', async () => {
    const w = await world();
    await w.mo.patch(`/api/communities/${w.communityId}/settings`, { autoHideThreshold: 1 });
    const post = (await w.ana.post(`/api/topics/${w.topicId}/posts`, { body: 'Borderline' })).json();
    expect((await w.ben.post(`/api/posts/${post.id}/flags`, { reason: 'offensive' })).statusCode).toBe(201);
    const asBen = (await w.ben.get(`/api/topics/${w.topicId}/posts`)).json().items.find((p: { id: string }) => p.id === post.id);
    expect(asBen).toMatchObject({ status: 'hidden', bodyHtml: null });
    const asAna = (await w.ana.get(`/api/topics/${w.topicId}/posts`)).json().items.find((p: { id: string }) => p.id === post.id);
    expect(asAna).toMatchObject({ status: 'hidden', bodyHtml: '<p>Borderline</p>' });
    expect((await topicOf(w.ben, w.topicId)).postCount).toBe(0);
    await w.mo.post(`/api/posts/${post.id}/flags/dismiss`);
    expect((await topicOf(w.ben, w.topicId)).postCount).toBe(1);
  });

  it("a removed solution shows as the placeholder on the topic page to others, with content to the topic's author", async () => {
    const w = await world();
    const answer = (await w.ana.post(`/api/topics/${w.topicId}/posts`, { body: 'Use SBAR' })).json();
    expect((await w.fay.post(`/api/topics/${w.topicId}/solution`, { postId: answer.id })).statusCode).toBe(200);
    await w.mo.post(`/api/posts/${answer.id}/removal`, { reason: 'Copied text' });
    expect((await topicOf(w.ben, w.topicId)).solution).toMatchObject({ id: answer.id, status: 'removed', bodyHtml: null });
    expect((await topicOf(w.ana, w.topicId)).solution).toMatchObject({ id: answer.id, bodyHtml: '<p>Use SBAR</p>', statusReason: 'Copied text' });
  });
});

describe('moderation reaching open pages (live)', () => {
  it('removal: a member gets post.removed without the body; the author gets it with the reason; restore brings back identical content', async () => {
    const w = await world();
    const channel = `topic:${w.topicId}`;
    const post = (await w.ana.post(`/api/topics/${w.topicId}/posts`, { body: 'Secret **words**' })).json();
    const [ben, ana, mo] = await Promise.all([connectLive(t, w.ben), connectLive(t, w.ana), connectLive(t, w.mo)]);
    for (const c of [ben, ana, mo]) expect((await c.subscribe(channel)).type).toBe('subscribed');
    const fetched = async () => (await w.ben.get(`/api/topics/${w.topicId}/posts`)).json().items.find((p: { id: string }) => p.id === post.id);
    const original = await fetched();

    await w.mo.post(`/api/posts/${post.id}/removal`, { reason: 'Insulting a colleague' });
    const isRemoved = (m: { name?: string; data?: any }) => m.name === 'post.removed' && m.data.id === post.id;
    const forBen = await ben.waitFor(isRemoved, 'post.removed (member)');
    expect(forBen.data).toMatchObject({ status: 'removed', removedByModerator: true, bodyHtml: null, bodyMd: null, statusReason: null });
    expect(JSON.stringify(forBen)).not.toContain('Secret');
    expect(JSON.stringify(forBen)).not.toContain('Insulting');
    const forAna = await ana.waitFor(isRemoved, 'post.removed (author)');
    expect(forAna.data).toMatchObject({ status: 'removed', bodyHtml: '<p>Secret <strong>words</strong></p>', statusReason: 'Insulting a colleague' });
    expect((await mo.waitFor(isRemoved, 'post.removed (moderator)')).data).toMatchObject({ statusReason: 'Insulting a colleague' });

    await w.mo.delete(`/api/posts/${post.id}/removal`);
    const restored = await ben.waitFor((m) => m.name === 'post.restored' && m.data.id === post.id, 'post.restored');
    expect(restored.data).toMatchObject({ status: 'published', bodyHtml: '<p>Secret <strong>words</strong></p>', statusReason: null });
    expect(await fetched()).toEqual(original); // byte-identical over HTTP
    for (const c of [ben, ana, mo]) await c.close();
  });

  it('a member reconnecting with since never gets the content of a post removed since (replay)', async () => {
    const w = await world();
    const channel = `topic:${w.topicId}`;
    const first = await connectLive(t, w.ben);
    const since = (await first.subscribe(channel)).lastEventId!;
    await first.close();
    const post = (await w.ana.post(`/api/topics/${w.topicId}/posts`, { body: 'Words removed later' })).json();
    await w.mo.post(`/api/posts/${post.id}/removal`, { reason: 'Off topic' });

    const ben = await connectLive(t, w.ben);
    expect((await ben.subscribe(channel, since)).type).toBe('subscribed');
    // Events are positioned after commit: the removal is replayed, or (when it was not positioned yet at the
    // subscription) delivered live right after it. Either way, once and after the creation.
    await ben.waitFor((m) => m.name === 'post.removed' && m.data?.id === post.id, 'post.removed');
    const replayed = ben.events().filter((m) => m.data?.id === post.id);
    expect(replayed.map((m) => m.name)).toEqual(['post.created', 'post.removed']);
    expect(JSON.stringify(replayed)).not.toContain('Words removed later');
    expect(replayed[0]!.data).toMatchObject({ status: 'published', bodyHtml: null, redacted: true });
    // The author's replay still has it (they may read their own post).
    const ana = await connectLive(t, w.ana);
    await ana.subscribe(channel, since);
    expect(JSON.stringify(ana.events())).toContain('Words removed later');
    await ben.close();
    await ana.close();
  });

  it('strips data.private from any event for members who are not the author or moderators', async () => {
    const w = await world();
    const [ben, mo] = await Promise.all([connectLive(t, w.ben), connectLive(t, w.mo)]);
    await ben.subscribe(`community:${w.communityId}`);
    await mo.subscribe(`community:${w.communityId}`);
    const { recordEvent } = await import('../../server/domain/outbox.js');
    await t.app.db.transaction((tx) =>
      recordEvent(tx, { communityId: w.communityId, topicId: w.topicId, name: 'topic.updated', data: { id: w.topicId, private: { note: 'moderators only' } } as never }),
    );
    const forBen = await ben.waitFor((m) => m.name === 'topic.updated', 'topic.updated');
    expect(forBen.data).toEqual({ id: w.topicId });
    expect((await mo.waitFor((m) => m.name === 'topic.updated', 'topic.updated')).data).toMatchObject({ private: { note: 'moderators only' } });
    await ben.close();
    await mo.close();
  });

  it('removing a membership is logged, records member.removed and ends their live subscriptions at once', async () => {
    const w = await world();
    const manager = await t.as(await t.makeMember(w.communityId, ['manager']));
    const ben = await connectLive(t, w.ben);
    await ben.subscribe(`community:${w.communityId}`);
    await ben.subscribe(`topic:${w.topicId}`);
    expect((await manager.delete(`/api/communities/${w.communityId}/members/${w.users.ben.id}`)).statusCode).toBe(204);
    await ben.waitFor((m) => m.type === 'error' && m.code === 'access_revoked' && m.channel === `community:${w.communityId}`, 'revocation');
    await ben.waitFor((m) => m.type === 'error' && m.code === 'access_revoked' && m.channel === `topic:${w.topicId}`, 'revocation');
    const log = await t.app.db.select().from(moderationLog).where(and(eq(moderationLog.action, 'member.remove'), eq(moderationLog.targetId, w.users.ben.id)));
    expect(log).toHaveLength(1);
    const evs = await t.app.db.select().from(events).where(and(eq(events.communityId, w.communityId), eq(events.name, 'member.removed')));
    expect(evs.map((e) => e.data)).toEqual([{ userId: w.users.ben.id }]);
    // Nothing more reaches Ben: a member who stays sees the next post, and by a round trip on Ben's own
    // socket anything sent to him with it would have arrived.
    const eventsBefore = ben.events().length;
    const stays = await connectLive(t, w.ana);
    await stays.subscribe(`topic:${w.topicId}`);
    const after = await w.ana.post(`/api/topics/${w.topicId}/posts`, { body: 'After Ben left' });
    await stays.waitFor((m) => m.name === 'post.created' && m.data?.id === after.json().id, 'the next post');
    await ben.sync();
    expect(ben.events().length).toBe(eventsBefore);
    await stays.close();
    expect((await ben.subscribe(`topic:${w.topicId}`)).type).toBe('error');
    await ben.close();
  });
});

describe('topic lock/close/pin: one audited use case behind both routes', () => {
  for (const route of ['PATCH /api/topics/:id', 'PATCH /api/topics/:id/moderation'] as const) {
    it(`${route} writes one audit entry per change and emits topic.updated with the topic summary`, async () => {
      const w = await world();
      const url = route === 'PATCH /api/topics/:id' ? `/api/topics/${w.topicId}` : `/api/topics/${w.topicId}/moderation`;
      const logged = () => t.app.db.select().from(moderationLog).where(and(eq(moderationLog.action, 'topic.moderate'), eq(moderationLog.targetId, w.topicId)));
      const updatedEvents = () => t.app.db.select().from(events).where(and(eq(events.topicId, w.topicId), eq(events.name, 'topic.updated')));
      const res = await w.mo.patch(url, { locked: true, pinned: true });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ id: w.topicId, pinned: true });
      expect(await logged()).toHaveLength(1);
      expect((await logged())[0]).toMatchObject({ actorId: w.users.mo.id, before: { locked: false, pinned: false }, after: { locked: true, pinned: true } });
      const evs = await updatedEvents();
      expect(evs).toHaveLength(1);
      const summary = (await w.ben.get(`/api/communities/${w.communityId}/topics`)).json().items.find((x: { id: string }) => x.id === w.topicId);
      expect(evs[0]!.data).toEqual({ ...summary, unreadCount: 0 });
      // Repeating it changes nothing: no log entry, no event.
      expect((await w.mo.patch(url, { locked: true })).statusCode).toBe(200);
      expect(await logged()).toHaveLength(1);
      expect(await updatedEvents()).toHaveLength(1);
      // A locked topic refuses replies.
      expect((await w.ana.post(`/api/topics/${w.topicId}/posts`, { body: 'Too late' })).json().code).toBe('topic_locked');
      // The practitioner cannot.
      expect((await w.ana.patch(url, { closed: true })).statusCode).toBe(403);
    });
  }

  it('PATCH /api/topics/:id with content and moderation fields in one request: one log entry, one event', async () => {
    const w = await world();
    const res = await w.fay.patch(`/api/topics/${w.topicId}`, { title: 'Handover notes (closed)', closed: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ title: 'Handover notes (closed)', status: 'closed' });
    expect(await count('moderation_log', sql`action = 'topic.moderate' and target_id = ${w.topicId}`)).toBe(1);
    expect(await count('events', sql`topic_id = ${w.topicId} and name = 'topic.updated'`)).toBe(1);
  });
});
