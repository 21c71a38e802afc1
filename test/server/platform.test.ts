// Health, security headers, the OpenAPI document and the client fallback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import { securityHeaderOptions } from '../../server/plugins/security-headers.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('platform', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await t.anonymous.get('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.anonymous.get('/readyz')).json()).toEqual({ status: 'ready' });
  });

  it('sends a strict Content-Security-Policy and nosniff', async () => {
    const res = await t.anonymous.get('/healthz');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it("sends exactly helmet's headers (computed once) on answers and errors alike", async () => {
    // What helmet's own middleware sets on a real response with the same options (as @fastify/helmet did per request).
    const res = new ServerResponse(new IncomingMessage(new Socket()));
    helmet(securityHeaderOptions(false))(res.req, res, () => {});
    const expected = Object.entries(res.getHeaders()).map(([name, value]) => [name, String(value)]);
    expect(expected.length).toBeGreaterThan(8);
    for (const answer of [await t.anonymous.get('/healthz'), await t.anonymous.get('/api/nothing-here'), await t.anonymous.get('/api/me')]) {
      for (const [name, value] of expected) expect(answer.headers[name!], `${answer.statusCode} ${name}`).toBe(value);
    }
  });

  it('publishes an OpenAPI document generated from the route schemas', async () => {
    const doc = (await t.anonymous.get('/api/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/api/auth/register', '/api/auth/login', '/api/me', '/api/communities', '/api/communities/{communityId}/members/{userId}']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/api/auth/register'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['email', 'password', 'displayName']),
    );
  });

  it('serves the client for deep links but never for unknown API paths', async () => {
    const deep = await t.anonymous.get('/c/some-community');
    if (deep.statusCode === 200) expect(deep.headers['content-type']).toContain('text/html');
    else expect(deep.json().code).toBe('route_not_found'); // client not built
    expect((await t.anonymous.get('/api/nothing-here')).statusCode).toBe(404);
  });

  it('runs PostgreSQL statements without JIT compilation (PostgreSQL only)', async ({ skip }) => {
    if (!t.testDb.url) {
      console.log('[platform.test] JIT check skipped: PGlite has no JIT.');
      return skip();
    }
    // Every pooled connection, not only the first: hold several at once.
    const settings = await Promise.all(Array.from({ length: 4 }, () => t.app.db.transaction(async (tx) => {
      const result = (await tx.execute(sql`select current_setting('jit') as jit, pg_sleep(0.05)`)) as unknown as { rows: Array<{ jit: string }> };
      return result.rows[0]!.jit;
    })));
    expect(settings).toEqual(['off', 'off', 'off', 'off']);
  });

  it('answers 503 (not a crash) when the database is unreachable', async () => {
    // PostgreSQL: a pool whose server refuses connections; PGlite: a closed database.
    const { openDatabase } = await import('../../server/db/client.js');
    const { buildApp } = await import('../../server/app.js');
    const database = t.testDb.url
      ? await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/nowhere', onPoolError: () => {} })
      : await openDatabase({});
    if (!t.testDb.url) await database.close();
    const app = await buildApp(t.config, { database, logger: false, closeDatabase: false });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: t.config.publicOrigin },
      payload: { email: 'a@b.example', password: 'whatever-long' },
    });
    expect(login.statusCode).toBe(503);
    expect(login.json().code).toBe('database_unavailable');
    await app.close();
    if (t.testDb.url) await database.close();
  });
});
