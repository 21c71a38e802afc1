// Search shows exactly what a member could open, role by role: the SQL rules of domain/visibility-sql.ts
// are checked against what the topic and posts routes (the JS rules of visibility.ts and topic-access.ts)
// show the same member. Nothing hidden — removed, held, hidden, withdrawn, unanswered answer-first,
// scheduled, upcoming, another community — is found, and no snippet quotes it.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Agent, type TestApp } from '../helpers/app.js';

let t: TestApp;
const db = () => t.testDb.database;

type Hit = { type: string; id: string; snippetHtml: string; titleHtml: string };
type Role = 'practitioner' | 'answerer' | 'writer' | 'facilitator' | 'guest' | 'moderator' | 'admin' | 'outsider';

const agents = {} as Record<Role, Agent>;
let communityId: string;
let otherCommunityId: string;
const topicIds: string[] = [];
const ids = {} as Record<string, string>;

/** Every page of a search, following nextCursor; checks that the pages hold exactly `total` items. */
async function searchAll(agent: Agent, query: string, pageSize = 4) {
  const hits: Hit[] = [];
  let cursor: string | null = null;
  let total = -1;
  do {
    const res = await agent.get(`/api/search?q=${encodeURIComponent(query)}&limit=${pageSize}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: Hit[]; nextCursor: string | null; total: number };
    if (total >= 0) expect(body.total).toBe(total);
    total = body.total;
    hits.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  expect(hits).toHaveLength(total);
  expect(new Set(hits.map((h) => `${h.type}:${h.id}`)).size).toBe(total);
  return hits;
}

/**
 * What the topic and posts routes show this member that contains `word`, as search hit keys, in the
 * community they belong to (the admin may open any community's topics, but searches only their own).
 */
async function openable(agent: Agent, word: string, memberOf: string) {
  const keys: string[] = [];
  for (const topicId of topicIds) {
    const res = await agent.get(`/api/topics/${topicId}`);
    if (res.statusCode !== 200) continue;
    const topic = res.json();
    if (topic.communityId !== memberOf) continue;
    if (topic.moderationStatus !== 'published') continue; // placeholders and held topics are not searched
    // The text as shown (the markdown source goes only to those who may edit it).
    if (`${topic.title} ${topic.bodyHtml}`.includes(word)) keys.push(`topic:${topic.id}`);
    for (const prompt of topic.prompts) if (prompt.bodyHtml.includes(word)) keys.push(`prompt:${prompt.id}`);
    const posts = (await agent.get(`/api/topics/${topicId}/posts?limit=200`)).json();
    for (const post of posts.items) if (post.status === 'published' && post.bodyHtml?.includes(word)) keys.push(`post:${post.id}`);
  }
  return keys.sort();
}

beforeAll(async () => {
  t = await createTestApp();
  const c = await t.makeCommunity();
  communityId = c.id;
  otherCommunityId = (await t.makeCommunity()).id;
  const users = {
    practitioner: await t.makeMember(c.id),
    answerer: await t.makeMember(c.id),
    writer: await t.makeMember(c.id),
    facilitator: await t.makeMember(c.id, ['facilitator']),
    guest: await t.makeMember(c.id),
    moderator: await t.makeMember(c.id, ['moderator']),
    admin: await t.makeMember(c.id),
    outsider: await t.makeMember(otherCommunityId),
  };
  await db().rows(sql`update users set is_admin = true where id = ${users.admin.id}`);
  for (const [role, user] of Object.entries(users)) agents[role as Role] = await t.as(user);
  const { facilitator: F, writer: W, answerer: A, moderator: M, outsider: O } = agents;

  // A CPD topic with an open prompt, an answer-first prompt and a scheduled one; a guest facilitator.
  const cpd = (
    await F.post(`/api/communities/${c.id}/topics`, {
      kind: 'cpd',
      title: 'Zebrafinch pedagogy',
      article: 'An article about zebrafinch feedback.',
      facilitatorIds: [users.guest.id],
      prompts: [
        { body: 'Open zebrafinch prompt' },
        { body: 'Answer-first zebrafinch prompt', answerFirst: true },
        { body: 'Scheduled zebrafinch prompt', releaseAt: new Date(Date.now() + 86_400_000).toISOString() },
      ],
    })
  ).json();
  topicIds.push(cpd.id);
  const [open, answerFirst] = cpd.prompts as Array<{ id: string }>;
  ids.scheduledPrompt = (await db().rows<{ id: string }>(sql`select id from prompts where topic_id = ${cpd.id} and position = 3`))[0]!.id;
  ids.openReply = (await W.post(`/api/topics/${cpd.id}/posts`, { body: 'zebrafinch open reply', promptId: open!.id })).json().id;
  ids.writerAnswer = (await W.post(`/api/topics/${cpd.id}/posts`, { body: 'zebrafinch answer-first reply afsecret', promptId: answerFirst!.id })).json().id;
  ids.answererAnswer = (await A.post(`/api/topics/${cpd.id}/posts`, { body: 'zebrafinch my own answer', promptId: answerFirst!.id })).json().id;
  ids.scheduledReply = (await W.post(`/api/topics/${cpd.id}/posts`, { body: 'zebrafinch early reply schedsecret', promptId: open!.id })).json().id;
  await db().rows(sql`update posts set prompt_id = ${ids.scheduledPrompt} where id = ${ids.scheduledReply}`);

  // An upcoming CPD topic (its reply written before it was moved into the future).
  const upcoming = (await F.post(`/api/communities/${c.id}/topics`, { kind: 'cpd', title: 'Upcoming zebrafinch', article: 'Soon upsecret zebrafinch', prompts: [{ body: 'Later' }] })).json();
  topicIds.push(upcoming.id);
  ids.upcomingReply = (await W.post(`/api/topics/${upcoming.id}/posts`, { body: 'zebrafinch before opening' })).json().id;
  await db().rows(sql`update topics set opens_at = now() + interval '2 days' where id = ${upcoming.id}`);

  // A practice problem with a reply in every state.
  const problem = (await W.post(`/api/communities/${c.id}/topics`, { kind: 'problem', title: 'Zebrafinch problem', body: 'How do I zebrafinch?' })).json();
  topicIds.push(problem.id);
  ids.published = (await A.post(`/api/topics/${problem.id}/posts`, { body: 'zebrafinch published reply' })).json().id;
  ids.removed = (await A.post(`/api/topics/${problem.id}/posts`, { body: 'zebrafinch removed reply remsecret' })).json().id;
  await M.post(`/api/posts/${ids.removed}/removal`, { reason: 'Off topic' });
  ids.pending = (await W.post(`/api/topics/${problem.id}/posts`, { body: 'zebrafinch held reply heldsecret' })).json().id;
  await db().rows(sql`update posts set status = 'pending' where id = ${ids.pending}`);
  ids.hidden = (await A.post(`/api/topics/${problem.id}/posts`, { body: 'zebrafinch flagged reply hidsecret' })).json().id;
  await db().rows(sql`update posts set status = 'hidden' where id = ${ids.hidden}`);
  ids.withdrawn = (await W.post(`/api/topics/${problem.id}/posts`, { body: 'zebrafinch withdrawn reply wdsecret' })).json().id;
  expect((await W.delete(`/api/posts/${ids.withdrawn}`)).statusCode).toBe(200);

  // A held topic and a removed one, each with a reply.
  const held = (await W.post(`/api/communities/${c.id}/topics`, { kind: 'problem', title: 'Held zebrafinch', body: 'zebrafinch heldtopicsecret' })).json();
  topicIds.push(held.id);
  await A.post(`/api/topics/${held.id}/posts`, { body: 'zebrafinch in a held topic' });
  await db().rows(sql`update topics set moderation_status = 'pending' where id = ${held.id}`);
  const removed = (await W.post(`/api/communities/${c.id}/topics`, { kind: 'problem', title: 'Removed zebrafinch', body: 'zebrafinch removedtopicsecret' })).json();
  topicIds.push(removed.id);
  await A.post(`/api/topics/${removed.id}/posts`, { body: 'zebrafinch in a removed topic' });
  expect((await M.post(`/api/topics/${removed.id}/removal`, { reason: 'Duplicate' })).statusCode).toBe(200);

  // Another community.
  const elsewhere = (await O.post(`/api/communities/${otherCommunityId}/topics`, { kind: 'problem', title: 'Elsewhere zebrafinch', body: 'zebrafinch othersecret' })).json();
  topicIds.push(elsewhere.id);
  await O.post(`/api/topics/${elsewhere.id}/posts`, { body: 'zebrafinch in another community' });
});
afterAll(async () => t?.close());

describe('search visibility, role by role', () => {
  const roles: Role[] = ['practitioner', 'answerer', 'writer', 'facilitator', 'guest', 'moderator', 'admin', 'outsider'];
  for (const role of roles) {
    it(`${role}: finds exactly what the topic and posts routes show them, across pages whose count agrees`, async () => {
      const found = (await searchAll(agents[role], 'zebrafinch')).map((h) => `${h.type}:${h.id}`).sort();
      expect(found).toEqual(await openable(agents[role], 'zebrafinch', role === 'outsider' ? otherCommunityId : communityId));
      expect(found.length).toBeGreaterThan(0);
    });
  }

  it('the expected differences between roles hold (the matrix above is not vacuous)', async () => {
    const keysOf = async (role: Role) => new Set((await searchAll(agents[role], 'zebrafinch', 50)).map((h) => `${h.type}:${h.id}`));
    const practitioner = await keysOf('practitioner');
    const answerer = await keysOf('answerer');
    const facilitator = await keysOf('facilitator');
    const guest = await keysOf('guest');
    const moderator = await keysOf('moderator');
    const writer = await keysOf('writer');
    // Answer-first: others' answers only once one has answered; one's own always; moderators and facilitators always.
    expect(practitioner.has(`post:${ids.writerAnswer}`)).toBe(false);
    expect(answerer.has(`post:${ids.writerAnswer}`)).toBe(true);
    expect(moderator.has(`post:${ids.writerAnswer}`)).toBe(true);
    expect(guest.has(`post:${ids.writerAnswer}`)).toBe(true);
    // Scheduled prompts and their replies: facilitators (the guest too) and the reply's own author.
    expect(practitioner.has(`prompt:${ids.scheduledPrompt}`)).toBe(false);
    expect(moderator.has(`prompt:${ids.scheduledPrompt}`)).toBe(false);
    expect(facilitator.has(`prompt:${ids.scheduledPrompt}`)).toBe(true);
    expect(guest.has(`prompt:${ids.scheduledPrompt}`)).toBe(true);
    expect(practitioner.has(`post:${ids.scheduledReply}`)).toBe(false);
    expect(writer.has(`post:${ids.scheduledReply}`)).toBe(true);
    // Upcoming topics: their facilitators only.
    expect(practitioner.has(`post:${ids.upcomingReply}`)).toBe(false);
    expect(facilitator.has(`post:${ids.upcomingReply}`)).toBe(true);
    // Removed, held, hidden and withdrawn replies: nobody, not even their authors or moderators.
    for (const hidden of [ids.removed, ids.pending, ids.hidden, ids.withdrawn]) {
      for (const seen of [practitioner, writer, moderator, facilitator]) expect(seen.has(`post:${hidden}`)).toBe(false);
    }
    expect(practitioner.has(`post:${ids.published}`)).toBe(true);
  });

  it('no snippet or count gives hidden words away', async () => {
    for (const secret of ['afsecret', 'schedsecret', 'remsecret', 'heldsecret', 'hidsecret', 'wdsecret', 'heldtopicsecret', 'removedtopicsecret', 'othersecret', 'upsecret']) {
      const res = await agents.practitioner.get(`/api/search?q=${secret}`);
      expect(res.json(), secret).toMatchObject({ items: [], total: 0 });
    }
    // Words of hidden replies never appear in the snippets of the visible hits either.
    const hits = await searchAll(agents.practitioner, 'zebrafinch', 50);
    for (const hit of hits) expect(hit.snippetHtml).not.toMatch(/secret/);
    // Once the practitioner answers the answer-first prompt, its other answers become findable.
    const topic = (await agents.practitioner.get(`/api/topics/${topicIds[0]}`)).json();
    await agents.practitioner.post(`/api/topics/${topic.id}/posts`, { body: 'My answer at last', promptId: topic.prompts[1].id });
    expect((await agents.practitioner.get('/api/search?q=afsecret')).json().items.map((h: Hit) => h.id)).toEqual([ids.writerAnswer]);
  });

  it('a community or topic the member cannot open is a 404, not an empty result', async () => {
    expect((await agents.practitioner.get(`/api/search?q=zebrafinch&communityId=${otherCommunityId}`)).statusCode).toBe(404);
    expect((await agents.practitioner.get(`/api/search?q=zebrafinch&topicId=${topicIds[1]}`)).statusCode).toBe(404); // upcoming
    expect((await agents.practitioner.get(`/api/search?q=zebrafinch&topicId=${topicIds[5]}`)).statusCode).toBe(404); // elsewhere
    expect((await agents.facilitator.get(`/api/search?q=zebrafinch&topicId=${topicIds[1]}`)).json().total).toBe(2);
  });
});
