import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('communities', () => {
  it('lets the admin create a community and refuses a taken slug', async () => {
    const admin = await t.as(await t.makeUser({ isAdmin: true }));
    const res = await admin.post('/api/communities', { name: 'Medical Tutors', slug: 'medical-tutors', description: 'Tutors in practice', joinPolicy: 'open' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: 'Medical Tutors', slug: 'medical-tutors', joinPolicy: 'open', memberCount: 0 });
    const again = await admin.post('/api/communities', { name: 'Other', slug: 'medical-tutors', description: '', joinPolicy: 'open' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'slug_taken', field: 'slug' });
  });

  it('lists the communities I belong to plus open ones, never others’ invite-only ones', async () => {
    const mine = await t.makeCommunity({ joinPolicy: 'invite', name: 'Mine' });
    const open = await t.makeCommunity({ joinPolicy: 'open', name: 'Open one' });
    const secret = await t.makeCommunity({ joinPolicy: 'invite', name: 'Secret' });
    const me = await t.as(await t.makeMember(mine.id, ['facilitator']));
    const ids = (await me.get('/api/communities')).json().items.map((c: { id: string }) => c.id);
    expect(ids).toContain(mine.id);
    expect(ids).toContain(open.id);
    expect(ids).not.toContain(secret.id);
    const own = (await me.get('/api/communities')).json().items.find((c: { id: string }) => c.id === mine.id);
    expect(own.myRoles).toEqual(['facilitator']);
    expect((await me.get(`/api/communities/${secret.id}`)).statusCode).toBe(404);
  });

  it('lets anyone signed in join an open community once, not an invite-only one', async () => {
    const open = await t.makeCommunity({ joinPolicy: 'open' });
    const closed = await t.makeCommunity({ joinPolicy: 'invite' });
    const me = await t.as(await t.makeUser());
    const joined = await me.post(`/api/communities/${open.id}/join`);
    expect(joined.statusCode).toBe(200);
    expect(joined.json()).toMatchObject({ myRoles: [], memberCount: 1 });
    expect((await me.post(`/api/communities/${open.id}/join`)).json().code).toBe('already_member');
    expect((await me.post(`/api/communities/${closed.id}/join`)).statusCode).toBe(404);
    const mine = (await me.get('/api/me')).json().memberships.map((m: { communityId: string }) => m.communityId);
    expect(mine).toEqual([open.id]);
  });
});

