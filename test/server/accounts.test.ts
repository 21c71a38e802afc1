// Accounts that email needs: handles, profile, verification, password reset and changes, signing out everywhere.
// Mail goes through a real SMTP server (smtp-server on a free port); the links are followed from what arrived.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, sessionCookieFrom, testConfig, TEST_PASSWORD, type Agent, type TestApp } from '../helpers/app.js';
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from '../helpers/smtp.js';

let t: TestApp;
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  t = await createTestApp({ mail: { ...testConfig().mail, smtpUrl: smtp.url, retryBaseMs: 50 } });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});
beforeEach(async () => {
  await t.app.mail.drain(); // what earlier tests queued is not this test's
  smtp.received.length = 0;
});

/** Every mail queued so far, delivered to the SMTP server. */
async function deliver(): Promise<ReceivedMail[]> {
  await t.app.mail.drain();
  return smtp.received;
}

function tokenIn(mail: ReceivedMail, path: string): string {
  const match = new RegExp(`${t.config.publicUrl.replace(/[.:/]/g, '\\$&')}${path}\\?token=([A-Za-z0-9_%-]+)`).exec(mail.parsed.text ?? '');
  if (!match) throw new Error(`no ${path} link in: ${mail.parsed.text}`);
  return decodeURIComponent(match[1]!);
}

async function register(email: string, displayName: string, password = TEST_PASSWORD): Promise<Agent & { id: string }> {
  const res = await t.anonymous.post('/api/auth/register', { email, password, displayName });
  expect(res.statusCode).toBe(201);
  const cookie = sessionCookieFrom(res)!;
  const a = await t.as({ id: res.json().id, email, displayName });
  // Use the registration's own session (t.as starts another one).
  return Object.assign(agentWithCookie(a, cookie), { id: res.json().id as string });
}

function agentWithCookie(a: Agent, cookie: string): Agent {
  const request: Agent['request'] = (method, url, body, headers = {}) =>
    t.app.inject({
      method,
      url,
      headers: { ...(method !== 'GET' ? { origin: t.config.publicOrigin } : {}), cookie: `stoa_session=${cookie}`, ...headers },
      ...(body !== undefined ? { payload: body as string } : {}),
    });
  return { ...a, cookie, request, get: (u) => request('GET', u), post: (u, b, h) => request('POST', u, b, h), put: (u, b) => request('PUT', u, b), patch: (u, b) => request('PATCH', u, b), delete: (u, b) => request('DELETE', u, b) };
}

async function signIn(email: string, password: string) {
  return t.anonymous.post('/api/auth/login', { email, password });
}

