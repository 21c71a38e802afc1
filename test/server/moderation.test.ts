// Moderation: the role matrix for every route, flags and auto-hide, reversible removal, approval,
// author notes, watched words, pre-moderation, suspensions, topic locks and the append-only audit log.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, flags, moderationLog } from '../../server/db/schema.js';
import { findMembership } from '../../server/domain/community-access.js';
import { checkWatchedWords } from '../../server/domain/watched-words.js';
import { needsPremoderation } from '../../server/domain/screening.js';
import { can } from '../../server/policy/policy.js';
import { createTestApp, type Agent, type TestApp, type TestUser } from '../helpers/app.js';
import { naughtyStrings } from '../helpers/corpora.js';
import { eventsForPost, getPost, makePost, makePosts, makeTopic } from '../helpers/moderation-factories.js';

type RoleName = 'anonymous' | 'nonMember' | 'practitioner' | 'facilitator' | 'moderator' | 'manager' | 'admin';
const ROLES: RoleName[] = ['anonymous', 'nonMember', 'practitioner', 'facilitator', 'moderator', 'manager', 'admin'];

let t: TestApp;
let communityId: string;
let users: Record<Exclude<RoleName, 'anonymous'>, TestUser>;
let agents: Record<RoleName, Agent>;
/** Writes posts that others flag and moderators act on. */
let author: TestUser;
let authorAgent: Agent;
let topicId: string;

