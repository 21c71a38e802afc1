import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, sessionCookieFrom, TEST_PASSWORD, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const origin = () => ({ origin: t.config.publicOrigin });

describe('accounts and sessions', () => {
  it('registers, signs in with a new token each time, reports /api/me, and signs out', async () => {
    const reg = await t.anonymous.post('/api/auth/register', { email: 'Ana@Example.test', password: 'long enough pw', displayName: 'Ana' });
    expect(reg.statusCode).toBe(201);
    expect(reg.json()).toMatchObject({ email: 'ana@example.test', displayName: 'Ana', isAdmin: false });
    expect(JSON.stringify(reg.json())).not.toContain('password');
    const regCookie = reg.cookies.find((c) => c.name === 'stoa_session')!;
    expect(regCookie.httpOnly).toBe(true);
    expect(regCookie.sameSite).toBe('Lax');
    expect(regCookie.secure).toBeFalsy();

    const login1 = await t.anonymous.post('/api/auth/login', { email: 'ana@example.test', password: 'long enough pw' });
    const login2 = await t.anonymous.post('/api/auth/login', { email: 'ANA@example.test', password: 'long enough pw' });
    expect(login1.statusCode).toBe(200);
    const c1 = sessionCookieFrom(login1)!;
    const c2 = sessionCookieFrom(login2)!;
    expect(c1).not.toEqual(c2);

    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `stoa_session=${c1}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: 'ana@example.test', isAdmin: false, memberships: [] });

    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: `stoa_session=${c1}`, ...origin() } });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `stoa_session=${c1}` } });
    expect(after.statusCode).toBe(401);
    expect(after.headers['content-type']).toContain('application/problem+json');
    // The other session is untouched.
    const other = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `stoa_session=${c2}` } });
    expect(other.statusCode).toBe(200);
  });

  it('stores passwords only as a memory-hard hash', async () => {
    await t.anonymous.post('/api/auth/register', { email: 'hash@example.test', password: 'my secret passphrase', displayName: 'H' });
    const rows = await t.testDb.database.rows<{ password_hash: string }>(
      (await import('drizzle-orm')).sql`select password_hash from users where email = 'hash@example.test'`,
    );
    expect(rows[0]!.password_hash).toMatch(/^scrypt\$\d+\$8\$1\$/);
    expect(rows[0]!.password_hash).not.toContain('my secret passphrase');
  });

  it('refuses short passwords, duplicate emails and wrong passwords with clear codes', async () => {
    const short = await t.anonymous.post('/api/auth/register', { email: 'b@example.test', password: 'short', displayName: 'B' });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ code: 'validation_failed', field: 'password' });
    await t.anonymous.post('/api/auth/register', { email: 'dup@example.test', password: TEST_PASSWORD, displayName: 'D' });
    const dup = await t.anonymous.post('/api/auth/register', { email: 'DUP@example.test', password: TEST_PASSWORD, displayName: 'D2' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'email_taken', field: 'email' });
    const wrong = await t.anonymous.post('/api/auth/login', { email: 'dup@example.test', password: 'not the password' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('unauthenticated');
  });

  // Sign-in throttling (per account and address, per device cookie, per account, per address) is in
  // sign-in-limits.test.ts.

  it('ends sessions when the account is suspended', async () => {
    const user = await t.makeUser();
    const agent = await t.as(user);
    expect((await agent.get('/api/me')).statusCode).toBe(200);
    // Written behind the app's back: the session cache learns of it by NOTIFY (migration 0002), which
    // arrives just after commit — well within the poll, far sooner than the cache's 10 s lifetime.
    await t.testDb.database.rows((await import('drizzle-orm')).sql`update users set suspended_at = now() where id = ${user.id}`);
    await expect.poll(async () => (await agent.get('/api/me')).statusCode, { timeout: 2000, interval: 20 }).toBe(401);
  });
});

describe('cross-site request forgery', () => {
  it('rejects a cookie-carried write from a foreign Origin or with no Origin/Referer', async () => {
    const agent = await t.as(await t.makeUser());
    const foreign = await agent.post('/api/auth/logout', undefined, { origin: 'https://evil.example' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().code).toBe('csrf_rejected');
    const none = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: `stoa_session=${agent.cookie}` } });
    expect(none.statusCode).toBe(403);
    const badReferer = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: `stoa_session=${agent.cookie}`, referer: 'https://evil.example/page' },
    });
    expect(badReferer.statusCode).toBe(403);
    // The session survived the forged requests.
    expect((await agent.get('/api/me')).statusCode).toBe(200);
    const goodReferer = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: `stoa_session=${agent.cookie}`, referer: `${t.config.publicUrl}/c/x` },
    });
    expect(goodReferer.statusCode).toBe(204);
  });
});
