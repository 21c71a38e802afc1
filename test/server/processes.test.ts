// Two separate server PROCESSES on one PostgreSQL database: nothing ties a member to one process.
// A session made through process A works on process B (sessions live in the database), signing out on A
// ends the session on B too (B's session cache is invalidated by NOTIFY), and a post made through A
// reaches a WebSocket subscriber connected to B (live events travel through LISTEN/NOTIFY). Sign-in
// failures counted on one process hold on the other, and both sign device cookies with one secret that the
// first sign-in generated and kept in the database.
// PGlite is an embedded, single-process database, so this file only runs on PostgreSQL.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { insertUser } from '../../server/features/auth/queries.js';
import { hashPassword } from '../../server/features/auth/tokens.js';
import { insertCommunity, upsertMembership } from '../../server/features/communities/queries.js';
import { SESSION_COOKIE } from '../../server/plugins/session.js';
import { DEVICE_COOKIE } from '../../server/features/auth/device-cookie.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { TEST_PASSWORD, TEST_PASSWORD_COST } from '../helpers/app.js';
import { api, sessionCookie, startServer, stopServer, waitReady, type ServerProcess } from '../helpers/server-process.js';

// Both processes stand behind one public address (as behind a proxy): the Origin check compares to it.
const PUBLIC_URL = 'http://stoa.test';
const ORIGIN = { origin: PUBLIC_URL };

let testDb: TestDatabase | undefined;
const servers: ServerProcess[] = [];
const sockets: WebSocket[] = [];