describe('handles', () => {
  it('derives a unique handle from the display name, lets the member change it, refuses one that is taken', async () => {
    const a = await register('maria.costa@example.org', 'Maria Costa');
    const b = await register('maria.c@example.org', 'Maria Costa');
    const c = await register('pilar@example.org', 'Ñandú 山田');
    expect((await a.get('/api/me')).json().handle).toBe('maria_costa');
    expect((await b.get('/api/me')).json().handle).toBe('maria_costa2');
    expect((await c.get('/api/me')).json().handle).toBe('and');

    const renamed = await b.patch('/api/me', { handle: 'MariaC', bio: 'Teacher trainer in Porto.\nCELTA tutor.', expertise: 'Observation feedback' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ handle: 'mariac', bio: 'Teacher trainer in Porto.\nCELTA tutor.', expertise: 'Observation feedback' });

    const taken = await c.patch('/api/me', { handle: 'maria_costa' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'handle_taken', field: 'handle' });
    const bad = await c.patch('/api/me', { handle: 'no spaces' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toMatch(/handle/);
    const blank = await c.patch('/api/me', { displayName: '   ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json()).toMatchObject({ code: 'empty_text', field: 'displayName' });
    expect((await t.anonymous.patch('/api/me', { bio: 'x' })).statusCode).toBe(401);
  });
});

describe('email verification', () => {
  it('mails a link at registration; following it verifies the address once', async () => {
    const a = await register('new.member@example.org', 'New Member');
    expect((await a.get('/api/me')).json().emailVerified).toBe(false);
    const [mail] = await deliver();
    expect(mail!.to).toEqual(['new.member@example.org']);
    expect(mail!.parsed.subject).toBe('Confirm your email address for Stoa');
    const token = tokenIn(mail!, '/verify-email');
    const verified = await t.anonymous.post('/api/auth/verify', { token });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toEqual({ email: 'new.member@example.org', emailVerified: true });
    expect((await a.get('/api/me')).json().emailVerified).toBe(true);
    const again = await t.anonymous.post('/api/auth/verify', { token });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'invalid_token', field: 'token' });
  });
});

describe('password reset', () => {
  it('mails a single-use link; the new password works, every session ends, the link cannot be used again', async () => {
    const a = await register('reset.me@example.org', 'Reset Me');
    const otherDevice = await signIn('reset.me@example.org', TEST_PASSWORD);
    const other = agentWithCookie(a, sessionCookieFrom(otherDevice)!);
    await deliver(); // the verification mail
    smtp.received.length = 0;

    expect((await t.anonymous.post('/api/auth/password-reset', { email: 'Reset.Me@example.org' })).statusCode).toBe(202);
    const [mail] = await deliver();
    expect(mail!.to).toEqual(['reset.me@example.org']);
    const token = tokenIn(mail!, '/reset-password');

    const done = await t.anonymous.post('/api/auth/password-reset/confirm', { token, password: 'a brand new password' });
    expect(done.statusCode).toBe(204);
    expect((await a.get('/api/me')).statusCode).toBe(401);
    expect((await other.get('/api/me')).statusCode).toBe(401);
    expect((await signIn('reset.me@example.org', TEST_PASSWORD)).statusCode).toBe(401);
    expect((await signIn('reset.me@example.org', 'a brand new password')).statusCode).toBe(200);

    const reused = await t.anonymous.post('/api/auth/password-reset/confirm', { token, password: 'yet another password' });
    expect(reused.statusCode).toBe(400);
    expect(reused.json()).toMatchObject({ code: 'invalid_token', field: 'token' });
  });

  it('refuses an expired link, answers 202 for an unknown address without mailing, and caps reset mails per hour', async () => {
    await register('expired@example.org', 'Expired Link');
    await deliver();
    smtp.received.length = 0;
    expect((await t.anonymous.post('/api/auth/password-reset', { email: 'expired@example.org' })).statusCode).toBe(202);
    const token = tokenIn((await deliver())[0]!, '/reset-password');
    await t.testDb.database.rows(sql`update account_tokens set expires_at = now() - interval '1 second' where purpose = 'password_reset'`);
    const expired = await t.anonymous.post('/api/auth/password-reset/confirm', { token, password: 'a brand new password' });
    expect(expired.statusCode).toBe(400);
    expect(expired.json().code).toBe('invalid_token');

    smtp.received.length = 0;
    expect((await t.anonymous.post('/api/auth/password-reset', { email: 'nobody.here@example.org' })).statusCode).toBe(202);
    expect(await deliver()).toHaveLength(0);

    for (let i = 0; i < 4; i++) expect((await t.anonymous.post('/api/auth/password-reset', { email: 'expired@example.org' })).statusCode).toBe(202);
    expect(await deliver()).toHaveLength(2); // 3 an hour: one went out above
  });
});

describe('changing password and email, signing out everywhere', () => {
  it('changes the password with the current one; other sessions end, this one stays', async () => {
    const a = await register('change.pw@example.org', 'Change Password');
    const other = agentWithCookie(a, sessionCookieFrom(await signIn('change.pw@example.org', TEST_PASSWORD))!);
    const wrong = await a.post('/api/me/password', { currentPassword: 'not my password', newPassword: 'a brand new password' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'wrong_password', field: 'currentPassword' });
    expect((await a.post('/api/me/password', { currentPassword: TEST_PASSWORD, newPassword: 'short' })).statusCode).toBe(400);
    expect((await a.post('/api/me/password', { currentPassword: TEST_PASSWORD, newPassword: 'a brand new password' })).statusCode).toBe(204);
    expect((await a.get('/api/me')).statusCode).toBe(200);
    expect((await other.get('/api/me')).statusCode).toBe(401);
    expect((await signIn('change.pw@example.org', 'a brand new password')).statusCode).toBe(200);
  });

  it('changes the email only once the new address confirms it', async () => {
    const a = await register('old.address@example.org', 'Moving Member');
    await register('taken.address@example.org', 'Someone Else');
    await deliver();
    smtp.received.length = 0;
    const taken = await a.post('/api/me/email', { email: 'taken.address@example.org', currentPassword: TEST_PASSWORD });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'email_taken', field: 'email' });
    expect((await a.post('/api/me/email', { email: 'new.address@example.org', currentPassword: 'wrong password' })).statusCode).toBe(400);
    expect((await a.post('/api/me/email', { email: 'new.address@example.org', currentPassword: TEST_PASSWORD })).statusCode).toBe(202);
    expect((await a.get('/api/me')).json().email).toBe('old.address@example.org');
    const [mail] = await deliver();
    expect(mail!.to).toEqual(['new.address@example.org']);
    const confirmed = await t.anonymous.post('/api/auth/verify', { token: tokenIn(mail!, '/verify-email') });
    expect(confirmed.json()).toEqual({ email: 'new.address@example.org', emailVerified: true });
    expect((await a.get('/api/me')).json().email).toBe('new.address@example.org');
    expect((await signIn('new.address@example.org', TEST_PASSWORD)).statusCode).toBe(200);
    expect((await signIn('old.address@example.org', TEST_PASSWORD)).statusCode).toBe(401);
  });

  it('signs out every session of the account', async () => {
    const a = await register('everywhere@example.org', 'Signed In Everywhere');
    const other = agentWithCookie(a, sessionCookieFrom(await signIn('everywhere@example.org', TEST_PASSWORD))!);
    const res = await a.post('/api/auth/logout-all');
    expect(res.statusCode).toBe(204);
    expect((await a.get('/api/me')).statusCode).toBe(401);
    expect((await other.get('/api/me')).statusCode).toBe(401);
  });
});