const db = () => t.app.db;
const countRows = async (table: string) => (await t.testDb.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;
const logCount = async (action: string, targetId?: string) =>
  (
    await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(moderationLog)
      .where(and(eq(moderationLog.action, action), targetId ? eq(moderationLog.targetId, targetId) : undefined))
  )[0]!.n;
const newPost = async ({ community, topic, authorId, ...rest }: { status?: 'published' | 'pending' | 'hidden' | 'removed'; bodyMd?: string; authorId?: string; topic?: string; community?: string } = {}) =>
  (await makePost(db(), { communityId: community ?? communityId, topicId: topic ?? topicId, authorId: authorId ?? author.id, ...rest })).id;
/** Drizzle wraps driver errors ("Failed query: …"); the database's own message is in the cause. */
const databaseError = async (query: PromiseLike<unknown>) => {
  try {
    await query;
  } catch (err) {
    const e = err as { message: string; cause?: { message?: string } };
    return `${e.message} ${e.cause?.message ?? ''}`;
  }
  return null;
};

beforeAll(async () => {
  t = await createTestApp();
  communityId = (await t.makeCommunity()).id;
  users = {
    nonMember: await t.makeUser(),
    practitioner: await t.makeMember(communityId, []),
    facilitator: await t.makeMember(communityId, ['facilitator']),
    moderator: await t.makeMember(communityId, ['moderator']),
    manager: await t.makeMember(communityId, ['manager']),
    admin: await t.makeUser({ isAdmin: true }),
  };
  agents = { anonymous: t.anonymous } as Record<RoleName, Agent>;
  for (const [role, user] of Object.entries(users)) agents[role as RoleName] = await t.as(user);
  author = await t.makeMember(communityId, [], { displayName: 'Post Author' });
  authorAgent = await t.as(author);
  // A topic led by someone else: the matrix's facilitator is not its facilitator.
  const lead = await t.makeMember(communityId, ['facilitator']);
  topicId = (await makeTopic(db(), { communityId, authorId: lead.id, title: 'Reflective practice' })).id;
});
afterAll(async () => t?.close());

// ---------------------------------------------------------------------------------------------------

interface Row {
  route: string;
  request: (role: RoleName) => Promise<{ method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; body?: unknown }>;
  expect: Record<RoleName, number>;
}
const all = (status: number, overrides: Partial<Record<RoleName, number>> = {}) =>
  ({ ...(Object.fromEntries(ROLES.map((r) => [r, status])) as Record<RoleName, number>), ...overrides });
/** Moderators and admin only. */
const modsOnly = (ok: number) => all(403, { anonymous: 401, nonMember: 404, moderator: ok, admin: ok });
/** Moderators, managers and admin. */
const modsAndManagers = (ok: number) => all(403, { anonymous: 401, nonMember: 404, moderator: ok, manager: ok, admin: ok });

const matrix = (): Row[] => [
  {
    route: 'POST /api/posts/:postId/flags',
    request: async () => ({ method: 'POST', url: `/api/posts/${await newPost()}/flags`, body: { reason: 'spam' } }),
    // Any active member; the admin is not a member here (admins remove rather than flag).
    expect: all(201, { anonymous: 401, nonMember: 404, admin: 403 }),
  },
  {
    route: 'POST /api/posts/:postId/removal',
    request: async () => ({ method: 'POST', url: `/api/posts/${await newPost()}/removal`, body: { reason: 'Personal attack' } }),
    expect: modsOnly(200),
  },
  {
    route: 'DELETE /api/posts/:postId/removal',
    request: async () => {
      const id = await newPost();
      expect((await agents.moderator.post(`/api/posts/${id}/removal`, { reason: 'r' })).statusCode).toBe(200);
      return { method: 'DELETE', url: `/api/posts/${id}/removal` };
    },
    expect: modsOnly(200),
  },
  {
    route: 'POST /api/posts/:postId/flags/dismiss',
    request: async () => {
      const id = await newPost();
      const flagger = await t.as(await t.makeMember(communityId));
      expect((await flagger.post(`/api/posts/${id}/flags`, { reason: 'other' })).statusCode).toBe(201);
      return { method: 'POST', url: `/api/posts/${id}/flags/dismiss` };
    },
    expect: modsOnly(200),
  },
  {
    route: 'POST /api/posts/:postId/approval',
    request: async () => ({ method: 'POST', url: `/api/posts/${await newPost({ status: 'pending' })}/approval` }),
    expect: modsOnly(200),
  },
  {
    route: 'POST /api/posts/:postId/author-note',
    request: async () => ({ method: 'POST', url: `/api/posts/${await newPost()}/author-note`, body: { message: 'Please keep it professional.' } }),
    expect: modsOnly(201),
  },
  {
    route: 'GET /api/posts/:postId/author-notes',
    request: async () => ({ method: 'GET', url: `/api/posts/${await newPost()}/author-notes` }),
    expect: modsOnly(200),
  },
  {
    route: 'GET /api/communities/:communityId/moderation/queue',
    request: async () => ({ method: 'GET', url: `/api/communities/${communityId}/moderation/queue` }),
    expect: modsOnly(200),
  },
  {
    route: 'GET /api/communities/:communityId/moderation/counts',
    request: async () => ({ method: 'GET', url: `/api/communities/${communityId}/moderation/counts` }),
    expect: modsOnly(200),
  },
  {
    route: 'GET /api/communities/:communityId/moderation/log',
    request: async () => ({ method: 'GET', url: `/api/communities/${communityId}/moderation/log` }),
    expect: modsAndManagers(200),
  },
  {
    route: 'GET /api/communities/:communityId/watched-words',
    request: async () => ({ method: 'GET', url: `/api/communities/${communityId}/watched-words` }),
    expect: modsAndManagers(200),
  },
  {
    route: 'PUT /api/communities/:communityId/watched-words',
    request: async () => ({ method: 'PUT', url: `/api/communities/${communityId}/watched-words`, body: { words: [] } }),
    expect: modsAndManagers(200),
  },
  {
    route: 'GET /api/communities/:communityId/settings',
    request: async () => ({ method: 'GET', url: `/api/communities/${communityId}/settings` }),
    expect: modsAndManagers(200),
  },
  {
    route: 'PATCH /api/communities/:communityId/settings',
    request: async () => ({ method: 'PATCH', url: `/api/communities/${communityId}/settings`, body: { autoHideThreshold: 3 } }),
    expect: modsAndManagers(200),
  },
  {
    route: 'PUT /api/communities/:communityId/members/:userId/suspension',
    request: async () => {
      const target = await t.makeMember(communityId);
      return { method: 'PUT', url: `/api/communities/${communityId}/members/${target.id}/suspension`, body: { reason: 'Cooling off' } };
    },
    expect: modsOnly(200),
  },
  {
    route: 'DELETE /api/communities/:communityId/members/:userId/suspension',
    request: async () => {
      const target = await t.makeMember(communityId);
      const url = `/api/communities/${communityId}/members/${target.id}/suspension`;
      expect((await agents.moderator.put(url, { reason: 'Cooling off' })).statusCode).toBe(200);
      return { method: 'DELETE', url };
    },
    expect: modsOnly(204),
  },
  {
    route: 'PATCH /api/topics/:topicId/moderation (someone else’s topic)',
    request: async () => ({ method: 'PATCH', url: `/api/topics/${topicId}/moderation`, body: { pinned: true } }),
    expect: modsOnly(200),
  },
];

describe('role matrix', () => {
  it('every moderation route answers each role as the policy says', async () => {
    const failures: string[] = [];
    for (const row of matrix()) {
      for (const role of ROLES) {
        const req = await row.request(role);
        const res = await agents[role].request(req.method, req.url, req.body);
        if (res.statusCode !== row.expect[role]) failures.push(`${row.route} as ${role}: ${res.statusCode} (expected ${row.expect[role]}) ${res.body.slice(0, 120)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('a facilitator can lock, close and pin their own topics (author or guest), not others', async () => {
    const fac = users.facilitator;
    const own = await makeTopic(db(), { communityId, authorId: fac.id });
    const other = await t.makeMember(communityId, ['facilitator']);
    const guestOf = await makeTopic(db(), { communityId, authorId: other.id, facilitatorIds: [fac.id] });
    const notMine = await makeTopic(db(), { communityId, authorId: other.id });
    const lockOwn = await agents.facilitator.patch(`/api/topics/${own.id}/moderation`, { locked: true, closed: true, pinned: true });
    expect(lockOwn.statusCode, lockOwn.body).toBe(200);
    expect(lockOwn.json()).toMatchObject({ id: own.id, pinned: true });
    expect(lockOwn.json().lockedAt).toEqual(expect.any(String));
    expect(lockOwn.json().closedAt).toEqual(expect.any(String));
    expect((await agents.facilitator.patch(`/api/topics/${guestOf.id}/moderation`, { locked: true })).statusCode).toBe(200);
    const refused = await agents.facilitator.patch(`/api/topics/${notMine.id}/moderation`, { locked: true });
    expect(refused.statusCode).toBe(403);
    // A practitioner who opened a practice problem does not lock or pin it (moderators do).
    const problem = await makeTopic(db(), { communityId, authorId: users.practitioner.id, kind: 'problem' });
    expect((await agents.practitioner.patch(`/api/topics/${problem.id}/moderation`, { pinned: true })).statusCode).toBe(403);
    expect((await agents.moderator.patch(`/api/topics/${problem.id}/moderation`, { closed: true })).statusCode).toBe(200);
    // Unlock: one log entry per change, none for a no-op, and a topic.updated event each time.
    const before = await logCount('topic.moderate', own.id);
    expect((await agents.facilitator.patch(`/api/topics/${own.id}/moderation`, { locked: false })).json().lockedAt).toBeNull();
    expect((await agents.facilitator.patch(`/api/topics/${own.id}/moderation`, { locked: false })).statusCode).toBe(200);
    expect(await logCount('topic.moderate', own.id)).toBe(before + 1);
    const topicEvents = await db().select().from(events).where(and(eq(events.topicId, own.id), eq(events.name, 'topic.updated'))).orderBy(events.id);
    expect(topicEvents).toHaveLength(2);
    // The topic-list shape the REST API returns (the same as PATCH /api/topics/:id emits).
    expect(topicEvents[1]!.data).toMatchObject({ id: own.id, communityId, locked: false, pinned: true, status: 'closed' });
    expect((await agents.moderator.patch(`/api/topics/00000000-0000-4000-8000-000000000000/moderation`, { locked: true })).statusCode).toBe(404);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('removal and restore', () => {
  it('restores byte-identical content and the prior status, and logs both with the prior status', async () => {
    const tricky = 'Line one  \r\n\tIndented — “quotes” 👩🏽‍⚕️ Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǵ̌̚ o\u200b\n\n<b>not html</b> & ünïcödé ﬁ ';
    const html = '<p>Line one<br>\tIndented — “quotes” 👩🏽‍⚕️ &amp; ünïcödé ﬁ </p>\n';
    const id = await newPost({ bodyMd: tricky });
    await db().execute(sql`update posts set body_html = ${html}, version = 3, edited_at = now() where id = ${id}`);
    const original = await getPost(db(), id);

    const removed = await agents.moderator.post(`/api/posts/${id}/removal`, { reason: 'Shares a patient’s details' });
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ id, status: 'removed', statusReason: 'Shares a patient’s details' });
    const during = await getPost(db(), id);
    expect(during.bodyMd).toBe(tricky); // never deleted
    expect((await agents.moderator.post(`/api/posts/${id}/removal`, { reason: 'again' })).json().code).toBe('already_removed');

    const restored = await agents.moderator.delete(`/api/posts/${id}/removal`);
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toMatchObject({ status: 'published', statusReason: null });
    const after = await getPost(db(), id);
    expect(after).toEqual(original);
    expect(Buffer.from(after.bodyMd).equals(Buffer.from(tricky))).toBe(true);
    expect(Buffer.from(after.bodyHtml).equals(Buffer.from(html))).toBe(true);
    expect((await agents.moderator.delete(`/api/posts/${id}/removal`)).json().code).toBe('not_removed');

    const log = await db().select().from(moderationLog).where(eq(moderationLog.targetId, id)).orderBy(moderationLog.id);
    expect(log.map((e) => e.action)).toEqual(['post.remove', 'post.restore']);
    expect(log[0]).toMatchObject({ actorId: users.moderator.id, reason: 'Shares a patient’s details', before: { status: 'published', statusReason: null } });
    expect(log[1]).toMatchObject({ before: { status: 'removed' }, after: { status: 'published', statusReason: null } });
  });

  it('a removed pending post is restored as pending; a post hidden by flags is restored as published', async () => {
    const pending = await newPost({ status: 'pending' });
    await agents.moderator.post(`/api/posts/${pending}/removal`, { reason: 'spam' });
    expect((await agents.moderator.delete(`/api/posts/${pending}/removal`)).json().status).toBe('pending');
    const hidden = await newPost({ status: 'hidden' });
    await agents.moderator.post(`/api/posts/${hidden}/removal`, { reason: 'spam' });
    expect((await agents.moderator.delete(`/api/posts/${hidden}/removal`)).json().status).toBe('published');
  });

  it('removal resolves open flags as removed and records post.removed/restored as the post its author and moderators see', async () => {
    const id = await newPost({ bodyMd: 'secret words' });
    const flagger = await t.as(await t.makeMember(communityId));
    await flagger.post(`/api/posts/${id}/flags`, { reason: 'offensive', note: 'rude' });
    await agents.moderator.post(`/api/posts/${id}/removal`, { reason: 'Insulting a colleague' });
    const rows = await db().select().from(flags).where(eq(flags.postId, id));
    expect(rows.map((f) => f.resolution)).toEqual(['removed']);
    await agents.moderator.delete(`/api/posts/${id}/removal`);
    const evs = await eventsForPost(db(), id);
    expect(evs.map((e) => e.name)).toEqual(['post.removed', 'post.restored']);
    // The live filter re-presents these per subscriber (test/server/integration-moderation.test.ts).
    for (const e of evs) expect(e.data).toMatchObject({ id, topicId, author: { id: author.id }, bodyHtml: '<p>secret words</p>' });
    expect(evs[0]!.data).toMatchObject({ status: 'removed', removedByModerator: true, statusReason: 'Insulting a colleague' });
    expect(evs[1]!.data).toMatchObject({ status: 'published', removedByModerator: false, statusReason: null });
  });

  it('approves a held post once; approving a published post is a conflict', async () => {
    const id = await newPost({ status: 'pending' });
    const res = await agents.moderator.post(`/api/posts/${id}/approval`);
    expect(res.json()).toMatchObject({ id, status: 'published' });
    expect((await agents.moderator.post(`/api/posts/${id}/approval`)).json().code).toBe('not_pending');
    expect((await eventsForPost(db(), id)).map((e) => e.name)).toEqual(['post.approved']);
    expect(await logCount('post.approve', id)).toBe(1);
  });

  it('a note to the author is logged once and readable by the author (without the sender) and moderators', async () => {
    const id = await newPost();
    const sent = await agents.moderator.post(`/api/posts/${id}/author-note`, { message: 'Could you rephrase the second paragraph?' });
    expect(sent.statusCode).toBe(201);
    expect(await logCount('post.author_note', id)).toBe(1);
    const mine = await authorAgent.get(`/api/posts/${id}/author-notes`);
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items).toEqual([expect.objectContaining({ message: 'Could you rephrase the second paragraph?', sentBy: null })]);
    const mods = await agents.moderator.get(`/api/posts/${id}/author-notes`);
    expect(mods.json().items[0].sentBy).toMatchObject({ id: users.moderator.id });
  });

  it("the topic's notes go to each post's author and to moderators, not to other members", async () => {
    const topic = (await makeTopic(db(), { communityId, authorId: users.facilitator.id, title: 'Notes on a topic' })).id;
    const id = await newPost({ topic });
    const other = await newPost({ topic, authorId: users.practitioner.id });
    expect((await agents.moderator.post(`/api/posts/${id}/author-note`, { message: 'Please add a source.' })).statusCode).toBe(201);
    expect((await agents.moderator.post(`/api/posts/${other}/author-note`, { message: 'Mind the tone.' })).statusCode).toBe(201);
    const mine = (await authorAgent.get(`/api/topics/${topic}/author-notes`)).json().items;
    expect(mine).toEqual([expect.objectContaining({ postId: id, message: 'Please add a source.', sentBy: null })]);
    const practitioner = (await agents.practitioner.get(`/api/topics/${topic}/author-notes`)).json().items;
    expect(practitioner.map((n: { message: string }) => n.message)).toEqual(['Mind the tone.']);
    expect((await agents.facilitator.get(`/api/topics/${topic}/author-notes`)).json().items).toEqual([]);
    const mods = (await agents.moderator.get(`/api/topics/${topic}/author-notes`)).json().items;
    expect(mods.map((n: { postId: string }) => n.postId)).toEqual([id, other]);
    expect(mods[0].sentBy).toMatchObject({ id: users.moderator.id });
  });
});

// ---------------------------------------------------------------------------------------------------

describe('flags and auto-hide', () => {
  it('hides at the threshold of distinct members, not before; a second flag by one member is 409 and does not count', async () => {
    const c = (await t.makeCommunity()).id;
    const mod = await t.as(await t.makeMember(c, ['moderator']));
    expect((await mod.patch(`/api/communities/${c}/settings`, { autoHideThreshold: 3 })).statusCode).toBe(200); // the default: no change, no log
    expect(await db().select().from(moderationLog).where(eq(moderationLog.communityId, c))).toHaveLength(0);
    const writer = await t.makeMember(c);
    const topic = await makeTopic(db(), { communityId: c, authorId: writer.id });
    const id = await newPost({ community: c, topic: topic.id, authorId: writer.id });
    const [m1, m2, m3] = await Promise.all([1, 2, 3].map(async () => t.as(await t.makeMember(c))));

    expect((await m1!.post(`/api/posts/${id}/flags`, { reason: 'offensive', note: 'Name-calling' })).statusCode).toBe(201);
    expect((await m2!.post(`/api/posts/${id}/flags`, { reason: 'inappropriate' })).statusCode).toBe(201);
    const again = await m1!.post(`/api/posts/${id}/flags`, { reason: 'spam' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('already_flagged');
    expect((await getPost(db(), id)).status).toBe('published'); // 2 distinct members < 3
    expect(await logCount('post.auto_hide', id)).toBe(0);

    const third = await m3!.post(`/api/posts/${id}/flags`, { reason: 'offensive' });
    expect(third.statusCode).toBe(201);
    expect(third.json()).toMatchObject({ postId: id, reason: 'offensive', note: null });
    expect((await getPost(db(), id)).status).toBe('hidden');
    expect(await logCount('post.auto_hide', id)).toBe(1);
    const hideEvent = (await eventsForPost(db(), id)).find((e) => e.name === 'post.updated')!;
    expect(hideEvent.data).toMatchObject({ id, status: 'hidden' });
    expect(hideEvent.data).toMatchObject({ author: { id: writer.id } }); // redacted per subscriber by the live filter

    // A hidden post is not visible to members, so it takes no more flags.
    const m4 = await t.as(await t.makeMember(c));
    expect((await m4.post(`/api/posts/${id}/flags`, { reason: 'spam' })).json().code).toBe('post_not_flaggable');

    // Keep: flags resolved as kept, the post is published again; then it can be flagged afresh.
    const kept = await mod.post(`/api/posts/${id}/flags/dismiss`);
    expect(kept.json()).toMatchObject({ status: 'published' });
    const resolutions = await db().select({ r: flags.resolution }).from(flags).where(eq(flags.postId, id));
    expect(resolutions.map((r) => r.r)).toEqual(['kept', 'kept', 'kept']);
    expect((await mod.post(`/api/posts/${id}/flags/dismiss`)).json().code).toBe('no_open_flags');
    expect((await m1!.post(`/api/posts/${id}/flags`, { reason: 'spam' })).statusCode).toBe(201);
  });

  it('honours a changed threshold (1: the first flag hides) and refuses flagging one’s own post', async () => {
    const c = (await t.makeCommunity()).id;
    const mod = await t.as(await t.makeMember(c, ['moderator']));
    expect((await mod.patch(`/api/communities/${c}/settings`, { autoHideThreshold: 1 })).json()).toMatchObject({ autoHideThreshold: 1, premodNewMemberPosts: 0, searchLanguage: 'simple' });
    const writer = await t.makeMember(c);
    const topic = await makeTopic(db(), { communityId: c, authorId: writer.id });
    const id = await newPost({ community: c, topic: topic.id, authorId: writer.id });
    expect((await (await t.as(writer)).post(`/api/posts/${id}/flags`, { reason: 'spam' })).statusCode).toBe(403);
    await (await t.as(await t.makeMember(c))).post(`/api/posts/${id}/flags`, { reason: 'spam' });
    expect((await getPost(db(), id)).status).toBe('hidden');
  });

  it('rate-limits flagging per member', async () => {
    const flagger = await t.as(await t.makeMember(communityId));
    const ids = await makePosts(db(), 21, { communityId, topicId, authorId: author.id });
    const statuses: number[] = [];
    for (const id of ids) statuses.push((await flagger.post(`/api/posts/${id}/flags`, { reason: 'spam' })).statusCode);
    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(statuses[20]).toBe(429);
    // Another member is not affected.
    const other = await t.as(await t.makeMember(communityId));
    expect((await other.post(`/api/posts/${ids[20]}/flags`, { reason: 'spam' })).statusCode).toBe(201);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('review queue', () => {
  it('groups open flags by post with the post in context, the author’s history, and held posts; counts agree', async () => {
    const c = (await t.makeCommunity()).id;
    const mod = await t.as(await t.makeMember(c, ['moderator']));
    const writer = await t.makeMember(c, [], { displayName: 'Writer' });
    const topic = await makeTopic(db(), { communityId: c, authorId: writer.id, title: 'Feedback in clinics' });
    const parent = await newPost({ community: c, topic: topic.id, authorId: writer.id, bodyMd: 'The parent post text' });
    const reply = (await makePost(db(), { communityId: c, topicId: topic.id, authorId: writer.id, parentId: parent, bodyMd: 'A rude reply' })).id;
    const earlier = await newPost({ community: c, topic: topic.id, authorId: writer.id });
    await mod.post(`/api/posts/${earlier}/removal`, { reason: 'Earlier problem' });
    await mod.put(`/api/communities/${c}/members/${writer.id}/suspension`, { reason: 'Repeated rudeness' });
    const f1 = await t.makeMember(c, [], { displayName: 'Flagger One' });
    const f2 = await t.makeMember(c, [], { displayName: 'Flagger Two' });
    await (await t.as(f1)).post(`/api/posts/${reply}/flags`, { reason: 'offensive', note: 'Insulting' });
    await (await t.as(f2)).post(`/api/posts/${reply}/flags`, { reason: 'other', note: 'Not OK' });
    const held = await newPost({ community: c, topic: topic.id, authorId: writer.id, status: 'pending', bodyMd: 'Waiting' });

    const res = await mod.get(`/api/communities/${c}/moderation/queue`);
    expect(res.statusCode).toBe(200);
    const queue = res.json();
    expect(queue.flagged).toHaveLength(1);
    const item = queue.flagged[0];
    expect(item.post).toMatchObject({
      id: reply,
      status: 'published',
      bodyMd: 'A rude reply',
      topic: { id: topic.id, title: 'Feedback in clinics' },
      parent: { id: parent, excerpt: 'The parent post text', authorName: 'Writer' },
    });
    expect(item.author).toMatchObject({ id: writer.id, displayName: 'Writer', earlierRemovals: 1, suspension: { reason: 'Repeated rudeness', until: null } });
    expect(item.flags.map((f: { reason: string; note: string; flagger: { displayName: string } }) => [f.reason, f.note, f.flagger.displayName])).toEqual([
      ['offensive', 'Insulting', 'Flagger One'],
      ['other', 'Not OK', 'Flagger Two'],
    ]);
    expect(queue.pending.map((p: { post: { id: string } }) => p.post.id)).toEqual([held]);
    expect(queue.counts).toEqual({ flaggedPosts: 1, pendingPosts: 1, flaggedTopics: 0, pendingTopics: 0, total: 2 });
    // A bad page size is refused with a problem naming limit, and changes nothing.
    for (const limit of ['0', '100000', 'ten', '1.5']) {
      const bad = await mod.get(`/api/communities/${c}/moderation/queue?limit=${limit}`);
      expect(bad.statusCode, limit).toBe(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
      expect(bad.json()).toMatchObject({ status: 400, field: 'limit' });
    }
    expect((await mod.get(`/api/communities/${c}/moderation/counts`)).json()).toEqual({ flaggedPosts: 1, pendingPosts: 1, flaggedTopics: 0, pendingTopics: 0, total: 2 });
    await mod.post(`/api/posts/${reply}/flags/dismiss`);
    await mod.post(`/api/posts/${held}/approval`);
    expect((await mod.get(`/api/communities/${c}/moderation/counts`)).json()).toEqual({ flaggedPosts: 0, pendingPosts: 0, flaggedTopics: 0, pendingTopics: 0, total: 0 });
  });
});

// ---------------------------------------------------------------------------------------------------

describe('suspension', () => {
  it('a suspended member can read but not flag or post; lifting restores them; both are logged and evented', async () => {
    const member = await t.makeMember(communityId);
    const agent = await t.as(member);
    const url = `/api/communities/${communityId}/members/${member.id}/suspension`;
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const res = await agents.moderator.put(url, { reason: 'Cooling-off period', until });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ userId: member.id, reason: 'Cooling-off period', until });

    const flag = await agent.post(`/api/posts/${await newPost()}/flags`, { reason: 'spam' });
    expect(flag.statusCode).toBe(403);
    expect(flag.json().code).toBe('member_suspended');
    expect((await agent.get(`/api/communities/${communityId}`)).statusCode).toBe(200); // can still read

    const membership = await findMembership(db(), communityId, member.id);
    expect(membership?.suspended).toBe(true);
    // Only them: another member of this community is unaffected (regression: the subquery once matched everyone).
    expect((await findMembership(db(), communityId, users.practitioner.id))?.suspended).toBe(false);
    const ctx = { community: { id: communityId, joinPolicy: 'invite' as const }, membership, topic: { authorId: author.id, facilitatorIds: [], kind: 'cpd' as const, upcoming: false } };
    const actor = { id: member.id, isAdmin: false, displayName: 'x' };
    expect(can(actor, 'post.create', ctx)).toBe(false);
    expect(can(actor, 'post.acknowledge', { ...ctx, post: { authorId: author.id } })).toBe(false);
    expect(can(actor, 'topic.read', ctx)).toBe(true);

    const members = (await agents.moderator.get(`/api/communities/${communityId}/members`)).json().items;
    expect(members.find((m: { userId: string }) => m.userId === member.id).suspended).toBe(true);

    expect((await agents.moderator.delete(url)).statusCode).toBe(204);
    expect((await agents.moderator.delete(url)).json().code).toBe('not_suspended');
    const lifted = await findMembership(db(), communityId, member.id);
    expect(can(actor, 'post.create', { ...ctx, membership: lifted })).toBe(true);
    expect((await agent.post(`/api/posts/${await newPost()}/flags`, { reason: 'spam' })).statusCode).toBe(201);

    expect(await logCount('member.suspend', member.id)).toBe(1);
    expect(await logCount('member.unsuspend', member.id)).toBe(1);
    const evs = await db().select({ name: events.name, data: events.data }).from(events).where(sql`${events.data}->>'userId' = ${member.id}`).orderBy(events.id);
    expect(evs).toEqual([
      { name: 'member.suspended', data: { userId: member.id, until } },
      { name: 'member.unsuspended', data: { userId: member.id } },
    ]);
  });

  it('refuses a past date, self-suspension and unknown members', async () => {
    const member = await t.makeMember(communityId);
    const url = `/api/communities/${communityId}/members/${member.id}/suspension`;
    const past = await agents.moderator.put(url, { reason: 'x', until: '2001-01-01T00:00:00Z' });
    expect(past.statusCode).toBe(400);
    expect(past.json().field).toBe('until');
    expect((await agents.moderator.put(`/api/communities/${communityId}/members/${users.moderator.id}/suspension`, { reason: 'x' })).json().code).toBe('cannot_suspend_self');
    expect((await agents.moderator.put(`/api/communities/${communityId}/members/${users.nonMember.id}/suspension`, { reason: 'x' })).statusCode).toBe(404);
    expect(await logCount('member.suspend', member.id)).toBe(0);
  });

  it('removing a membership (managers) is logged and evented', async () => {
    const member = await t.makeMember(communityId);
    expect((await agents.manager.delete(`/api/communities/${communityId}/members/${member.id}`)).statusCode).toBe(204);
    expect(await logCount('member.remove', member.id)).toBe(1);
    const evs = await db().select().from(events).where(and(eq(events.name, 'member.removed'), sql`${events.data}->>'userId' = ${member.id}`));
    expect(evs).toHaveLength(1);
    expect((await agents.manager.delete(`/api/communities/${communityId}/members/${member.id}`)).statusCode).toBe(404);
    expect(await logCount('member.remove', member.id)).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('watched words and pre-moderation', () => {
  it('blocks and holds as configured, case-insensitively and across Unicode normalisation, on word boundaries', async () => {
    const c = (await t.makeCommunity()).id;
    const mod = await t.as(await t.makeMember(c, ['moderator']));
    const put = await mod.put(`/api/communities/${c}/watched-words`, {
      words: [
        { phrase: 'bad', action: 'block' },
        { phrase: '  Needs   Review ', action: 'hold' },
        { phrase: 'fix', action: 'hold' },
        { phrase: 'strasse', action: 'hold' },
      ],
    });
    expect(put.statusCode).toBe(200);
    // Stored exactly as sent; only matching ignores the whitespace around and inside a phrase.
    expect(put.json().words[1]).toEqual({ phrase: '  Needs   Review ', action: 'hold' });
    expect((await mod.get(`/api/communities/${c}/watched-words`)).json().words.map((w: { phrase: string }) => w.phrase)).toEqual(['bad', '  Needs   Review ', 'fix', 'strasse']);

    const check = (text: string) => checkWatchedWords(db(), c, text);
    expect(await check('This is BAD.')).toEqual({ action: 'block', phrase: 'bad' });
    expect(await check('this is ｂａｄ')).toEqual({ action: 'block', phrase: 'bad' }); // full-width
    expect(await check('ＢＡＤ practice')).toEqual({ action: 'block', phrase: 'bad' });
    expect(await check('b\u200Bad idea')).toEqual({ action: 'block', phrase: 'bad' }); // zero-width space
    expect(await check('a badge and abad')).toBeNull(); // word boundaries
    expect(await check('this needs\n  review please')).toEqual({ action: 'hold', phrase: '  Needs   Review ' });
    expect(await check('please ﬁx it')).toEqual({ action: 'hold', phrase: 'fix' }); // ligature
    expect(await check('Hauptstraße')).toBeNull();
    expect(await check('Die STRASSE und die Straße')).toEqual({ action: 'hold', phrase: 'strasse' }); // ß folds to ss
    expect(await check('needs review, and bad')).toEqual({ action: 'block', phrase: 'bad' }); // block wins
    expect(await check('all good')).toBeNull();

    expect(await logCount('watched_words.update', c)).toBe(1);
    const entry = (await db().select().from(moderationLog).where(eq(moderationLog.targetId, c)))[0]!;
    expect(entry.before).toEqual({ words: [] });
    expect((entry.after as { words: unknown[] }).words).toHaveLength(4);
  });

  it('refuses duplicate phrases (after normalisation) and blank ones, naming the entry', async () => {
    const c = (await t.makeCommunity()).id;
    const mod = await t.as(await t.makeMember(c, ['moderator']));
    const dup = await mod.put(`/api/communities/${c}/watched-words`, { words: [{ phrase: 'bad', action: 'block' }, { phrase: 'ＢＡＤ', action: 'hold' }] });
    expect(dup.statusCode).toBe(400);
    expect(dup.json()).toMatchObject({ code: 'duplicate_phrase', field: 'words.1.phrase' });
    const blank = await mod.put(`/api/communities/${c}/watched-words`, { words: [{ phrase: '   ', action: 'block' }] });
    expect(blank.json()).toMatchObject({ status: 400, code: 'empty_text', field: 'words.0.phrase' });
    // Whitespace is not what makes two phrases different.
    const spaced = await mod.put(`/api/communities/${c}/watched-words`, { words: [{ phrase: 'very bad', action: 'block' }, { phrase: ' very\u00A0\u2003bad', action: 'hold' }] });
    expect(spaced.json()).toMatchObject({ code: 'duplicate_phrase', field: 'words.1.phrase' });
    expect(await logCount('watched_words.update', c)).toBe(0);
  });

  it('stores phrases exactly as sent, punctuation and every kind of whitespace included, and matches them', async () => {
    const c = (await t.makeCommunity()).id;
    const mod = await t.as(await t.makeMember(c, ['moderator']));
    const words = [
      { phrase: 'e-mail', action: 'block' },
      { phrase: 'a/b test', action: 'hold' },
      { phrase: 'no\u00A0way\u2003out\u3000', action: 'hold' },
      { phrase: '\tC++ (really)?', action: 'hold' },
    ];
    const put = await mod.put(`/api/communities/${c}/watched-words`, { words });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().words).toEqual(words);
    expect((await mod.get(`/api/communities/${c}/watched-words`)).json().words).toEqual(words);
    const check = (text: string) => checkWatchedWords(db(), c, text);
    expect(await check('Send me an E-MAIL.')).toEqual({ action: 'block', phrase: 'e-mail' });
    expect(await check('send an email')).toBeNull();
    expect(await check('run an A/B test')).toMatchObject({ phrase: 'a/b test' });
    expect(await check('there is no way out')).toMatchObject({ phrase: 'no\u00A0way\u2003out\u3000' });
    expect(await check('I write c++ (really)? yes')).toMatchObject({ phrase: '\tC++ (really)?' });
  });

  it('needsPremoderation: a member’s first N posts wait; role holders never do; 0 turns it off', async () => {
    const c = (await t.makeCommunity()).id;
    const mod = await t.as(await t.makeMember(c, ['moderator']));
    const newbie = await t.makeMember(c);
    const fac = await t.makeMember(c, ['facilitator']);
    const topic = await makeTopic(db(), { communityId: c, authorId: fac.id });
    expect(await needsPremoderation(db(), c, newbie.id)).toBe(false);
    await mod.patch(`/api/communities/${c}/settings`, { premodNewMemberPosts: 2 });
    expect(await needsPremoderation(db(), c, newbie.id)).toBe(true);
    expect(await needsPremoderation(db(), c, fac.id)).toBe(false);
    await newPost({ community: c, topic: topic.id, authorId: newbie.id });
    await newPost({ community: c, topic: topic.id, authorId: newbie.id, status: 'pending' }); // not yet counted
    expect(await needsPremoderation(db(), c, newbie.id)).toBe(true);
    await newPost({ community: c, topic: topic.id, authorId: newbie.id });
    expect(await needsPremoderation(db(), c, newbie.id)).toBe(false);
    const settingsLog = await db().select().from(moderationLog).where(and(eq(moderationLog.communityId, c), eq(moderationLog.action, 'settings.update')));
    expect(settingsLog).toHaveLength(1);
    expect(settingsLog[0]).toMatchObject({ before: { premodNewMemberPosts: 0 }, after: { premodNewMemberPosts: 2 } });
  });
});

// ---------------------------------------------------------------------------------------------------

describe('audit log', () => {
  it('has exactly one entry per action, newest first, with keyset pagination and filters', async () => {
    const c = (await t.makeCommunity()).id;
    const mod = await t.as(await t.makeMember(c, ['moderator']));
    const manager = await t.as(await t.makeMember(c, ['manager']));
    const writer = await t.makeMember(c);
    const topic = await makeTopic(db(), { communityId: c, authorId: writer.id });
    await mod.patch(`/api/communities/${c}/settings`, { autoHideThreshold: 1 });
    const flagged = await newPost({ community: c, topic: topic.id, authorId: writer.id });
    const flagger = await t.as(await t.makeMember(c));
    await flagger.post(`/api/posts/${flagged}/flags`, { reason: 'spam' }); // auto-hide (threshold 1)
    await mod.post(`/api/posts/${flagged}/flags/dismiss`);
    const p = await newPost({ community: c, topic: topic.id, authorId: writer.id });
    await mod.post(`/api/posts/${p}/removal`, { reason: 'Off-topic advert' });
    await mod.delete(`/api/posts/${p}/removal`);
    const held = await newPost({ community: c, topic: topic.id, authorId: writer.id, status: 'pending' });
    await mod.post(`/api/posts/${held}/approval`);
    await mod.post(`/api/posts/${p}/author-note`, { message: 'Thanks for fixing it' });
    await mod.put(`/api/communities/${c}/watched-words`, { words: [{ phrase: 'spam', action: 'hold' }] });
    await mod.put(`/api/communities/${c}/members/${writer.id}/suspension`, { reason: 'Cooling off' });
    await mod.delete(`/api/communities/${c}/members/${writer.id}/suspension`);
    await mod.patch(`/api/topics/${topic.id}/moderation`, { locked: true });
    await manager.delete(`/api/communities/${c}/members/${writer.id}`);

    const expected = [
      'settings.update',
      'post.auto_hide',
      'flags.dismiss',
      'post.remove',
      'post.restore',
      'post.approve',
      'post.author_note',
      'watched_words.update',
      'member.suspend',
      'member.unsuspend',
      'topic.moderate',
      'member.remove',
    ];
    const all: Array<{ id: string; action: string; actor: { id: string } | null }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await manager.get(`/api/communities/${c}/moderation/log?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      all.push(...res.json().items);
      cursor = res.json().nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(all.map((e) => e.action)).toEqual([...expected].reverse());
    expect(all.find((e) => e.action === 'post.auto_hide')!.actor).toBeNull();

    const removals = (await mod.get(`/api/communities/${c}/moderation/log?action=post.remove`)).json().items;
    expect(removals).toHaveLength(1);
    expect(removals[0]).toMatchObject({ targetType: 'post', targetId: p, reason: 'Off-topic advert', before: { status: 'published' } });
    const aboutWriter = (await mod.get(`/api/communities/${c}/moderation/log?memberId=${writer.id}`)).json().items.map((e: { action: string }) => e.action);
    expect(aboutWriter.sort()).toEqual(
      // …and what was done to their topic (it is content too).
      ['post.auto_hide', 'flags.dismiss', 'post.remove', 'post.restore', 'post.approve', 'post.author_note', 'member.suspend', 'member.unsuspend', 'member.remove', 'topic.moderate'].sort(),
    );
    // Names and places instead of ids (issue 16): the member acted on, a post's topic to link to, a topic's
    // title, and the people named in before/after.
    type Entry = { action: string; target: { name: string | null; topicId: string | null; postId: string | null }; names: Record<string, string>; after: unknown };
    const byAction = (action: string) => (all as unknown as Entry[]).find((e) => e.action === action)!;
    expect(byAction('post.remove').target).toEqual({ name: topic.title, topicId: topic.id, postId: p });
    expect(byAction('topic.moderate').target).toEqual({ name: topic.title, topicId: topic.id, postId: null });
    expect(byAction('member.suspend').target).toEqual({ name: writer.displayName, topicId: null, postId: null });
    expect(byAction('post.author_note').names).toEqual({ [writer.id]: writer.displayName });
    expect(byAction('settings.update').target).toEqual({ name: null, topicId: null, postId: null });
    expect(byAction('settings.update').names).toEqual({});
    expect((await mod.get(`/api/communities/${c}/moderation/log?action=nonsense`)).statusCode).toBe(400);
    expect((await mod.get(`/api/communities/${c}/moderation/log?cursor=abc`)).statusCode).toBe(400);
  });

  it('refuses UPDATE, DELETE and TRUNCATE at the database level', async () => {
    const id = await newPost();
    await agents.moderator.post(`/api/posts/${id}/removal`, { reason: 'evidence' });
    const before = await countRows('moderation_log');
    expect(await databaseError(db().execute(sql`update moderation_log set reason = 'tampered' where target_id = ${id}`))).toMatch(/append-only/);
    expect(await databaseError(db().execute(sql`delete from moderation_log where target_id = ${id}`))).toMatch(/append-only/);
    expect(await databaseError(db().execute(sql`truncate moderation_log`))).toMatch(/append-only/);
    expect(await databaseError(db().update(moderationLog).set({ reason: 'x' }).where(eq(moderationLog.targetId, id)))).toMatch(/append-only/);
    expect(await databaseError(db().delete(moderationLog))).toMatch(/append-only/);
    expect(await countRows('moderation_log')).toBe(before);
    const [row] = await db().select().from(moderationLog).where(eq(moderationLog.targetId, id));
    expect(row!.reason).toBe('evidence');
  });
});

// ---------------------------------------------------------------------------------------------------

describe('bad input', () => {
  const problem = (res: { statusCode: number; json(): any }) => {
    expect(res.statusCode).toBe(400);
    return res.json();
  };

  it('every body-taking route: missing, wrong type, unknown enum, oversize, NUL, unknown field → 400 naming the field, nothing written', async () => {
    const postId = await newPost();
    const member = (await t.makeMember(communityId)).id;
    const routes: Array<{ agent: Agent; method: 'POST' | 'PUT' | 'PATCH'; url: string; valid: Record<string, unknown>; field: string; wrong: unknown; oversize?: unknown; enumBad?: unknown }> = [
      { agent: agents.practitioner, method: 'POST', url: `/api/posts/${postId}/flags`, valid: { reason: 'spam', note: 'n' }, field: 'reason', wrong: 5, enumBad: 'boring' },
      { agent: agents.practitioner, method: 'POST', url: `/api/posts/${postId}/flags`, valid: { reason: 'spam', note: 'n' }, field: 'note', wrong: ['x'], oversize: 'x'.repeat(1001) },
      { agent: agents.moderator, method: 'POST', url: `/api/posts/${postId}/removal`, valid: { reason: 'r' }, field: 'reason', wrong: true, oversize: 'x'.repeat(1001) },
      { agent: agents.moderator, method: 'POST', url: `/api/posts/${postId}/author-note`, valid: { message: 'm' }, field: 'message', wrong: {}, oversize: 'x'.repeat(4001) },
      { agent: agents.moderator, method: 'PUT', url: `/api/communities/${communityId}/members/${member}/suspension`, valid: { reason: 'r' }, field: 'reason', wrong: 1, oversize: 'x'.repeat(1001) },
      { agent: agents.moderator, method: 'PUT', url: `/api/communities/${communityId}/members/${member}/suspension`, valid: { reason: 'r', until: '2999-01-01T00:00:00Z' }, field: 'until', wrong: 12, enumBad: 'next tuesday' },
      { agent: agents.moderator, method: 'PUT', url: `/api/communities/${communityId}/watched-words`, valid: { words: [] }, field: 'words', wrong: 'bad', oversize: Array.from({ length: 501 }, (_, i) => ({ phrase: `w${i}`, action: 'block' })) },
      { agent: agents.moderator, method: 'PATCH', url: `/api/communities/${communityId}/settings`, valid: { autoHideThreshold: 3 }, field: 'autoHideThreshold', wrong: '3', oversize: 51, enumBad: 0 },
      { agent: agents.moderator, method: 'PATCH', url: `/api/communities/${communityId}/settings`, valid: { premodNewMemberPosts: 1 }, field: 'premodNewMemberPosts', wrong: 1.5, oversize: 21, enumBad: -1 },
      { agent: agents.moderator, method: 'PATCH', url: `/api/topics/${topicId}/moderation`, valid: { locked: true }, field: 'locked', wrong: 'yes' },
    ];
    const tables = ['flags', 'moderation_log', 'suspensions', 'watched_words', 'events'];
    const snapshot = async () => Promise.all(tables.map(countRows));
    const before = await snapshot();
    const settingsBefore = (await agents.moderator.get(`/api/communities/${communityId}/settings`)).json();
    for (const r of routes) {
      const label = `${r.method} ${r.url} ${r.field}`;
      const { [r.field]: _omit, ...missing } = r.valid;
      if (r.field !== 'note' && r.field !== 'until' && r.method !== 'PATCH') {
        expect(problem(await r.agent.request(r.method, r.url, missing)).field, label).toBe(r.field);
      }
      expect(problem(await r.agent.request(r.method, r.url, { ...r.valid, [r.field]: r.wrong })).field, label).toBe(r.field);
      if (r.oversize !== undefined) expect(problem(await r.agent.request(r.method, r.url, { ...r.valid, [r.field]: r.oversize })).field, label).toBe(r.field);
      if (r.enumBad !== undefined) expect(problem(await r.agent.request(r.method, r.url, { ...r.valid, [r.field]: r.enumBad })).field, label).toBe(r.field);
      if (typeof r.valid[r.field] === 'string') {
        const nul = problem(await r.agent.request(r.method, r.url, { ...r.valid, [r.field]: 'a\u0000b' }));
        expect(nul, label).toMatchObject({ code: 'invalid_characters', field: r.field });
      }
      expect(problem(await r.agent.request(r.method, r.url, { ...r.valid, extra: 1 })).field, label).toBe('extra');
    }
    // Blank text after trimming and empty PATCH bodies.
    expect(problem(await agents.moderator.post(`/api/posts/${postId}/removal`, { reason: '   ' })).field).toBe('reason');
    expect(problem(await agents.moderator.post(`/api/posts/${postId}/author-note`, { message: '\n\t' })).field).toBe('message');
    expect((await agents.moderator.patch(`/api/communities/${communityId}/settings`, {})).statusCode).toBe(400);
    expect((await agents.moderator.patch(`/api/topics/${topicId}/moderation`, {})).statusCode).toBe(400);
    expect(problem(await agents.moderator.put(`/api/communities/${communityId}/watched-words`, { words: [{ phrase: 'x', action: 'ban' }] })).field).toBe('words.0.action');
    expect(problem(await agents.moderator.put(`/api/communities/${communityId}/watched-words`, { words: [{ phrase: 'x\u0000', action: 'block' }] })).field).toBe('words.0.phrase');
    expect((await agents.moderator.post(`/api/posts/not-a-uuid/removal`, { reason: 'r' })).statusCode).toBe(400);

    expect(await snapshot()).toEqual(before);
    expect((await agents.moderator.get(`/api/communities/${communityId}/settings`)).json()).toEqual(settingsBefore);
    expect((await getPost(db(), postId)).status).toBe('published');
  });

  it('naughty strings through flag notes, removal reasons and watched-word phrases: accepted or cleanly refused, never 5xx', async () => {
    const strings = naughtyStrings();
    const c = (await t.makeCommunity()).id;
    const mod = await t.as(await t.makeMember(c, ['moderator']));
    const writer = await t.makeMember(c);
    const topic = await makeTopic(db(), { communityId: c, authorId: writer.id });
    const flagPosts = await makePosts(db(), strings.length, { communityId: c, topicId: topic.id, authorId: writer.id });
    const removePosts = await makePosts(db(), strings.length, { communityId: c, topicId: topic.id, authorId: writer.id });
    await mod.patch(`/api/communities/${c}/settings`, { autoHideThreshold: 50 });

    const outcomes = { flag: new Map<number, number>(), removal: new Map<number, number>(), phrase: new Map<number, number>() };
    const tally = (m: Map<number, number>, s: number) => m.set(s, (m.get(s) ?? 0) + 1);
    let flagger: Agent | null = null;
    for (let i = 0; i < strings.length; i++) {
      const s = strings[i]!;
      if (i % 19 === 0) flagger = await t.as(await t.makeMember(c)); // stay under the per-member rate limit
      const f = await flagger!.post(`/api/posts/${flagPosts[i]}/flags`, { reason: 'other', note: s });
      tally(outcomes.flag, f.statusCode);
      expect([201, 400], `flag note ${JSON.stringify(s)}`).toContain(f.statusCode);
      if (f.statusCode === 201) expect(f.json().note).toBe(s);
      else expect(f.json().field, `flag note ${JSON.stringify(s)}`).toBe('note');

      const r = await mod.post(`/api/posts/${removePosts[i]}/removal`, { reason: s });
      tally(outcomes.removal, r.statusCode);
      expect([200, 400], `removal reason ${JSON.stringify(s)}`).toContain(r.statusCode);
      if (r.statusCode === 200) expect((await getPost(db(), removePosts[i]!)).statusReason).toBe(s);
      else expect(r.json().field, `removal reason ${JSON.stringify(s)}`).toBe('reason');

      const w = await mod.put(`/api/communities/${c}/watched-words`, { words: [{ phrase: s, action: 'block' }] });
      tally(outcomes.phrase, w.statusCode);
      expect([200, 400], `phrase ${JSON.stringify(s)}`).toContain(w.statusCode);
      if (w.statusCode === 200) {
        // Stored exactly, and every accepted phrase matches a post consisting of itself.
        expect(w.json().words[0].phrase).toBe(s);
        expect((await mod.get(`/api/communities/${c}/watched-words`)).json().words[0].phrase).toBe(s);
        expect(await checkWatchedWords(db(), c, s), `self-match ${JSON.stringify(s)}`).toMatchObject({ action: 'block' });
      } else {
        // Refused for a reason about the phrase itself, never as if the request were broken.
        expect(w.json().field, `phrase ${JSON.stringify(s)}`).toBe('words.0.phrase');
        expect(['empty_text', 'invalid_characters', 'validation_failed'], `phrase ${JSON.stringify(s)}`).toContain(w.json().code);
      }
    }
    // Most strings are ordinary enough to be accepted everywhere.
    expect(outcomes.flag.get(201)!).toBeGreaterThan(strings.length / 2);
    expect(outcomes.removal.get(200)!).toBeGreaterThan(strings.length / 2);
    expect(outcomes.phrase.get(200)!).toBeGreaterThan(strings.length / 2);
  }, 400_000);
});
