// Builds a real app on a fresh database for one test file, plus factories and signed-in request agents.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { hashPassword } from '../../server/features/auth/tokens.js';
import { insertUser } from '../../server/features/auth/queries.js';
import { insertCommunity, upsertMembership } from '../../server/features/communities/queries.js';
import type { CommunityRole } from '../../server/policy/policy.js';
import { SESSION_COOKIE } from '../../server/plugins/session.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { installContractCheck } from './openapi-contract.js';

/** Cheap scrypt for tests (N = 2^10); production uses 2^15. */
export const TEST_PASSWORD_COST = 10;
export const TEST_PASSWORD = 'correct horse battery';

/** Mail of test apps without SMTP goes to a folder of its own under the system's temporary directory. */
const TEST_OUTBOX = join(tmpdir(), `stoa-test-outbox-${process.pid}`);

export function testConfig(overrides: Partial<Config> = {}): Config {
  // No posting limits unless a test asks (tests post faster than a person may): posting-limits.test.ts does.
  // A long markdown time limit: a loaded test machine must not turn slow renders into 422s.
  // Background loops (mail, notifier) run only when a test drains them, so what a test sees does not depend on timing.
  const base = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DEMO: '0' });
  return {
    ...base,
    postingLimits: null,
    markdown: { ...base.markdown, timeoutMs: 30_000 },
    mail: { ...base.mail, outboxDir: TEST_OUTBOX, pollMs: 3_600_000 },
    notifierIntervalMs: 3_600_000,
    // Views recorded as each topic is opened, so counts are exact when the request returns; the buffered
    // path is view-buffer.test.ts.
    viewFlushMs: 0,
    ...overrides,
  };
}

export interface TestUser {
  id: string;
  email: string;
  displayName: string;
}

export interface Agent {
  user: TestUser | null;
  cookie: string | null;
  request(method: InjectOptions['method'], url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  delete(url: string, body?: unknown): Promise<LightMyRequestResponse>;
}

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  testDb: TestDatabase;
  /** An agent with no session. */
  anonymous: Agent;
  makeUser(opts?: { displayName?: string; email?: string; isAdmin?: boolean }): Promise<TestUser>;
  makeCommunity(opts?: { joinPolicy?: 'open' | 'invite'; name?: string }): Promise<{ id: string; slug: string }>;
  makeMember(communityId: string, roles?: CommunityRole[], opts?: { displayName?: string }): Promise<TestUser>;
  /** An agent signed in as the user (a real session row and cookie). */
  as(user: TestUser): Promise<Agent>;
  close(): Promise<void>;
}

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`;

export async function createTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const testDb = await createTestDatabase();
  const config = testConfig(overrides);
  const app = await buildApp(config, { database: testDb.database, closeDatabase: false, passwordCost: TEST_PASSWORD_COST, logger: false });
  installContractCheck(app);
  await app.ready();
  const passwordHash = await hashPassword(TEST_PASSWORD, TEST_PASSWORD_COST);

  const agent = (user: TestUser | null, cookie: string | null): Agent => {
    const request: Agent['request'] = (method, url, body, headers = {}) =>
      app.inject({
        method,
        url,
        headers: {
          ...(method !== 'GET' ? { origin: config.publicOrigin } : {}),
          ...(cookie ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {}),
          ...headers,
        },
        ...(body !== undefined ? { payload: body as InjectOptions['payload'] } : {}),
      });
    return {
      user,
      cookie,
      request,
      get: (url) => request('GET', url),
      post: (url, body, headers) => request('POST', url, body, headers),
      put: (url, body) => request('PUT', url, body),
      patch: (url, body) => request('PATCH', url, body),
      delete: (url, body) => request('DELETE', url, body),
    };
  };

  const t: TestApp = {
    app,
    config,
    testDb,
    anonymous: agent(null, null),
    async makeUser(opts = {}) {
      const id = unique();
      const user = await insertUser(app.db, {
        email: opts.email ?? `user-${id}@example.test`,
        displayName: opts.displayName ?? `User ${id}`,
        passwordHash,
        isAdmin: opts.isAdmin ?? false,
      });
      return user!;
    },
    async makeCommunity(opts = {}) {
      const id = unique();
      const row = await insertCommunity(app.db, {
        name: opts.name ?? `Community ${id}`,
        slug: `c-${id}`.toLowerCase(),
        description: 'A test community',
        joinPolicy: opts.joinPolicy ?? 'invite',
      });
      return { id: row!.id, slug: row!.slug };
    },
    async makeMember(communityId, roles = [], opts = {}) {
      const user = await t.makeUser(opts);
      await upsertMembership(app.db, communityId, user.id, roles);
      return user;
    },
    async as(user) {
      const session = await app.services.auth.startSession(user.id);
      return agent(user, session.token);
    },
    async close() {
      await app.close();
      await testDb.close();
    },
  };
  return t;
}

/** The session cookie a response set, if any. */
export function sessionCookieFrom(res: LightMyRequestResponse): string | null {
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
  return cookie?.value ?? null;
}
