// Bad input for every body-taking route (foundation, topics, posts, moderation): each gets a clear problem JSON, never a 500, and nothing is written.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type Agent, type TestApp } from '../helpers/app.js';
import { naughtyStrings } from '../helpers/corpora.js';
import { LIMITS } from '../../shared/limits.js';

let t: TestApp;
let admin: Agent;
let manager: Agent;
let communityId: string;
// The discussion and moderation routes' targets.
let facilitator: Agent;
let practitioner: Agent;
let moderator: Agent;
let cpdTopicId: string;
let cpdPromptId: string;
let problemTopicId: string;
let postId: string;
let suspendTargetId: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.as(await t.makeUser({ isAdmin: true }));
  const c = await t.makeCommunity();
  communityId = c.id;
  manager = await t.as(await t.makeMember(c.id, ['manager']));
  facilitator = await t.as(await t.makeMember(c.id, ['facilitator']));
  moderator = await t.as(await t.makeMember(c.id, ['moderator']));
  const writer = await t.makeMember(c.id, []);
  practitioner = await t.as(writer);
  suspendTargetId = (await t.makeMember(c.id, [])).id;
  const cpd = (await facilitator.post(`/api/communities/${c.id}/topics`, { kind: 'cpd', title: 'CPD', article: 'Read', prompts: [{ body: 'Why?' }] })).json();
  cpdTopicId = cpd.id;
  cpdPromptId = cpd.prompts[0].id;
  problemTopicId = (await practitioner.post(`/api/communities/${c.id}/topics`, { kind: 'problem', title: 'Problem', body: 'Help' })).json().id;
  postId = (await practitioner.post(`/api/topics/${problemTopicId}/posts`, { body: 'A reply' })).json().id;
  // The targets must exist, or the sweep would only exercise path validation.
  for (const id of [cpdTopicId, cpdPromptId, problemTopicId, postId]) expect(id).toMatch(/^[0-9a-f-]{36}$/);
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
  // Topics and posts
  { name: 'create topic', agent: facilitator, method: 'POST' as const, url: `/api/communities/${communityId}/topics`, valid: { kind: 'problem', title: 'T', body: 'B' }, table: 'topics' },
  { name: 'patch topic', agent: facilitator, method: 'PATCH' as const, url: `/api/topics/${cpdTopicId}`, valid: { title: 'New title' }, table: 'moderation_log', allOptional: true },
  { name: 'add prompt', agent: facilitator, method: 'POST' as const, url: `/api/topics/${cpdTopicId}/prompts`, valid: { body: 'Another prompt' }, table: 'prompts' },
  { name: 'edit prompt', agent: facilitator, method: 'PATCH' as const, url: `/api/topics/${cpdTopicId}/prompts/${cpdPromptId}`, valid: { body: 'Why, exactly?' }, table: 'topic_revisions', allOptional: true },
  { name: 'create post', agent: practitioner, method: 'POST' as const, url: `/api/topics/${problemTopicId}/posts`, valid: { body: 'Hello' }, table: 'posts' },
  { name: 'edit post', agent: practitioner, method: 'PATCH' as const, url: `/api/posts/${postId}`, valid: { body: 'Edited', version: 1 }, table: 'post_revisions' },
  { name: 'mark read', agent: practitioner, method: 'POST' as const, url: `/api/topics/${problemTopicId}/read`, valid: { postId }, table: 'topic_reads' },
  { name: 'solution', agent: practitioner, method: 'POST' as const, url: `/api/topics/${problemTopicId}/solution`, valid: { postId }, table: 'events' },
  // Moderation
  { name: 'flag', agent: facilitator, method: 'POST' as const, url: `/api/posts/${postId}/flags`, valid: { reason: 'spam' }, table: 'flags' },
  { name: 'removal', agent: moderator, method: 'POST' as const, url: `/api/posts/${postId}/removal`, valid: { reason: 'Rude' }, table: 'moderation_log' },
  { name: 'author note', agent: moderator, method: 'POST' as const, url: `/api/posts/${postId}/author-note`, valid: { message: 'Please rephrase' }, table: 'moderation_log' },
  { name: 'watched words', agent: moderator, method: 'PUT' as const, url: `/api/communities/${communityId}/watched-words`, valid: { words: [{ phrase: 'x', action: 'block' }] }, table: 'watched_words' },
  { name: 'settings', agent: moderator, method: 'PATCH' as const, url: `/api/communities/${communityId}/settings`, valid: { autoHideThreshold: 4 }, table: 'moderation_log', allOptional: true },
  { name: 'suspension', agent: moderator, method: 'PUT' as const, url: `/api/communities/${communityId}/members/${suspendTargetId}/suspension`, valid: { reason: 'Cooling off' }, table: 'suspensions' },
  { name: 'topic moderation', agent: moderator, method: 'PATCH' as const, url: `/api/topics/${cpdTopicId}/moderation`, valid: { locked: true }, table: 'moderation_log', allOptional: true },
];

