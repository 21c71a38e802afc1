// Notifications: who hears what, watching levels (muted wins), batching, reading, and the rule that nobody is
// told about content they may not see — as a matrix, like the policy tests.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Agent, type TestApp, type TestUser } from '../helpers/app.js';

let t: TestApp;
let communityId: string;
const agents: Record<string, Agent> = {};
const users: Record<string, TestUser & { handle: string }> = {};

async function member(key: string, roles: Array<'facilitator' | 'moderator' | 'manager'> = []) {
  const user = await t.makeMember(communityId, roles, { displayName: `Member ${key}` });
  const handle = (await t.testDb.database.rows<{ handle: string }>(sql`select handle from users where id = ${user.id}`))[0]!.handle;
  users[key] = { ...user, handle };
  agents[key] = await t.as(user);
}

/** Reads every event so far and marks everything read for everyone: a test starts from silence. */
async function clean() {
  await t.app.notifier.drain();
  for (const agent of Object.values(agents)) await agent.post('/api/notifications/read', { all: true });
}

/** What each named member was told since the last call (kinds), after the notifier has read everything. */
async function news(...keys: string[]) {
  await t.app.notifier.drain();
  const out: Record<string, string[]> = {};
  for (const key of keys) {
    const page = (await agents[key]!.get('/api/notifications?unread=true')).json();
    out[key] = page.items.map((n: { kind: string }) => n.kind);
  }
  await clean(); // what the others were told is not the next question's answer
  return out;
}