describe('invites', () => {
  it('registers a new member through an invite link with the invite’s roles', async () => {
    const c = await t.makeCommunity();
    const manager = await t.as(await t.makeMember(c.id, ['manager']));
    const invite = await manager.post(`/api/communities/${c.id}/invites`, { roles: ['moderator'], expiresInDays: 7 });
    expect(invite.statusCode).toBe(201);
    const { token, url } = invite.json();
    expect(url).toBe(`${t.config.publicUrl}/invite/${token}`);
    const reg = await t.anonymous.post('/api/auth/register', { email: 'newbie@example.test', password: TEST_PASSWORD, displayName: 'Newbie', inviteToken: token });
    expect(reg.statusCode).toBe(201);
    const cookie = reg.cookies.find((k) => k.name === 'stoa_session')!.value;
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `stoa_session=${cookie}` } });
    expect(me.json().memberships).toEqual([expect.objectContaining({ communityId: c.id, roles: ['moderator'], suspended: false })]);
  });

  it('refuses a bad invite without creating the account (nothing half-written)', async () => {
    const reg = await t.anonymous.post('/api/auth/register', { email: 'ghost@example.test', password: TEST_PASSWORD, displayName: 'Ghost', inviteToken: 'not-a-real-token-xxxx' });
    expect(reg.statusCode).toBe(422);
    expect(reg.json().code).toBe('invite_invalid');
    const login = await t.anonymous.post('/api/auth/login', { email: 'ghost@example.test', password: TEST_PASSWORD });
    expect(login.statusCode).toBe(401);
  });

  it('binds an emailed invite to that address, once', async () => {
    const c = await t.makeCommunity();
    const facilitator = await t.as(await t.makeMember(c.id, ['facilitator']));
    const { token } = (await facilitator.post(`/api/communities/${c.id}/invites`, { roles: [], email: 'Invitee@Example.test' })).json();
    const stranger = await t.as(await t.makeUser());
    expect((await stranger.post(`/api/invites/${token}/accept`)).json().code).toBe('invite_wrong_account');
    const invitee = await t.as(await t.makeUser({ email: 'invitee@example.test' }));
    const accepted = await invitee.post(`/api/invites/${token}/accept`);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ id: c.id, myRoles: [] });
    const other = await t.as(await t.makeUser({ email: `x${Date.now()}@example.test` }));
    expect((await other.post(`/api/invites/${token}/accept`)).statusCode).toBe(422);
  });

  it('makes a link that grants roles single-use, while a plain member link stays multi-use', async () => {
    const c = await t.makeCommunity();
    const manager = await t.as(await t.makeMember(c.id, ['manager']));
    const accept = async (token: string) => (await t.as(await t.makeUser())).post(`/api/invites/${token}/accept`);
    for (const roles of [['moderator'], ['manager'], ['facilitator'], ['facilitator', 'moderator']]) {
      const created = await manager.post(`/api/communities/${c.id}/invites`, { roles });
      expect(created.json().singleUse, roles.join()).toBe(true);
      const first = await accept(created.json().token);
      expect(first.statusCode).toBe(200);
      expect([...first.json().myRoles].sort()).toEqual([...roles].sort());
      const second = await accept(created.json().token);
      expect(second.statusCode, roles.join()).toBe(422);
      expect(second.json().code).toBe('invite_invalid');
      // Not through registration either.
      const reg = await t.anonymous.post('/api/auth/register', { email: `late-${roles.join('-')}@example.test`, password: TEST_PASSWORD, displayName: 'Late', inviteToken: created.json().token });
      expect(reg.statusCode).toBe(422);
    }
    const plain = await manager.post(`/api/communities/${c.id}/invites`, { roles: [] });
    expect(plain.json().singleUse).toBe(false);
    for (let i = 0; i < 3; i++) expect((await accept(plain.json().token)).json()).toMatchObject({ id: c.id, myRoles: [] });
    const emailed = await manager.post(`/api/communities/${c.id}/invites`, { roles: [], email: 'one@example.test' });
    expect(emailed.json().singleUse).toBe(true);
  });

  it('lets only one of two simultaneous accepts of a role link through', async () => {
    const c = await t.makeCommunity();
    const manager = await t.as(await t.makeMember(c.id, ['manager']));
    const { token } = (await manager.post(`/api/communities/${c.id}/invites`, { roles: ['moderator'] })).json();
    const agents = await Promise.all([1, 2, 3].map(async () => t.as(await t.makeUser())));
    const results = await Promise.all(agents.map((a) => a.post(`/api/invites/${token}/accept`)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 422, 422]);
  });

  it('lets facilitators invite practitioners only; granting roles needs a manager', async () => {
    const c = await t.makeCommunity();
    const facilitator = await t.as(await t.makeMember(c.id, ['facilitator']));
    const res = await facilitator.post(`/api/communities/${c.id}/invites`, { roles: ['manager'] });
    expect(res.statusCode).toBe(403);
  });
});

describe('members and roles', () => {
  it('lets a manager change roles and remove a membership, keeping the row', async () => {
    const c = await t.makeCommunity();
    const manager = await t.as(await t.makeMember(c.id, ['manager']));
    const target = await t.makeMember(c.id);
    const patched = await manager.patch(`/api/communities/${c.id}/members/${target.id}`, { roles: ['moderator', 'facilitator'] });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().roles).toEqual(['facilitator', 'moderator']);
    const list = (await manager.get(`/api/communities/${c.id}/members`)).json().items;
    expect(list.find((m: { userId: string }) => m.userId === target.id).roles).toEqual(['facilitator', 'moderator']);
    expect((await manager.delete(`/api/communities/${c.id}/members/${target.id}`)).statusCode).toBe(204);
    const after = (await manager.get(`/api/communities/${c.id}/members`)).json().items;
    expect(after.map((m: { userId: string }) => m.userId)).not.toContain(target.id);
    const rows = await t.testDb.database.rows<{ removed_at: string | null }>(
      (await import('drizzle-orm')).sql`select removed_at from memberships where user_id = ${target.id}`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.removed_at).not.toBeNull();
    // The removed member no longer sees the community.
    expect((await (await t.as(target)).get(`/api/communities/${c.id}`)).statusCode).toBe(404);
  });

  it('answers 404 for an unknown member', async () => {
    const c = await t.makeCommunity();
    const manager = await t.as(await t.makeMember(c.id, ['manager']));
    const res = await manager.patch(`/api/communities/${c.id}/members/00000000-0000-4000-8000-000000000000`, { roles: [] });
    expect(res.statusCode).toBe(404);
  });
});