/** A value of another JSON type than the valid one (no coercion may turn it into a valid value). */
const wrongType = (value: unknown) => (Array.isArray(value) ? 'facilitator' : typeof value === 'string' ? 12345 : typeof value === 'number' ? 'four' : typeof value === 'boolean' ? 'yes' : 'x');

describe('bad input on every body-taking route', () => {
  it('missing fields → 400 naming the field', async () => {
    for (const r of bodyRoutes()) {
      if ('allOptional' in r) continue; // every field optional: covered by the empty-body case below
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
      const before = await countRows(r.table);
      const res = await r.agent.request(r.method, r.url, { ...r.valid, [field]: wrongType(value) });
      expect(expectProblem(res, 400, 'validation_failed').field, r.name).toBe(field);
      expect(await countRows(r.table), r.name).toBe(before);
    }
  });

  it('an empty body on a route whose fields are all optional → 400, nothing written', async () => {
    for (const r of bodyRoutes().filter((x) => 'allOptional' in x)) {
      const before = await countRows(r.table);
      expectProblem(await r.agent.request(r.method, r.url, {}), 400);
      expect(await countRows(r.table), r.name).toBe(before);
    }
  });

  it('unknown fields are rejected, and __proto__ does nothing', async () => {
    for (const r of bodyRoutes()) {
      const before = await countRows(r.table);
      const res = await r.agent.request(r.method, r.url, { ...r.valid, isAdmin: true });
      expect(expectProblem(res, 400).field, r.name).toBe('isAdmin');
      expect(await countRows(r.table), r.name).toBe(before);
      const proto = await r.agent.request(r.method, r.url, `{"__proto__": {"isAdmin": true}, ${JSON.stringify(r.valid).slice(1)}`, {
        'content-type': 'application/json',
      });
      expectProblem(proto, 400);
    }
  });

  it('malformed JSON → 400, oversize body → 413, wrong content type → 415', async () => {
    for (const r of bodyRoutes()) {
      expectProblem(await r.agent.request(r.method, r.url, '{"email": ', { 'content-type': 'application/json' }), 400, 'malformed_json');
      const huge = { ...r.valid, filler: 'x'.repeat(LIMITS.requestBodyBytes + 1024) };
      expectProblem(await r.agent.request(r.method, r.url, huge), 413, 'body_too_large');
      expectProblem(await r.agent.request(r.method, r.url, 'email=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
    }
  });

  it('NUL bytes in text → 400 invalid_characters', async () => {
    for (const r of bodyRoutes()) {
      const field = Object.keys(r.valid).find((k) => typeof (r.valid as Record<string, unknown>)[k] === 'string');
      if (!field) continue;
      const before = await countRows(r.table);
      const res = await r.agent.request(r.method, r.url, { ...r.valid, [field]: 'a\u0000b' });
      expect(expectProblem(res, 400, 'invalid_characters').field, r.name).toBe(field);
      expect(await countRows(r.table), r.name).toBe(before);
    }
  });

  it('deeply nested JSON → 400 json_too_deep, never a stack overflow (also unauthenticated, also on routes without a body)', async () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    for (const r of bodyRoutes()) {
      const before = await countRows(r.table);
      expectProblem(await r.agent.request(r.method, r.url, deep(20_000), { 'content-type': 'application/json' }), 400, 'json_too_deep');
      // Nested inside an otherwise valid body, in its first field.
      const field = Object.keys(r.valid)[0]!;
      const inField = `{"${field}": ${deep(20_000)}, ${JSON.stringify(r.valid).slice(1)}`;
      expectProblem(await r.agent.request(r.method, r.url, inField, { 'content-type': 'application/json' }), 400, 'json_too_deep');
      expect(await countRows(r.table), r.name).toBe(before);
    }
    expectProblem(await t.anonymous.post('/api/auth/login', deep(20_000), { 'content-type': 'application/json' }), 400, 'json_too_deep');
    expectProblem(await t.anonymous.post('/api/auth/logout', `{"a": ${deep(100_000)}}`, { 'content-type': 'application/json' }), 400, 'json_too_deep');
    // Deep nesting inside a string is just text.
    const login = await t.anonymous.post('/api/auth/login', { email: 'nobody@example.test', password: deep(50) });
    expect(login.statusCode).toBe(401);
  });

  it('invalid UTF-8 → 400 invalid_characters naming the field, nothing stored', async () => {
    const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    for (const r of bodyRoutes()) {
      const field = Object.keys(r.valid).find((k) => typeof (r.valid as Record<string, unknown>)[k] === 'string');
      if (!field) continue;
      const rest = { ...r.valid } as Record<string, unknown>;
      delete rest[field];
      const tail = Object.keys(rest).length ? `, ${JSON.stringify(rest).slice(1)}` : '}';
      const before = await countRows(r.table);
      // A lone continuation byte, an overlong encoding of "/", and a truncated 3-byte sequence.
      for (const bad of [[0x80], [0xc0, 0xaf], [0xe2, 0x82]]) {
        const body = bytes(`{"${field}": "a`, bad, `b"${tail}`);
        const res = await r.agent.request(r.method, r.url, body, { 'content-type': 'application/json' });
        expect(expectProblem(res, 400, 'invalid_characters').field, r.name).toBe(field);
      }
      expect(await countRows(r.table), r.name).toBe(before);
    }
    // Bad bytes outside any string: the body as a whole.
    const res = await t.anonymous.post('/api/auth/login', bytes('{"email": "a@b.c", ', [0xff], '}'), { 'content-type': 'application/json' });
    expect(expectProblem(res, 400, 'invalid_characters').field).toBe('body');
    // Valid multi-byte UTF-8 (and a U+FFFD the client really sent) is stored as sent.
    const ok = await admin.post('/api/communities', bytes('{"name": "Caf\u00e9 \ufffd", "slug": "utf8-ok", "description": "', [0xe2, 0x82, 0xac], '", "joinPolicy": "open"}'), {
      'content-type': 'application/json',
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ name: 'Café \ufffd', description: '€' });
  });

  it('text beginning with U+FEFF → 400 invalid_characters (it would not read back exactly), elsewhere it is kept', async () => {
    for (const r of bodyRoutes()) {
      const field = Object.keys(r.valid).find((k) => typeof (r.valid as Record<string, unknown>)[k] === 'string');
      if (!field) continue;
      const before = await countRows(r.table);
      const res = await r.agent.request(r.method, r.url, { ...r.valid, [field]: '\uFEFFtext' });
      const problem = expectProblem(res, 400, 'invalid_characters');
      expect(problem.field, r.name).toBe(field);
      expect(problem.detail).toMatch(/U\+FEFF/);
      expect(await countRows(r.table), r.name).toBe(before);
    }
    const c = await admin.post('/api/communities', { name: 'BOM', slug: 'bom-only', description: '\uFEFF', joinPolicy: 'open' });
    expect(expectProblem(c, 400, 'invalid_characters').field).toBe('description');
    const inside = await admin.post('/api/communities', { name: 'a\uFEFFb', slug: 'bom-inside', description: 'x\uFEFF', joinPolicy: 'open' });
    expect(inside.statusCode).toBe(201);
    const back = (await admin.get(`/api/communities/${inside.json().id}`)).json();
    expect([back.name, back.description]).toEqual(['a\uFEFFb', 'x\uFEFF']);
  });

  it('malformed ids in the path → 400, unknown routes → 404 problem', async () => {
    expectProblem(await manager.get('/api/communities/not-a-uuid'), 400, 'validation_failed');
    // A path that is not percent-encoded UTF-8 is refused before routing: still a problem document.
    expectProblem(await manager.get('/api/communities/%FF'), 400, 'bad_url');
    expectProblem(await manager.post(`/api/invites/abcdefghij%C0%AF/accept`), 400, 'bad_url');
    expectProblem(await t.anonymous.get('/%E2%82'), 400, 'bad_url');
    expectProblem(await manager.get('/api/no-such-route'), 404, 'route_not_found');
    expectProblem(await manager.post('/api/no-such-route', {}), 404);
  });
});

describe('malformed ids on the history and author-notes reads', () => {
  // GET routes whose only input is the id in the path: each names its parameter when the id is no UUID.
  const idReads = () => [
    { url: (id: string) => `/api/posts/${id}/author-notes`, param: 'postId', valid: postId },
    { url: (id: string) => `/api/topics/${id}/author-notes`, param: 'topicId', valid: cpdTopicId },
    { url: (id: string) => `/api/posts/${id}/revisions`, param: 'postId', valid: postId },
    { url: (id: string) => `/api/topics/${id}/revisions`, param: 'topicId', valid: cpdTopicId },
  ];
  // Not a UUID; a number (the wrong type: path values are never coerced to a UUID); a UUID with a character more or one less.
  const badIds = () => ['not-a-uuid', '12345', `${postId}0`, postId.slice(1), `${postId.slice(0, -1)}g`];

  it('the valid id reads (so the refusals below are about the id, not the route or the reader)', async () => {
    for (const r of idReads()) {
      const res = await moderator.get(r.url(r.valid));
      expect(res.statusCode, `${r.url(r.valid)}: ${res.body}`).toBe(200);
      expect(Array.isArray(res.json().items)).toBe(true);
    }
  });

  it('a malformed id → 400 validation_failed naming the path parameter, for a member and for a moderator', async () => {
    for (const r of idReads()) {
      for (const bad of badIds()) {
        for (const agent of [practitioner, moderator]) {
          const problem = expectProblem(await agent.get(r.url(bad)), 400, 'validation_failed');
          expect(problem.field, r.url(bad)).toBe(r.param);
          expect(problem.type, r.url(bad)).toBeTypeOf('string');
          expect(problem.title, r.url(bad)).toBeTypeOf('string');
        }
      }
    }
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