async function problem(by: string, title = 'A practice problem') {
  const res = await agents[by]!.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title, body: 'What would you do?' });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function reply(by: string, topicId: string, body: string, extra: Record<string, unknown> = {}) {
  const res = await agents[by]!.post(`/api/topics/${topicId}/posts`, { body, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

beforeAll(async () => {
  t = await createTestApp();
  communityId = (await t.makeCommunity()).id;
  for (const key of ['ana', 'ben', 'cai', 'dee', 'eve']) await member(key);
  await member('fac', ['facilitator']);
  await member('mod', ['moderator']);
  await clean();
});
afterAll(async () => t?.close());

describe('who hears what', () => {
  it('a new topic reaches the community (tracking by default); a reply reaches the author; watching hears every post', async () => {
    const topicId = await problem('ana', 'Silent trainees in feedback');
    expect(await news('ana', 'ben', 'fac')).toEqual({ ana: [], ben: ['topic'], fac: ['topic'] });

    const benPost = await reply('ben', topicId, 'Try a written round first.');
    expect(await news('ana', 'ben', 'cai')).toEqual({ ana: ['reply'], ben: [], cai: [] });

    expect((await agents.cai!.put(`/api/topics/${topicId}/watch`, { level: 'watching' })).json()).toEqual({ level: 'watching', chosen: true });
    await reply('dee', topicId, 'Agree with Ben.', { parentId: benPost });
    // Ben: a reply to his post; Ana: tracking her own topic, but this answers Ben, not her; Cai: watching.
    expect(await news('ana', 'ben', 'cai')).toEqual({ ana: [], ben: ['reply'], cai: ['post'] });
  });

  it('an @mention reaches members only, at most ten per post, and says who and where', async () => {
    const topicId = await problem('ana', 'Mentions');
    await clean();
    await reply('ben', topicId, `@${users.cai!.handle} and @nobody_here, see \`@${users.eve!.handle}\` (code does not count)`);
    const got = await news('cai', 'eve', 'ana');
    expect(got).toEqual({ cai: ['mention'], eve: [], ana: ['reply'] });

    // Eleven handles: the first ten are told, the eleventh is not.
    const many: string[] = [];
    for (let i = 0; i < 11; i++) {
      await member(`m${i}`);
      many.push(users[`m${i}`]!.handle);
    }
    await news(...many.map((_, i) => `m${i}`));
    await reply('ben', topicId, many.map((h) => `@${h}`).join(' '));
    const told = await news(...many.map((_, i) => `m${i}`));
    expect(Object.values(told).map((kinds) => kinds.join())).toEqual([...Array(10).fill('mention'), '']);
  });

  it('muted always wins: a muted topic or community tells nothing, not even replies and mentions', async () => {
    const topicId = await problem('ana', 'Muted');
    await clean();
    const anaPost = await reply('ana', topicId, 'My own first answer.');
    await agents.ana!.put(`/api/topics/${topicId}/watch`, { level: 'muted' });
    await reply('ben', topicId, `@${users.ana!.handle} a reply`, { parentId: anaPost });
    expect(await news('ana')).toEqual({ ana: [] });

    await agents.cai!.put(`/api/communities/${communityId}/watch`, { level: 'muted' });
    await agents.cai!.put(`/api/topics/${topicId}/watch`, { level: 'watching' });
    await reply('ben', topicId, `@${users.cai!.handle} hello`);
    await problem('ben', 'Another topic');
    expect(await news('cai')).toEqual({ cai: [] });
    await agents.cai!.put(`/api/communities/${communityId}/watch`, { level: 'tracking' });
  });

  it('a run of posts read in one pass tells each member what one post at a time would, no post\'s audience mixed with another\'s', async () => {
    const keyOf = new Map(Object.entries(users).map(([key, u]) => [u.id, key]));
    // Two topics, watching and muting, replies, a mention, a suspended author: read after each post or all at once.
    async function scenario(readEach: boolean) {
      const t1 = await problem('ana', 'Run one');
      const t2 = await problem('ben', 'Run two');
      await agents.cai!.put(`/api/topics/${t1}/watch`, { level: 'watching' });
      await agents.dee!.put(`/api/topics/${t2}/watch`, { level: 'muted' });
      await clean();
      const posts: string[] = [];
      const step = async (by: string, topicId: string, body: string, parent?: number, beforeRead?: () => Promise<unknown>) => {
        posts.push(await reply(by, topicId, body, parent === undefined ? {} : { parentId: posts[parent] }));
        await beforeRead?.();
        if (readEach) await t.app.notifier.drain();
      };
      await step('ben', t1, 'A first answer.');
      await step('dee', t1, `Asking @${users.eve!.handle} too.`);
      await step('eve', t2, 'An answer to Ben.');
      await step('ana', t2, `@${users.dee!.handle} what do you think?`, 2);
      await step('cai', t1, 'Agree with Ben.', 0);
      // Suspended after posting, before the notifier read the post.
      const suspend = () => t.testDb.database.rows(sql`update users set suspended_at = now() where id = ${users.fac!.id}`);
      await step('fac', t1, `Told nobody, not even @${users.ana!.handle}.`, undefined, suspend);
      await t.app.notifier.drain();
      await t.testDb.database.rows(sql`update users set suspended_at = null where id = ${users.fac!.id}`);
      const rows = await t.testDb.database.rows<{ user_id: string; kind: string; post_id: string }>(
        sql`select user_id, kind, post_id from notifications where post_id = any(${`{${posts.join(',')}}`}::uuid[])`,
      );
      await clean();
      return rows.map((r) => `post ${posts.indexOf(r.post_id)}: ${keyOf.get(r.user_id)} ${r.kind}`).sort();
    }
    const expected = [
      'post 0: ana reply', // her topic, a direct answer
      'post 0: cai post', // watching
      'post 1: ana reply',
      'post 1: cai post',
      'post 1: eve mention',
      'post 2: ben reply',
      'post 3: eve reply', // dee is mentioned but muted the topic; ben's topic, but this answers Eve
      'post 4: ben reply',
      // post 5: its author is suspended.
    ];
    expect(await scenario(true)).toEqual(expected);
    expect(await scenario(false)).toEqual(expected);
  });

  it('helpful marks are batched while unread: "3 people found your post helpful"', async () => {
    const topicId = await problem('ana', 'Helpful');
    const post = await reply('ben', topicId, 'Useful idea.');
    await clean();
    for (const key of ['cai', 'dee', 'eve']) expect((await agents[key]!.put(`/api/posts/${post}/helpful`)).statusCode).toBe(200);
    await t.app.notifier.drain();
    const page = (await agents.ben!.get('/api/notifications?unread=true')).json();
    expect(page.items.map((n: { kind: string; text: string }) => [n.kind, n.text])).toEqual([['helpful', '3 people found your post in “Helpful” helpful']]);
    expect(page.items[0].url).toBe(`/c/${page.items[0].community.slug}/t/${topicId}?post=${post}`);
    // A mark taken back is not news.
    await agents.eve!.delete(`/api/posts/${post}/helpful`);
    await agents.ben!.post('/api/notifications/read', { all: true });
    expect(await news('ben')).toEqual({ ben: [] });
  });

  it('moderation outcomes reach the author with the moderator\'s note', async () => {
    const topicId = await problem('ana', 'Moderated');
    const post = await reply('ben', topicId, 'Names a trainee.');
    await clean();
    expect((await agents.mod!.post(`/api/posts/${post}/removal`, { reason: 'Please leave names out.' })).statusCode).toBe(200);
    await t.app.notifier.drain();
    const [n] = (await agents.ben!.get('/api/notifications?unread=true')).json().items;
    expect(n).toMatchObject({ kind: 'moderation', text: 'Your post in “Moderated” was removed by a moderator', note: 'Please leave names out.' });
  });
});

describe('never about what the member may not see', () => {
  // Each row: a situation, and who would otherwise hear of it. Nobody may.
  const rows: Array<{ name: string; run: () => Promise<string[]> }> = [
    {
      name: 'a post held for approval (pre-moderation)',
      run: async () => {
        const topicId = await problem('ana', 'Held');
        await clean();
        await agents.mod!.patch(`/api/communities/${communityId}/settings`, { premodNewMemberPosts: 5 });
        await member('newcomer');
        await agents.cai!.put(`/api/topics/${topicId}/watch`, { level: 'watching' });
        const res = await agents.newcomer!.post(`/api/topics/${topicId}/posts`, { body: `Held, mentioning @${users.ben!.handle}` });
        expect(res.json().status).toBe('pending');
        await agents.mod!.patch(`/api/communities/${communityId}/settings`, { premodNewMemberPosts: 0 });
        return ['ana', 'ben', 'cai'];
      },
    },
    {
      name: 'a removed topic, and what was said in it before',
      run: async () => {
        const topicId = await problem('ana', 'Removed later');
        await clean();
        await reply('ben', topicId, 'A reply Ana was told about.');
        await t.app.notifier.drain();
        await agents.mod!.post(`/api/topics/${topicId}/removal`, { reason: 'Off topic' });
        // Ana, its author, hears of the removal; the reply she was told of before is no longer listed.
        expect(await news('ana')).toEqual({ ana: ['moderation'] });
        return ['ben'];
      },
    },
    {
      name: 'an answer-first prompt, to members who have not answered',
      run: async () => {
        const res = await agents.fac!.post(`/api/communities/${communityId}/topics`, {
          kind: 'cpd',
          title: 'Answer first',
          article: 'Read this.',
          prompts: [{ body: 'Your view before others?', answerFirst: true }],
        });
        const topic = res.json();
        await clean();
        await agents.cai!.put(`/api/topics/${topic.id}/watch`, { level: 'watching' });
        await reply('ben', topic.id, `My answer, @${users.dee!.handle}`, { promptId: topic.prompts[0].id });
        return ['cai', 'dee'];
      },
    },
    {
      name: 'a suspended member\'s post',
      run: async () => {
        const topicId = await problem('ana', 'Suspended writer');
        const post = await reply('ana', topicId, 'First.');
        await clean();
        // Eve replies; before the notifier reads it, a moderator suspends her.
        await reply('eve', topicId, `@${users.ben!.handle} sneaky`, { parentId: post });
        await agents.mod!.put(`/api/communities/${communityId}/members/${users.eve!.id}/suspension`, { reason: 'Cooling off' });
        return ['ana', 'ben'];
      },
    },
    {
      name: 'a community the member left',
      run: async () => {
        const topicId = await problem('ana', 'After leaving');
        const post = await reply('dee', topicId, 'Dee was here.');
        await clean();
        await t.testDb.database.rows(sql`update memberships set removed_at = now() where community_id = ${communityId} and user_id = ${users.dee!.id}`);
        await reply('ben', topicId, `@${users.dee!.handle} a reply to you`, { parentId: post });
        return ['dee'];
      },
    },
  ];

  for (const row of rows) {
    it(row.name, async () => {
      const keys = await row.run();
      const got = await news(...keys);
      expect(got, row.name).toEqual(Object.fromEntries(keys.map((k) => [k, []])));
    });
  }

  it('an approved post then notifies as a new one; its author hears of the approval', async () => {
    const topicId = await problem('ana', 'Approved later');
    await clean();
    await agents.mod!.patch(`/api/communities/${communityId}/settings`, { premodNewMemberPosts: 5 });
    await member('approved_newcomer');
    const res = await agents.approved_newcomer!.post(`/api/topics/${topicId}/posts`, { body: 'Held first' });
    await agents.mod!.patch(`/api/communities/${communityId}/settings`, { premodNewMemberPosts: 0 });
    expect(await news('ana')).toEqual({ ana: [] });
    expect((await agents.mod!.post(`/api/posts/${res.json().id}/approval`)).statusCode).toBe(200);
    expect(await news('ana', 'approved_newcomer')).toEqual({ ana: ['reply'], approved_newcomer: ['moderation'] });
  });

  it('drops notifications about content removed afterwards from the list and the count', async () => {
    const topicId = await problem('ana', 'Gone later');
    await clean();
    const post = await reply('ben', topicId, 'Soon removed.');
    await t.app.notifier.drain();
    expect((await agents.ana!.get('/api/notifications?unread=true')).json().unreadCount).toBe(1);
    await agents.mod!.post(`/api/posts/${post}/removal`, { reason: 'Spam' });
    const page = (await agents.ana!.get('/api/notifications?unread=true')).json();
    expect(page.items.filter((n: { postId: string }) => n.postId === post)).toEqual([]);
    expect(page.unreadCount).toBe(0);
  });
});

describe('reading and choosing', () => {
  it('marks some or all read; each member sees only their own', async () => {
    const a = await problem('ben', 'One');
    const b = await problem('ben', 'Two');
    await t.app.notifier.drain();
    const mine = (await agents.ana!.get('/api/notifications?unread=true')).json();
    expect(mine.items.map((n: { topicId: string }) => n.topicId)).toEqual([b, a]);
    const first = mine.items[0].id;
    expect((await agents.ana!.post('/api/notifications/read', { ids: [first] })).json()).toEqual({ unreadCount: 1 });
    // Someone else's id does nothing to theirs.
    expect((await agents.cai!.post('/api/notifications/read', { ids: [mine.items[1].id] })).statusCode).toBe(200);
    expect((await agents.ana!.get('/api/notifications?unread=true')).json().unreadCount).toBe(1);
    expect((await agents.ana!.post('/api/notifications/read', { all: true })).json()).toEqual({ unreadCount: 0 });
    const all = (await agents.ana!.get('/api/notifications?limit=1')).json();
    expect(all.items).toHaveLength(1);
    expect(all.nextCursor).toBe(String(all.items[0].id));
  });

  it('validates levels and preferences, and keeps outsiders out', async () => {
    const topicId = await problem('ana', 'Levels');
    expect((await agents.ben!.get(`/api/topics/${topicId}/watch`)).json()).toEqual({ level: 'normal', chosen: false });
    expect((await agents.ana!.get(`/api/topics/${topicId}/watch`)).json()).toEqual({ level: 'tracking', chosen: false });
    const bad = await agents.ben!.put(`/api/topics/${topicId}/watch`, { level: 'loud' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toMatch(/level/);
    const outsider = await t.as(await t.makeUser());
    expect((await outsider.put(`/api/topics/${topicId}/watch`, { level: 'watching' })).statusCode).toBe(404);
    expect((await outsider.get(`/api/communities/${communityId}/watch`)).statusCode).toBe(404);
    expect((await t.anonymous.get('/api/notifications')).statusCode).toBe(401);
    expect((await agents.ben!.get('/api/me/preferences')).json()).toEqual({ email: 'daily' });
    expect((await agents.ben!.put('/api/me/preferences', { email: 'weekly' })).json()).toEqual({ email: 'weekly' });
    expect((await agents.ben!.put('/api/me/preferences', { email: 'hourly' })).statusCode).toBe(400);
    expect((await agents.ben!.post('/api/notifications/read', { ids: ['x'] })).statusCode).toBe(400);
  });
});
