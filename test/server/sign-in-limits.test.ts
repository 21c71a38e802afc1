// Sign-in limits lock out guessers, not colleagues (issue 11, item 2; OWASP's device-cookie pattern):
// failures count per account + address, per account + device cookie, per account (untrusted attempts) and per
// address (a generous cap). Driven over real HTTP behind a trusted proxy: X-Forwarded-For names the client,
// as behind nginx with TRUST_PROXY (docker-compose.yml).
import { Signer } from '@fastify/cookie';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/client.js';
import { createDeviceCookies, DEVICE_ACCOUNTS_MAX, DEVICE_COOKIE, DEVICE_COOKIE_DAYS } from '../../server/features/auth/device-cookie.js';
import { addressKey } from '../../server/features/auth/sign-in-limits.js';
import { createTestApp, TEST_PASSWORD, TEST_PASSWORD_COST, testConfig, type TestApp } from '../helpers/app.js';

let t: TestApp;
let base: string;
beforeAll(async () => {
  // Trust X-Forwarded-For only from the loopback proxy (the test itself).
  t = await createTestApp({ trustProxy: '127.0.0.1' });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => t?.close());

const WRONG = 'not the password, sorry';

interface SignInResult {
  status: number;
  retryAfter: number | null;
  code: string | undefined;
  detail: string | undefined;
  /** The device cookie the response set, exactly as the browser would send it back. */
  device: string | null;
  deviceCookieLine: string | null;
}

async function signIn(email: string, password: string, { from, device }: { from: string; device?: string | null }): Promise<SignInResult> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: t.config.publicOrigin,
      'x-forwarded-for': from,
      ...(device ? { cookie: `${DEVICE_COOKIE}=${device}` } : {}),
    },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as { code?: string; detail?: string };
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${DEVICE_COOKIE}=`)) ?? null;
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after') === null ? null : Number(res.headers.get('retry-after')),
    code: body.code,
    detail: body.detail,
    device: line ? line.slice(DEVICE_COOKIE.length + 1).split(';')[0]! : null,
    deviceCookieLine: line,
  };
}

/** A member whose browser signed in once from `home`: returns the device cookie that browser keeps. */
async function memberWithDevice(home: string) {
  const user = await t.makeUser();
  const first = await signIn(user.email, TEST_PASSWORD, { from: home });
  expect(first.status).toBe(200);
  expect(first.device).toBeTruthy();
  return { user, device: first.device! };
}

let subnet = 0;
/** A /24 of addresses no other test uses. */
const addresses = () => {
  subnet++;
  return (host: number) => `10.${subnet}.0.${host}`;
};

describe('sign-in limits', () => {
  it('one account guessed from one place: refused by the 10th try (429, Retry-After), a right password too', async () => {
    const user = await t.makeUser();
    const at = addresses();
    const statuses: number[] = [];
    let firstRefusal: SignInResult | undefined;
    for (let i = 0; i < 10; i++) {
      const r = await signIn(user.email, `${WRONG} ${i}`, { from: at(1) });
      statuses.push(r.status);
      if (r.status === 429) firstRefusal ??= r;
    }
    const limit = t.config.signInLimits.accountAddress.maxFailures;
    expect(limit).toBeLessThan(10);
    expect(statuses).toEqual([...Array(limit).fill(401), ...Array(10 - limit).fill(429)]);
    expect(firstRefusal!.code).toBe('rate_limited');
    expect(firstRefusal!.retryAfter).toBeGreaterThan(0);
    expect(firstRefusal!.retryAfter).toBeLessThanOrEqual(t.config.signInLimits.accountAddress.windowMs / 1000);

    // The right password from that same untrusted place is refused while throttled.
    const right = await signIn(user.email, TEST_PASSWORD, { from: at(1) });
    expect(right.status).toBe(429);
    expect(right.retryAfter).toBeGreaterThan(0);
    expect(right.device).toBeNull();
    // Only that account from that place waits: the owner elsewhere signs in.
    expect((await signIn(user.email, TEST_PASSWORD, { from: at(2) })).status).toBe(200);
  });

  it('after 25 wrong passwords for one account from an address, a colleague signs in from the same address at once', async () => {
    const school = addresses()(1);
    const victim = await t.makeUser();
    const colleague = await t.makeUser();
    for (let i = 0; i < 25; i++) {
      expect([401, 429]).toContain((await signIn(victim.email, `${WRONG} ${i}`, { from: school })).status);
    }
    const signedIn = await signIn(colleague.email, TEST_PASSWORD, { from: school });
    expect(signedIn.status).toBe(200);
    // So do colleagues who mistype first.
    const other = await t.makeUser();
    expect((await signIn(other.email, WRONG, { from: school })).status).toBe(401);
    expect((await signIn(other.email, TEST_PASSWORD, { from: school })).status).toBe(200);
  });

  it('after 10 wrong passwords from other addresses, the owner signs in from a browser that signed in before', async () => {
    const at = addresses();
    const { user, device } = await memberWithDevice(at(200));
    for (let i = 0; i < 10; i++) {
      expect((await signIn(user.email, `${WRONG} ${i}`, { from: at(i + 1) })).status).toBe(401);
    }
    // Guessing from many addresses has slowed the account for every browser without its device cookie…
    const untrusted = await signIn(user.email, TEST_PASSWORD, { from: at(100) });
    expect(untrusted.status).toBe(429);
    expect(untrusted.retryAfter).toBeGreaterThan(0);
    // …but not for the owner's own browser, at home or travelling.
    const home = await signIn(user.email, TEST_PASSWORD, { from: at(200), device });
    expect(home.status).toBe(200);
    expect((await signIn(user.email, TEST_PASSWORD, { from: '192.0.2.77', device: home.device })).status).toBe(200);
  });

  it('a trusted browser’s own wrong guesses hold up only that browser', async () => {
    const at = addresses();
    const { user, device } = await memberWithDevice(at(1));
    const limit = t.config.signInLimits.accountDevice.maxFailures;
    for (let i = 0; i < limit; i++) expect((await signIn(user.email, `${WRONG} ${i}`, { from: at(1), device })).status).toBe(401);
    const held = await signIn(user.email, TEST_PASSWORD, { from: at(1), device });
    expect(held.status).toBe(429);
    expect(held.retryAfter).toBeGreaterThan(0);
    // The account itself is not locked: another browser, even at the same address, signs in.
    expect((await signIn(user.email, TEST_PASSWORD, { from: at(1) })).status).toBe(200);
  });

  it('a tampered, forged or borrowed device cookie counts as no cookie', async () => {
    const at = addresses();
    const { user, device } = await memberWithDevice(at(200));
    const { device: colleaguesDevice } = await memberWithDevice(at(200));
    for (let i = 0; i < 10; i++) expect((await signIn(user.email, `${WRONG} ${i}`, { from: at(i + 1) })).status).toBe(401);
    // The account is now closed to untrusted browsers; only a genuine device cookie for it opens it.
    const value = decodeURIComponent(device);
    const dot = value.lastIndexOf('.');
    const [payload, signature] = [value.slice(0, dot), value.slice(dot + 1)];
    const [version, userId, nonce, issuedAt] = payload.split('~') as [string, string, string, string];
    const otherNonce = `${nonce.slice(0, -1)}${nonce.endsWith('A') ? 'B' : 'A'}`;
    const forgeries = {
      'signature changed': `${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`,
      'payload changed, signature kept': `${[version, userId, otherNonce, issuedAt].join('~')}.${signature}`,
      'signature removed': payload,
      'signed with another secret': new Signer('an attacker’s guess at the secret, long enough').sign(payload),
      "a colleague's genuine cookie": decodeURIComponent(colleaguesDevice),
      garbage: 'x'.repeat(300),
    };
    for (const [what, forged] of Object.entries(forgeries)) {
      const r = await signIn(user.email, TEST_PASSWORD, { from: at(200), device: encodeURIComponent(forged) });
      expect(r.status, what).toBe(429);
    }
    expect((await signIn(user.email, TEST_PASSWORD, { from: at(200), device })).status).toBe(200);
  });

  it('parallel guesses cannot slip past a limit', async () => {
    const user = await t.makeUser();
    const from = addresses()(1);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(user.email, `${WRONG} ${i}`, { from })));
    const wrongAnswers = results.filter((r) => r.status === 401).length;
    expect(wrongAnswers).toBeLessThanOrEqual(t.config.signInLimits.accountAddress.maxFailures);
    expect(results.filter((r) => r.status === 429).length).toBe(20 - wrongAnswers);
  });

  it('sets the device cookie HttpOnly, SameSite=Lax, for the sign-in routes only, for a year; registering sets it too', async () => {
    const user = await t.makeUser();
    const line = (await signIn(user.email, TEST_PASSWORD, { from: addresses()(1) })).deviceCookieLine!;
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; SameSite=Lax/);
    expect(line).toMatch(/; Path=\/api\/auth(;|$)/);
    expect(Number(/Max-Age=(\d+)/.exec(line)![1])).toBeGreaterThanOrEqual(365 * 86_400);
    expect(line).not.toMatch(/; Secure/); // PUBLIC_URL is http here; see the https app below
    const reg = await t.anonymous.post('/api/auth/register', { email: 'new-device@example.test', password: TEST_PASSWORD, displayName: 'N' });
    expect(reg.statusCode).toBe(201);
    expect(reg.cookies.find((c) => c.name === DEVICE_COOKIE)).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/auth' });
  });

  it('keeps failures in the database, not in the process: another process (or a restart) sees them and trusts the same cookies', async () => {
    const at = addresses();
    const { user, device } = await memberWithDevice(at(200));
    // A second app on the same database, as a second process or this one after a restart, with its own pool.
    const second = t.testDb.url ? await openDatabase({ databaseUrl: t.testDb.url }) : t.testDb.database;
    const other: FastifyInstance = await buildApp(t.config, { database: second, closeDatabase: false, passwordCost: TEST_PASSWORD_COST, logger: false });
    try {
      const signInOther = (password: string, from: string, cookie?: string) =>
        other.inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress: '127.0.0.1',
          headers: { origin: t.config.publicOrigin, 'x-forwarded-for': from, ...(cookie ? { cookie: `${DEVICE_COOKIE}=${cookie}` } : {}) },
          payload: { email: user.email, password },
        });
      const limit = t.config.signInLimits.accountAddress.maxFailures;
      for (let i = 0; i < limit; i++) {
        const status = i % 2 === 0 ? (await signIn(user.email, WRONG, { from: at(1) })).status : (await signInOther(WRONG, at(1))).statusCode;
        expect(status).toBe(401);
      }
      expect((await signInOther(TEST_PASSWORD, at(1))).statusCode).toBe(429);
      expect((await signIn(user.email, TEST_PASSWORD, { from: at(1) })).status).toBe(429);
      // The device cookie this process issued is genuine to the other one (one secret, kept in the database).
      expect((await signInOther(TEST_PASSWORD, at(1), device)).statusCode).toBe(200);
      const secrets = await t.testDb.database.rows<{ n: number }>(sql`select count(*)::int as n from server_secrets`);
      expect(secrets[0]!.n).toBe(1);
    } finally {
      await other.close();
      if (second !== t.testDb.database) await second.close();
    }
  });
});

describe('the per-address cap (lowered here), behind no proxy, on an https site', () => {
  let h: TestApp;
  const cap = 8;
  beforeAll(async () => {
    const https = loadConfig({ PORT: '0', PUBLIC_URL: 'https://stoa.example' });
    h = await createTestApp({
      publicUrl: https.publicUrl,
      publicOrigin: https.publicOrigin,
      secureCookies: https.secureCookies,
      signInLimits: { ...testConfig().signInLimits, address: { maxFailures: cap, windowMs: 60 * 60_000 } },
    });
  });
  afterAll(async () => h?.close());

  const signInH = (email: string, password: string, remoteAddress: string, headers: Record<string, string> = {}) =>
    h.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, headers: { origin: h.config.publicOrigin, ...headers }, payload: { email, password } });

  it('refuses an address after its cap of failures across many accounts, but not trusted browsers there or other addresses', async () => {
    const member = await h.makeUser();
    const home = await signInH(member.email, TEST_PASSWORD, '2001:db8:7:7::1');
    const device = home.cookies.find((c) => c.name === DEVICE_COOKIE)!;
    expect(device).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
    // Spraying passwords over many accounts from one IPv6 /64, rotating the lower 64 bits: one address.
    for (let i = 0; i < cap; i++) {
      expect((await signInH(`sprayed-${i}@example.test`, WRONG, `2001:db8:7:7::${(i + 2).toString(16)}`)).statusCode).toBe(401);
    }
    const colleague = await h.makeUser();
    const refused = await signInH(colleague.email, TEST_PASSWORD, '2001:db8:7:7:abcd::9');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(3600);
    // Another network is unaffected; a browser that signed in before still signs in from the capped one.
    expect((await signInH(colleague.email, TEST_PASSWORD, '2001:db8:8:8::1')).statusCode).toBe(200);
    const trusted = await signInH(member.email, TEST_PASSWORD, '2001:db8:7:7::1', { cookie: `${DEVICE_COOKIE}=${device.value}` });
    expect(trusted.statusCode).toBe(200);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY says so', async () => {
    for (let i = 0; i < cap; i++) {
      // A spoofed X-Forwarded-For does not give the attacker a fresh address.
      const r = await signInH(`nobody-${i}@example.test`, WRONG, '10.2.0.1', { 'x-forwarded-for': `192.0.2.${i}` });
      expect(r.statusCode).toBe(401);
    }
    expect((await signInH('someone-else@example.test', WRONG, '10.2.0.1', { 'x-forwarded-for': '198.51.100.1' })).statusCode).toBe(429);
    expect((await signInH('someone-else@example.test', WRONG, '10.2.0.2')).statusCode).toBe(401);
  });
});


describe('device cookies and address keys (no database)', () => {
  const secretA = 'a'.repeat(32);
  const secretB = 'b'.repeat(32);
  const alice = '11111111-1111-4111-8111-111111111111';
  const bob = '22222222-2222-4222-8222-222222222222';

  it('trust a cookie only for the accounts it names, only unexpired, and across a secret rotation', async () => {
    let now = Date.UTC(2026, 0, 1);
    const cookies = createDeviceCookies(async () => [secretA], () => now);
    const forAlice = await cookies.issue(undefined, alice);
    const aliceNonce = await cookies.trustedNonce(forAlice, alice);
    expect(aliceNonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await cookies.trustedNonce(forAlice, bob)).toBeNull();
    expect(await cookies.trustedNonce(forAlice, undefined)).toBeNull();
    // Bob signs in on the same browser: both are remembered, Alice keeps her nonce.
    const both = await cookies.issue(forAlice, bob);
    expect(await cookies.trustedNonce(both, alice)).toBe(aliceNonce);
    expect(await cookies.trustedNonce(both, bob)).not.toBeNull();
    // Rotation: a new first secret signs, the old one still verifies; dropping it ends those cookies.
    expect(await createDeviceCookies(async () => [secretB, secretA], () => now).trustedNonce(both, alice)).toBe(aliceNonce);
    expect(await createDeviceCookies(async () => [secretB], () => now).trustedNonce(both, alice)).toBeNull();
    // A year without signing in on this browser and the entry has expired, even if the browser kept it.
    now += (DEVICE_COOKIE_DAYS + 1) * 86_400_000;
    expect(await cookies.trustedNonce(both, alice)).toBeNull();
  });

  it(`remember at most ${DEVICE_ACCOUNTS_MAX} accounts per browser, the most recent first`, async () => {
    const cookies = createDeviceCookies(async () => [secretA]);
    const ids = Array.from({ length: DEVICE_ACCOUNTS_MAX + 1 }, (_, i) => `33333333-3333-4333-8333-${String(i).padStart(12, '0')}`);
    let cookie: string | undefined;
    for (const id of ids) cookie = await cookies.issue(cookie, id);
    expect(await cookies.trustedNonce(cookie, ids[0])).toBeNull();
    for (const id of ids.slice(1)) expect(await cookies.trustedNonce(cookie, id)).not.toBeNull();
  });

  it('count IPv6 clients per /64 and IPv4-mapped addresses as IPv4', () => {
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:ffff::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:3::1')).not.toBe(addressKey('2001:db8:1:2::1'));
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
  });
});
