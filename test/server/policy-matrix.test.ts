// The role × route matrix as data: every route, every role, the expected status. One test walks it.
// Rows get fresh targets from `setup` so destructive actions do not disturb each other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Agent, type TestApp } from '../helpers/app.js';

type RoleName = 'anonymous' | 'nonMember' | 'practitioner' | 'facilitator' | 'moderator' | 'manager' | 'admin';
const ROLES: RoleName[] = ['anonymous', 'nonMember', 'practitioner', 'facilitator', 'moderator', 'manager', 'admin'];

interface Row {
  route: string;
  /** Builds the request for one role: path and body (fresh targets where the action is destructive). */
  request: (ctx: Ctx, role: RoleName) => Promise<{ method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; body?: unknown }>;
  expect: Record<RoleName, number>;
}

interface Ctx {
  t: TestApp;
  communityId: string;
  agents: Record<RoleName, Agent>;
}

const all = (status: number, overrides: Partial<Record<RoleName, number>> = {}): Record<RoleName, number> => ({
  ...(Object.fromEntries(ROLES.map((r) => [r, status])) as Record<RoleName, number>),
  ...overrides,
});

export const matrix: Row[] = [
  {
    route: 'GET /api/me',
    request: async () => ({ method: 'GET', url: '/api/me' }),
    expect: all(200, { anonymous: 401 }),
  },
  {
    route: 'POST /api/communities',
    request: async (_ctx, role) => ({
      method: 'POST',
      url: '/api/communities',
      body: { name: `New ${role}`, slug: `new-${role.toLowerCase()}-${Date.now()}`, description: '', joinPolicy: 'invite' },
    }),
    expect: all(403, { anonymous: 401, admin: 201 }),
  },
  {
    route: 'GET /api/communities',
    request: async () => ({ method: 'GET', url: '/api/communities' }),
    expect: all(200, { anonymous: 401 }),
  },
  {
    route: 'GET /api/communities/:communityId',
    request: async (ctx) => ({ method: 'GET', url: `/api/communities/${ctx.communityId}` }),
    expect: all(200, { anonymous: 401, nonMember: 404 }),
  },
  {
    route: 'POST /api/communities/:communityId/join (invite-only)',
    request: async (ctx) => ({ method: 'POST', url: `/api/communities/${ctx.communityId}/join` }),
    expect: all(409, { anonymous: 401, nonMember: 404, admin: 403 }),
  },
  {
    route: 'POST /api/communities/:communityId/invites',
    request: async (ctx) => ({ method: 'POST', url: `/api/communities/${ctx.communityId}/invites`, body: { roles: [] } }),
    expect: all(403, { anonymous: 401, nonMember: 404, facilitator: 201, manager: 201, admin: 201 }),
  },
  {
    route: 'POST /api/invites/:token/accept (unknown token)',
    request: async () => ({ method: 'POST', url: '/api/invites/unknown-token-123456/accept' }),
    expect: all(422, { anonymous: 401 }),
  },
  {
    route: 'GET /api/communities/:communityId/members',
    request: async (ctx) => ({ method: 'GET', url: `/api/communities/${ctx.communityId}/members` }),
    expect: all(403, { anonymous: 401, nonMember: 404, facilitator: 200, moderator: 200, manager: 200, admin: 200 }),
  },
  {
    route: 'PATCH /api/communities/:communityId/members/:userId',
    request: async (ctx) => {
      const target = await ctx.t.makeMember(ctx.communityId);
      return { method: 'PATCH', url: `/api/communities/${ctx.communityId}/members/${target.id}`, body: { roles: ['facilitator'] } };
    },
    expect: all(403, { anonymous: 401, nonMember: 404, manager: 200, admin: 200 }),
  },
  {
    route: 'DELETE /api/communities/:communityId/members/:userId',
    request: async (ctx) => {
      const target = await ctx.t.makeMember(ctx.communityId);
      return { method: 'DELETE', url: `/api/communities/${ctx.communityId}/members/${target.id}` };
    },
    expect: all(403, { anonymous: 401, nonMember: 404, manager: 204, admin: 204 }),
  },
];

let ctx: Ctx;
beforeAll(async () => {
  const t = await createTestApp();
  const community = await t.makeCommunity({ joinPolicy: 'invite' });
  const agents = {
    anonymous: t.anonymous,
    nonMember: await t.as(await t.makeUser()),
    practitioner: await t.as(await t.makeMember(community.id, [])),
    facilitator: await t.as(await t.makeMember(community.id, ['facilitator'])),
    moderator: await t.as(await t.makeMember(community.id, ['moderator'])),
    manager: await t.as(await t.makeMember(community.id, ['manager'])),
    admin: await t.as(await t.makeUser({ isAdmin: true })),
  } satisfies Record<RoleName, Agent>;
  ctx = { t, communityId: community.id, agents };
});
afterAll(async () => ctx?.t.close());

describe('role × route matrix', () => {
  for (const row of matrix) {
    it(row.route, async () => {
      const got: Partial<Record<RoleName, number>> = {};
      for (const role of ROLES) {
        const req = await row.request(ctx, role);
        const res = await ctx.agents[role].request(req.method, req.url, req.body);
        got[role] = res.statusCode;
        if (res.statusCode >= 400) expect(res.headers['content-type']).toContain('application/problem+json');
      }
      expect(got).toEqual(row.expect);
    });
  }
});