/** Opens the live socket on a server; resolves once open. Messages are collected for `waitFor`. */
async function openLive(server: ServerProcess, cookie: string) {
  const socket = new WebSocket(`${server.baseUrl.replace('http', 'ws')}/api/live`, {
    headers: { cookie: `${SESSION_COOKIE}=${cookie}`, ...ORIGIN },
  });
  sockets.push(socket);
  const messages: any[] = [];
  const waiters: Array<{ test: (m: any) => boolean; resolve: (m: any) => void }> = [];
  socket.on('message', (raw) => {
    const message = JSON.parse(raw.toString());
    messages.push(message);
    for (const w of [...waiters]) {
      if (w.test(message)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(message);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`live handshake refused: ${res.statusCode}`)));
  });
  return {
    send: (message: unknown) => socket.send(JSON.stringify(message)),
    waitFor(test: (m: any) => boolean, timeoutMs = 10_000): Promise<any> {
      const already = messages.find(test);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching live message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`)), timeoutMs);
        waiters.push({ test, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
  };
}

const world = {
  communityId: '',
  member: { email: '', password: TEST_PASSWORD },
  reader: { email: '', password: TEST_PASSWORD },
  guarded: { email: '', password: TEST_PASSWORD },
};

function deviceCookie(headers: Headers): string {
  for (const line of headers.getSetCookie()) {
    const match = new RegExp(`^${DEVICE_COOKIE}=([^;]+)`).exec(line);
    if (match) return match[1]!;
  }
  throw new Error('no device cookie was set');
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  if (!testDb.url) return;
  const db = testDb.database.db;
  // Production-cost hashing is not needed to prove the point; the cost is stored with each hash.
  const passwordHash = await hashPassword(TEST_PASSWORD, TEST_PASSWORD_COST);
  const suffix = Date.now().toString(36);
  const community = await insertCommunity(db, { name: 'Two processes', slug: `two-processes-${suffix}`, description: 'multi-process test', joinPolicy: 'invite' });
  world.communityId = community!.id;
  for (const who of ['member', 'reader', 'guarded'] as const) {
    const email = `${who}-${suffix}@example.test`;
    const user = await insertUser(db, { email, passwordHash, displayName: `The ${who}` });
    await upsertMembership(db, community!.id, user!.id, []);
    world[who].email = email;
  }
  // Both processes start at once: migrations are already applied (cloned template), the advisory lock
  // serialises the check, and neither may tie any state to itself.
  const options = { databaseUrl: testDb.url, publicUrl: PUBLIC_URL };
  servers.push(await startServer('process A', options), await startServer('process B', options));
  await Promise.all(servers.map((s) => waitReady(s, 45_000)));
}, 90_000);

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await Promise.all(servers.map(stopServer));
  await testDb?.close();
}, 30_000);

describe('two server processes on one PostgreSQL', () => {
  it('runs only on PostgreSQL', ({ skip }) => {
    if (!testDb?.url) {
      console.log('[processes.test] skipped: PGlite is an embedded single-process database; set TEST_DATABASE_URL to run this on PostgreSQL.');
      skip();
    }
    expect(servers).toHaveLength(2);
    expect(new Set(servers.map((s) => s.child.pid)).size).toBe(2);
  });

  it('sign-in failures through A hold on B, and a device cookie from either process is genuine to the other', async ({ skip }) => {
    if (!testDb?.url) return skip();
    const [a, b] = servers as [ServerProcess, ServerProcess];
    // The first sign-ins of the deployment, on both processes at once: they race to generate the secret.
    const [onA, onB] = await Promise.all([api(a, 'POST', '/api/auth/login', { body: world.guarded }), api(b, 'POST', '/api/auth/login', { body: world.member })]);
    expect([onA.status, onB.status]).toEqual([200, 200]);
    const [deviceFromA, deviceFromB] = [deviceCookie(onA.headers), deviceCookie(onB.headers)];
    const secrets = await testDb.database.rows<{ n: number }>(sql`select count(*)::int as n from server_secrets`);
    expect(secrets[0]!.n).toBe(1);

    // Five wrong guesses spread over both processes from one address (no TRUST_PROXY: the loopback).
    const wrong = { email: world.guarded.email, password: 'not the password at all' };
    for (const server of [a, b, a, b, a]) expect((await api(server, 'POST', '/api/auth/login', { body: wrong })).status).toBe(401);
    const refused = await api(b, 'POST', '/api/auth/login', { body: world.guarded });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The browser that signed in through A is trusted by B, and a cookie B issued (to another account) opens
    // nothing here, but is genuine to A for its own account.
    const device = (cookie: string) => ({ cookie: `${DEVICE_COOKIE}=${cookie}` });
    expect((await api(b, 'POST', '/api/auth/login', { body: world.guarded, headers: device(deviceFromA) })).status).toBe(200);
    expect((await api(a, 'POST', '/api/auth/login', { body: world.guarded, headers: device(deviceFromB) })).status).toBe(429);
    expect((await api(a, 'POST', '/api/auth/login', { body: world.member, headers: device(deviceFromB) })).status).toBe(200);
  });

  it('a session made through A works on B, and signing out on A ends it on B', async ({ skip }) => {
    if (!testDb?.url) return skip();
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const login = await api(a, 'POST', '/api/auth/login', { body: world.member });
    expect(login.status).toBe(200);
    const cookie = sessionCookie(login.headers);

    const meOnB = await api(b, 'GET', '/api/me', { cookie });
    expect(meOnB.status).toBe(200);
    expect(meOnB.body.email).toBe(world.member.email);
    expect(meOnB.body.memberships.map((m: { communityId: string }) => m.communityId)).toContain(world.communityId);

    // B now holds the session in its short-lived cache; sign-out on A must reach B through NOTIFY,
    // well before the cache entry would expire by itself.
    expect((await api(a, 'POST', '/api/auth/logout', { cookie })).status).toBe(204);
    expect((await api(a, 'GET', '/api/me', { cookie })).status).toBe(401);
    await expect
      .poll(async () => (await api(b, 'GET', '/api/me', { cookie })).status, { timeout: 3000, interval: 50 })
      .toBe(401);
  });

  it('a post made through A reaches a WebSocket subscriber connected to B', async ({ skip }) => {
    if (!testDb?.url) return skip();
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const writer = sessionCookie((await api(a, 'POST', '/api/auth/login', { body: world.member })).headers);
    const reader = sessionCookie((await api(b, 'POST', '/api/auth/login', { body: world.reader })).headers);

    const topic = await api(a, 'POST', `/api/communities/${world.communityId}/topics`, {
      cookie: writer,
      body: { kind: 'problem', title: 'Feedback that lands', body: 'How do you give feedback on a lesson that went badly?' },
    });
    expect(topic.status).toBe(201);

    const live = await openLive(b, reader);
    const channel = `topic:${topic.body.id}`;
    live.send({ type: 'subscribe', channel });
    await live.waitFor((m) => m.type === 'subscribed' && m.channel === channel);

    const post = await api(a, 'POST', `/api/topics/${topic.body.id}/posts`, {
      cookie: writer,
      body: { body: 'Start with what the trainee noticed themselves.' },
      headers: { 'idempotency-key': `processes-${Date.now()}` },
    });
    expect(post.status).toBe(201);

    const event = await live.waitFor((m) => m.type === 'event' && m.name === 'post.created');
    expect(event.channel).toBe(channel);
    expect(event.data.id).toBe(post.body.id);
  });
});
