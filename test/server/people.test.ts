// Profiles (seen only by members who share a community) and member search for mention autocomplete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('profiles', () => {
  it('shows name, handle, bio, shared communities and recent visible posts; 404 to someone who shares none', async () => {
    const c1 = await t.makeCommunity({ name: 'Alpha trainers' });
    const c2 = await t.makeCommunity({ name: 'Beta tutors' });
    const maria = await t.makeMember(c1.id, [], { displayName: 'Maria Profile' });
    const viewer = await t.as(await t.makeMember(c1.id));
    const stranger = await t.as(await t.makeMember(c2.id));
    const m = await t.as(maria);
    await m.patch('/api/me', { bio: 'CELTA tutor', expertise: 'Observation feedback' });
    const topic = (await m.post(`/api/communities/${c1.id}/topics`, { kind: 'problem', title: 'Visible topic', body: 'Q' })).json();
    const shown = (await m.post(`/api/topics/${topic.id}/posts`, { body: 'A visible answer' })).json();
    const removed = (await m.post(`/api/topics/${topic.id}/posts`, { body: 'Soon removed' })).json();
    const moderator = await t.as(await t.makeMember(c1.id, ['moderator']));
    await moderator.post(`/api/posts/${removed.id}/removal`, { reason: 'No' });
    const facilitator = await t.as(await t.makeMember(c1.id, ['facilitator']));
    const cpd = (await facilitator.post(`/api/communities/${c1.id}/topics`, { kind: 'cpd', title: 'AF', article: 'Read', prompts: [{ body: 'Yours?', answerFirst: true }] })).json();
    await m.post(`/api/topics/${cpd.id}/posts`, { body: 'An answer-first answer', promptId: cpd.prompts[0].id });

    const byHandle = await viewer.get('/api/users/maria_profile');
    expect(byHandle.statusCode).toBe(200);
    expect(byHandle.json()).toMatchObject({
      id: maria.id,
      displayName: 'Maria Profile',
      handle: 'maria_profile',
      bio: 'CELTA tutor',
      expertise: 'Observation feedback',
      sharedCommunities: [{ id: c1.id, name: 'Alpha trainers' }],
    });
    expect(byHandle.json().recentPosts.map((p: { id: string }) => p.id)).toEqual([shown.id]);
    expect((await viewer.get(`/api/users/${maria.id}`)).json().handle).toBe('maria_profile');
    expect((await stranger.get('/api/users/maria_profile')).statusCode).toBe(404);
    expect((await viewer.get('/api/users/no_such_member')).statusCode).toBe(404);
    expect((await t.anonymous.get('/api/users/maria_profile')).statusCode).toBe(401);
    expect((await viewer.get('/api/users/bad%20handle')).statusCode).toBe(400);
  });
});

describe('member search', () => {
  it('finds members by handle or name prefix, handles first; members only', async () => {
    const c = await t.makeCommunity();
    const searcher = await t.as(await t.makeMember(c.id));
    await t.makeMember(c.id, [], { displayName: 'Sam Searchable' });
    await t.makeMember(c.id, [], { displayName: 'Ann Samuels' });
    const other = await t.makeCommunity();
    await t.makeMember(other.id, [], { displayName: 'Sam Elsewhere' });
    const res = await searcher.get(`/api/communities/${c.id}/members/search?q=sam`);
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((m: { handle: string }) => m.handle)).toEqual(['sam_searchable', 'ann_samuels']);
    expect((await searcher.get(`/api/communities/${c.id}/members/search?q=%25`)).json().items).toEqual([]);
    expect((await searcher.get(`/api/communities/${c.id}/members/search?q=`)).json().items).toEqual([]);
    const outsider = await t.as(await t.makeUser());
    expect((await outsider.get(`/api/communities/${c.id}/members/search?q=sam`)).statusCode).toBe(404);
  });
});
