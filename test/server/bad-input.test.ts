// Bad input for the foundation's routes: each gets a clear problem JSON, never a 500, and nothing is written.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type Agent, type TestApp } from '../helpers/app.js';
import { naughtyStrings } from '../helpers/corpora.js';

let t: TestApp;
let admin: Agent;
let manager: Agent;
let communityId: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.as(await t.makeUser({ isAdmin: true }));
  const c = await t.makeCommunity();
  communityId = c.id;
  manager = await t.as(await t.makeMember(c.id, ['manager']));
});
afterAll(async () => t?.close());

const countRows = async (table: string) =>
  (await t.testDb.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): any }, status: number, code?: string) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const body = res.json();
  expect(body.status).toBe(status);
  expect(typeof body.code).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/); // no stack traces
  if (code) expect(body.code).toBe(code);
  return body;
}

// Every body-taking route of the foundation, with a valid body to mutate.
const bodyRoutes = () => [
  { name: 'register', agent: t.anonymous, method: 'POST' as const, url: '/api/auth/register', valid: { email: 'v@example.test', password: TEST_PASSWORD, displayName: 'V' }, table: 'users' },
  { name: 'login', agent: t.anonymous, method: 'POST' as const, url: '/api/auth/login', valid: { email: 'v@example.test', password: TEST_PASSWORD }, table: 'sessions' },
  { name: 'create community', agent: admin, method: 'POST' as const, url: '/api/communities', valid: { name: 'N', slug: 'n-slug', description: '', joinPolicy: 'open' }, table: 'communities' },
  { name: 'create invite', agent: manager, method: 'POST' as const, url: `/api/communities/${communityId}/invites`, valid: { roles: [] }, table: 'invites' },
  { name: 'set roles', agent: manager, method: 'PATCH' as const, url: `/api/communities/${communityId}/members/00000000-0000-4000-8000-000000000000`, valid: { roles: [] }, table: 'memberships' },
];

describe('bad input on every body-taking route', () => {
  it('missing fields → 400 naming the field', async () => {
    for (const r of bodyRoutes()) {
      const field = Object.keys(r.valid)[0]!;
      const body = { ...r.valid } as Record<string, unknown>;
      delete body[field];
      const before = await countRows(r.table);
      const res = await r.agent.request(r.method, r.url, body);
      expect(expectProblem(res, 400, 'validation_failed').field, r.name).toBe(field);
      expect(await countRows(r.table)).toBe(before);
    }
  });

  it('wrong-typed fields → 400 naming the field (no coercion)', async () => {
    for (const r of bodyRoutes()) {
      const field = Object.keys(r.valid)[0]!;
      const value = (r.valid as Record<string, unknown>)[field];
      const body = { ...r.valid, [field]: Array.isArray(value) ? 'facilitator' : 12345 };
      const res = await r.agent.request(r.method, r.url, body);
      expect(expectProblem(res, 400, 'validation_failed').field, r.name).toBe(field);
    }
  });

  it('unknown fields are rejected, and __proto__ does nothing', async () => {
    for (const r of bodyRoutes()) {
      const res = await r.agent.request(r.method, r.url, { ...r.valid, isAdmin: true });
      expect(expectProblem(res, 400).field, r.name).toBe('isAdmin');
      const proto = await r.agent.request(r.method, r.url, `{"__proto__": {"isAdmin": true}, ${JSON.stringify(r.valid).slice(1)}`, {
        'content-type': 'application/json',
      });
      expectProblem(proto, 400);
    }
  });

  it('malformed JSON → 400, oversize body → 413, wrong content type → 415', async () => {
    for (const r of bodyRoutes()) {
      expectProblem(await r.agent.request(r.method, r.url, '{"email": ', { 'content-type': 'application/json' }), 400, 'malformed_json');
      const huge = { ...r.valid, filler: 'x'.repeat(300 * 1024) };
      expectProblem(await r.agent.request(r.method, r.url, huge), 413, 'body_too_large');
      expectProblem(await r.agent.request(r.method, r.url, 'email=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
    }
  });

  it('NUL bytes in text → 400 invalid_characters', async () => {
    for (const r of bodyRoutes()) {
      const field = Object.keys(r.valid).find((k) => typeof (r.valid as Record<string, unknown>)[k] === 'string');
      if (!field) continue;
      const res = await r.agent.request(r.method, r.url, { ...r.valid, [field]: 'a\u0000b' });
      expect(expectProblem(res, 400, 'invalid_characters').field, r.name).toBe(field);
    }
  });

  it('malformed ids in the path → 400, unknown routes → 404 problem', async () => {
    expectProblem(await manager.get('/api/communities/not-a-uuid'), 400, 'validation_failed');
    expectProblem(await manager.get('/api/no-such-route'), 404, 'route_not_found');
    expectProblem(await manager.post('/api/no-such-route', {}), 404);
  });
});

describe('naughty strings in the foundation’s text fields', () => {
  it('display names and community names/descriptions are accepted or cleanly refused, and read back byte for byte', async () => {
    const strings = naughtyStrings();
    let accepted = 0;
    for (const [i, s] of strings.entries()) {
      // A distinct client address per request keeps registration's per-IP rate limit out of the way.
      const reg = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        remoteAddress: `10.9.${i >> 8}.${i & 255}`,
        payload: { email: `naughty${i}@example.test`, password: TEST_PASSWORD, displayName: s },
      });
      expect(reg.statusCode, JSON.stringify(s)).toBeLessThan(500);
      if (reg.statusCode === 201) {
        accepted++;
        expect(reg.json().displayName).toBe(s);
      } else expect(reg.statusCode).toBe(400);

      const c = await admin.post('/api/communities', { name: s, slug: `naughty-${i}`, description: s, joinPolicy: 'open' });
      expect(c.statusCode, JSON.stringify(s)).toBeLessThan(500);
      if (c.statusCode === 201) {
        const back = (await admin.get(`/api/communities/${c.json().id}`)).json();
        expect(back.name).toBe(s);
        expect(back.description).toBe(s);
      }
    }
    expect(accepted).toBeGreaterThan(strings.length * 0.9);
  }, 180_000); // ~1,500 requests: a corpus sweep, not a timing test
});
