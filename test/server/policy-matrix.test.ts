// The role × route matrix as data: every route, every role, the expected status. One test walks it.
// Rows get fresh targets from `setup` so destructive actions do not disturb each other.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Agent, type TestApp } from '../helpers/app.js';

type RoleName = 'anonymous' | 'nonMember' | 'practitioner' | 'facilitator' | 'moderator' | 'manager' | 'admin';
const ROLES: RoleName[] = ['anonymous', 'nonMember', 'practitioner', 'facilitator', 'moderator', 'manager', 'admin'];

interface Row {
  route: string;
  /** Builds the request for one role: path and body (fresh targets where the action is destructive). */
  request: (ctx: Ctx, role: RoleName) => Promise<{ method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; body?: unknown; headers?: Record<string, string> }>;
  expect: Record<RoleName, number>;
}

interface Ctx {
  t: TestApp;
  communityId: string;
  agents: Record<RoleName, Agent>;
  /** A CPD topic opened by the `facilitator` role's user (so they are its facilitator). */
  cpdTopicId: string;
  /** A practice problem opened by `writer` (a practitioner outside the role list). */
  problemTopicId: string;
  /** A published post by `writer` in the practice problem. */
  postId: string;
  writer: Agent;
  /** A second practitioner outside the role list (flags posts for the dismiss row). */
  flagger: Agent;
}

/** A fresh published post by `writer` (for rows whose action changes the post). */
async function freshPost(ctx: Ctx, status: 'published' | 'pending' | 'removed' = 'published') {
  const res = await ctx.writer.post(`/api/topics/${ctx.problemTopicId}/posts`, { body: `Fresh ${Math.random()}` });
  const id = res.json().id as string;
  if (status === 'pending') await ctx.t.testDb.database.rows(sql`update posts set status = 'pending' where id = ${id}`);
  if (status === 'removed') await ctx.agents.moderator.post(`/api/posts/${id}/removal`, { reason: 'For the matrix' });
  return id;
}

/** A fresh practice problem by `writer`, published, held for approval or removed by a moderator. */
async function freshTopic(ctx: Ctx, state: 'published' | 'pending' | 'removed' = 'published') {
  const res = await ctx.writer.post(`/api/communities/${ctx.communityId}/topics`, { kind: 'problem', title: `Fresh ${Math.random()}`, body: 'Help' });
  const id = res.json().id as string;
  if (state === 'pending') await ctx.t.testDb.database.rows(sql`update topics set moderation_status = 'pending' where id = ${id}`);
  if (state === 'removed') await ctx.agents.moderator.post(`/api/topics/${id}/removal`, { reason: 'For the matrix' });
  return id;
}

/** Members (not admins, not outsiders): the roles that may write in a community. */
const members = (status: number) => ({ practitioner: status, facilitator: status, moderator: status, manager: status });

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
    route: 'GET /api/notifications',
    request: async () => ({ method: 'GET', url: '/api/notifications' }),
    expect: all(200, { anonymous: 401 }),
  },
  {
    route: 'PUT /api/me/preferences',
    request: async () => ({ method: 'PUT', url: '/api/me/preferences', body: { email: 'weekly' } }),
    expect: all(200, { anonymous: 401 }),
  },
  {
    route: 'PATCH /api/me',
    request: async () => ({ method: 'PATCH', url: '/api/me', body: { bio: 'Teacher trainer' } }),
    expect: all(200, { anonymous: 401 }),
  },
  {
    // Members who can see the topic; the admin is not a member here.
    route: 'PUT /api/topics/:topicId/watch',
    request: async (ctx) => ({ method: 'PUT', url: `/api/topics/${ctx.problemTopicId}/watch`, body: { level: 'watching' } }),
    expect: all(200, { anonymous: 401, nonMember: 404, admin: 403 }),
  },
  {
    // The topic's facilitators and the community's managers (no silent readers here: nothing is recorded).
    route: 'POST /api/topics/:topicId/invitations',
    request: async (ctx) => ({ method: 'POST', url: `/api/topics/${ctx.cpdTopicId}/invitations`, body: { readers: true, note: 'Join us' } }),
    expect: all(403, { anonymous: 401, nonMember: 404, facilitator: 201, manager: 201 }),
  },
  {
    // Members who share the community with the writer; the admin sees every profile.
    route: 'GET /api/users/:user',
    request: async (ctx) => ({ method: 'GET', url: `/api/users/${ctx.writer.user!.id}` }),
    expect: all(200, { anonymous: 401, nonMember: 404 }),
  },
  {
    route: 'GET /api/communities/:communityId/members/search',
    request: async (ctx) => ({ method: 'GET', url: `/api/communities/${ctx.communityId}/members/search?q=us` }),
    expect: all(200, { anonymous: 401, nonMember: 404, admin: 403 }),
  },
  {
    // Anyone signed in searches their own communities (an outsider finds nothing, not an error).
    route: 'GET /api/search',
    request: async () => ({ method: 'GET', url: '/api/search?q=help' }),
    expect: all(200, { anonymous: 401 }),
  },
  {
    // Searching one community: its members and the admin (topics.list); outsiders learn nothing of it.
    route: 'GET /api/search',
    request: async (ctx) => ({ method: 'GET', url: `/api/search?q=help&communityId=${ctx.communityId}` }),
    expect: all(200, { anonymous: 401, nonMember: 404 }),
  },
  {
    route: 'GET /api/communities/:communityId/similar-problems',
    request: async (ctx) => ({ method: 'GET', url: `/api/communities/${ctx.communityId}/similar-problems?title=Need%20help` }),
    expect: all(200, { anonymous: 401, nonMember: 404 }),
  },
  {
    route: 'PUT /api/communities/:communityId/watch',
    request: async (ctx) => ({ method: 'PUT', url: `/api/communities/${ctx.communityId}/watch`, body: { level: 'muted' } }),
    expect: all(200, { anonymous: 401, nonMember: 404, admin: 403 }),
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
    route: 'GET /api/admin/outbox',
    request: async () => ({ method: 'GET', url: '/api/admin/outbox' }),
    expect: all(403, { anonymous: 401, admin: 200 }),
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
  // ---- Topics ----
  {
    route: 'POST /api/communities/:communityId/topics (CPD)',
    request: async (ctx) => ({
      method: 'POST',
      url: `/api/communities/${ctx.communityId}/topics`,
      body: { kind: 'cpd', title: 'Matrix CPD', article: 'Read this', prompts: [{ body: 'Why?' }] },
    }),
    expect: all(403, { anonymous: 401, nonMember: 404, facilitator: 201 }),
  },
  {
    route: 'POST /api/communities/:communityId/topics (practice problem)',
    request: async (ctx) => ({ method: 'POST', url: `/api/communities/${ctx.communityId}/topics`, body: { kind: 'problem', title: 'Matrix problem', body: 'Help' } }),
    expect: all(403, { anonymous: 401, nonMember: 404, ...members(201) }),
  },
  {
    route: 'GET /api/communities/:communityId/topics',
    request: async (ctx) => ({ method: 'GET', url: `/api/communities/${ctx.communityId}/topics` }),
    expect: all(200, { anonymous: 401, nonMember: 404 }),
  },
  {
    route: 'POST /api/communities/:communityId/read-all',
    request: async (ctx) => ({ method: 'POST', url: `/api/communities/${ctx.communityId}/read-all` }),
    expect: all(204, { anonymous: 401, nonMember: 404 }),
  },
  {
    route: 'GET /api/topics/:topicId',
    request: async (ctx) => ({ method: 'GET', url: `/api/topics/${ctx.cpdTopicId}` }),
    expect: all(200, { anonymous: 401, nonMember: 404 }),
  },
  {
    route: 'PATCH /api/topics/:topicId (content)',
    request: async (ctx, role) => ({ method: 'PATCH', url: `/api/topics/${ctx.cpdTopicId}`, body: { title: `Edited by ${role}` } }),
    expect: all(403, { anonymous: 401, nonMember: 404, facilitator: 200, admin: 200 }),
  },
  {
    route: 'PATCH /api/topics/:topicId (pin)',
    request: async (ctx) => ({ method: 'PATCH', url: `/api/topics/${ctx.cpdTopicId}`, body: { pinned: true } }),
    expect: all(403, { anonymous: 401, nonMember: 404, facilitator: 200, moderator: 200, admin: 200 }),
  },
  {
    route: 'PATCH /api/topics/:topicId/moderation',
    request: async (ctx) => ({ method: 'PATCH', url: `/api/topics/${ctx.cpdTopicId}/moderation`, body: { pinned: true } }),
    expect: all(403, { anonymous: 401, nonMember: 404, facilitator: 200, moderator: 200, admin: 200 }),
  },
  {
    route: 'PATCH /api/topics/:topicId/moderation (a practice problem someone else opened)',
    request: async (ctx) => ({ method: 'PATCH', url: `/api/topics/${ctx.problemTopicId}/moderation`, body: { pinned: false } }),
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, admin: 200 }),
  },
  {
    route: 'POST /api/topics/:topicId/prompts',
    request: async (ctx) => ({ method: 'POST', url: `/api/topics/${ctx.cpdTopicId}/prompts`, body: { body: 'One more question' } }),
    expect: all(403, { anonymous: 401, nonMember: 404, facilitator: 201, admin: 201 }),
  },
  {
    route: 'PATCH /api/topics/:topicId/prompts/:promptId',
    request: async (ctx, role) => {
      const topic = (await ctx.agents.facilitator.get(`/api/topics/${ctx.cpdTopicId}`)).json() as { prompts: Array<{ id: string }> };
      return { method: 'PATCH', url: `/api/topics/${ctx.cpdTopicId}/prompts/${topic.prompts[0]!.id}`, body: { body: `Reworded by ${role}` } };
    },
    expect: all(403, { anonymous: 401, nonMember: 404, facilitator: 200, admin: 200 }),
  },
  {
    route: 'GET /api/topics/:topicId/revisions',
    request: async (ctx) => ({ method: 'GET', url: `/api/topics/${ctx.cpdTopicId}/revisions` }),
    expect: all(403, { anonymous: 401, nonMember: 404, facilitator: 200, moderator: 200, admin: 200 }),
  },
  {
    route: 'POST /api/topics/:topicId/read',
    request: async (ctx) => ({ method: 'POST', url: `/api/topics/${ctx.problemTopicId}/read`, body: { postId: ctx.postId } }),
    expect: all(200, { anonymous: 401, nonMember: 404 }),
  },
  {
    route: 'POST /api/topics/:topicId/solution',
    request: async (ctx) => ({ method: 'POST', url: `/api/topics/${ctx.problemTopicId}/solution`, body: { postId: ctx.postId } }),
    expect: all(403, { anonymous: 401, nonMember: 404, facilitator: 200 }),
  },
  {
    route: 'GET /api/topics/:topicId (held for approval: its author and moderators only)',
    request: async (ctx) => ({ method: 'GET', url: `/api/topics/${await freshTopic(ctx, 'pending')}` }),
    expect: all(404, { anonymous: 401, moderator: 200, admin: 200 }),
  },
  {
    route: 'GET /api/topics/:topicId (removed: members get the placeholder)',
    request: async (ctx) => ({ method: 'GET', url: `/api/topics/${await freshTopic(ctx, 'removed')}` }),
    expect: all(200, { anonymous: 401, nonMember: 404 }),
  },
  {
    route: 'POST /api/topics/:topicId/flags',
    request: async (ctx) => ({ method: 'POST', url: `/api/topics/${await freshTopic(ctx)}/flags`, body: { reason: 'spam' } }),
    // Any active member but its author; the admin is not a member here (admins remove rather than flag).
    expect: all(403, { anonymous: 401, nonMember: 404, ...members(201) }),
  },
  {
    route: 'POST /api/topics/:topicId/flags (own topic)',
    request: async (ctx, role) => {
      const mine = await ctx.agents[role].post(`/api/communities/${ctx.communityId}/topics`, { kind: 'problem', title: 'Mine', body: 'Mine' });
      return { method: 'POST', url: `/api/topics/${mine.statusCode === 201 ? mine.json().id : await freshTopic(ctx)}/flags`, body: { reason: 'spam' } };
    },
    expect: all(403, { anonymous: 401, nonMember: 404 }),
  },
  {
    route: 'POST /api/topics/:topicId/flags/dismiss',
    request: async (ctx) => {
      const id = await freshTopic(ctx);
      await ctx.flagger.post(`/api/topics/${id}/flags`, { reason: 'off_topic' });
      return { method: 'POST', url: `/api/topics/${id}/flags/dismiss` };
    },
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, admin: 200 }),
  },
  {
    route: 'POST /api/topics/:topicId/removal',
    request: async (ctx) => ({ method: 'POST', url: `/api/topics/${await freshTopic(ctx)}/removal`, body: { reason: 'Off topic' } }),
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, admin: 200 }),
  },
  {
    route: 'DELETE /api/topics/:topicId/removal',
    request: async (ctx) => ({ method: 'DELETE', url: `/api/topics/${await freshTopic(ctx, 'removed')}/removal` }),
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, admin: 200 }),
  },
  {
    route: 'POST /api/topics/:topicId/approval',
    request: async (ctx) => ({ method: 'POST', url: `/api/topics/${await freshTopic(ctx, 'pending')}/approval` }),
    // Held: others may not know it exists (404), as for reading it.
    expect: all(404, { anonymous: 401, moderator: 200, admin: 200 }),
  },
  // ---- Posts ----
  {
    route: 'GET /api/topics/:topicId/posts',
    request: async (ctx) => ({ method: 'GET', url: `/api/topics/${ctx.problemTopicId}/posts` }),
    expect: all(200, { anonymous: 401, nonMember: 404 }),
  },
  {
    route: 'POST /api/topics/:topicId/posts',
    request: async (ctx, role) => ({ method: 'POST', url: `/api/topics/${ctx.problemTopicId}/posts`, body: { body: `Reply by ${role}` } }),
    expect: all(403, { anonymous: 401, nonMember: 404, ...members(201) }),
  },
  {
    route: 'POST /api/topics/:topicId/posts (a removed topic: no replies)',
    request: async (ctx, role) => ({ method: 'POST', url: `/api/topics/${await freshTopic(ctx, 'removed')}/posts`, body: { body: `Reply by ${role}` } }),
    expect: all(403, { anonymous: 401, nonMember: 404, ...members(409) }),
  },
  {
    route: "PATCH /api/posts/:postId (someone else's post)",
    request: async (ctx) => ({ method: 'PATCH', url: `/api/posts/${await freshPost(ctx)}`, body: { body: 'Not mine to edit', version: 1 } }),
    expect: all(403, { anonymous: 401, nonMember: 404 }),
  },
  {
    route: 'PATCH /api/posts/:postId (own post)',
    request: async (ctx, role) => {
      const mine = await ctx.agents[role].post(`/api/topics/${ctx.problemTopicId}/posts`, { body: 'Mine' });
      const id = mine.statusCode === 201 ? mine.json().id : await freshPost(ctx);
      return { method: 'PATCH', url: `/api/posts/${id}`, body: { body: 'Mine, edited', version: 1 } };
    },
    expect: all(403, { anonymous: 401, nonMember: 404, ...members(200) }),
  },
  {
    route: "DELETE /api/posts/:postId (withdraw someone else's post)",
    request: async (ctx) => ({ method: 'DELETE', url: `/api/posts/${await freshPost(ctx)}` }),
    expect: all(403, { anonymous: 401, nonMember: 404 }),
  },
  {
    route: 'GET /api/posts/:postId/revisions',
    request: async (ctx) => ({ method: 'GET', url: `/api/posts/${ctx.postId}/revisions` }),
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, admin: 200 }),
  },
  {
    route: 'PUT /api/posts/:postId/helpful',
    request: async (ctx) => ({ method: 'PUT', url: `/api/posts/${ctx.postId}/helpful` }),
    expect: all(403, { anonymous: 401, nonMember: 404, ...members(200) }),
  },
  {
    route: 'DELETE /api/posts/:postId/helpful',
    request: async (ctx) => ({ method: 'DELETE', url: `/api/posts/${ctx.postId}/helpful` }),
    expect: all(403, { anonymous: 401, nonMember: 404, ...members(200) }),
  },
  // ---- Moderation ----
  {
    route: 'POST /api/posts/:postId/flags',
    request: async (ctx) => ({ method: 'POST', url: `/api/posts/${await freshPost(ctx)}/flags`, body: { reason: 'spam' } }),
    expect: all(403, { anonymous: 401, nonMember: 404, ...members(201) }),
  },
  {
    route: 'POST /api/posts/:postId/flags/dismiss',
    request: async (ctx) => {
      const id = await freshPost(ctx);
      await ctx.flagger.post(`/api/posts/${id}/flags`, { reason: 'off_topic' });
      return { method: 'POST', url: `/api/posts/${id}/flags/dismiss` };
    },
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, admin: 200 }),
  },
  {
    route: 'POST /api/posts/:postId/removal',
    request: async (ctx) => ({ method: 'POST', url: `/api/posts/${await freshPost(ctx)}/removal`, body: { reason: 'Off topic' } }),
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, admin: 200 }),
  },
  {
    route: 'DELETE /api/posts/:postId/removal',
    request: async (ctx) => ({ method: 'DELETE', url: `/api/posts/${await freshPost(ctx, 'removed')}/removal` }),
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, admin: 200 }),
  },
  {
    route: 'POST /api/posts/:postId/approval',
    request: async (ctx) => ({ method: 'POST', url: `/api/posts/${await freshPost(ctx, 'pending')}/approval` }),
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, admin: 200 }),
  },
  {
    route: 'POST /api/posts/:postId/author-note',
    request: async (ctx) => ({ method: 'POST', url: `/api/posts/${ctx.postId}/author-note`, body: { message: 'Please rephrase' } }),
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 201, admin: 201 }),
  },
  {
    route: 'GET /api/posts/:postId/author-notes',
    request: async (ctx) => ({ method: 'GET', url: `/api/posts/${ctx.postId}/author-notes` }),
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, admin: 200 }),
  },
  {
    // Every reader of the topic may ask; each gets only the notes they may read (test/server/moderation.test.ts).
    route: 'GET /api/topics/:topicId/author-notes',
    request: async (ctx) => ({ method: 'GET', url: `/api/topics/${ctx.problemTopicId}/author-notes` }),
    expect: all(200, { anonymous: 401, nonMember: 404 }),
  },
  {
    route: 'GET /api/communities/:communityId/moderation/queue',
    request: async (ctx) => ({ method: 'GET', url: `/api/communities/${ctx.communityId}/moderation/queue` }),
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, admin: 200 }),
  },
  {
    route: 'GET /api/communities/:communityId/moderation/counts',
    request: async (ctx) => ({ method: 'GET', url: `/api/communities/${ctx.communityId}/moderation/counts` }),
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, admin: 200 }),
  },
  {
    route: 'GET /api/communities/:communityId/moderation/log',
    request: async (ctx) => ({ method: 'GET', url: `/api/communities/${ctx.communityId}/moderation/log` }),
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, manager: 200, admin: 200 }),
  },
  {
    route: 'GET /api/communities/:communityId/watched-words',
    request: async (ctx) => ({ method: 'GET', url: `/api/communities/${ctx.communityId}/watched-words` }),
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, manager: 200, admin: 200 }),
  },
  {
    route: 'PUT /api/communities/:communityId/watched-words',
    request: async (ctx) => ({ method: 'PUT', url: `/api/communities/${ctx.communityId}/watched-words`, body: { words: [{ phrase: 'matrixword', action: 'hold' }] } }),
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, manager: 200, admin: 200 }),
  },
  {
    route: 'GET /api/communities/:communityId/settings',
    request: async (ctx) => ({ method: 'GET', url: `/api/communities/${ctx.communityId}/settings` }),
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, manager: 200, admin: 200 }),
  },
  {
    route: 'PATCH /api/communities/:communityId/settings',
    request: async (ctx) => ({ method: 'PATCH', url: `/api/communities/${ctx.communityId}/settings`, body: { autoHideThreshold: 3 } }),
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, manager: 200, admin: 200 }),
  },
  {
    route: 'PUT /api/communities/:communityId/members/:userId/suspension',
    request: async (ctx) => {
      const target = await ctx.t.makeMember(ctx.communityId);
      return { method: 'PUT', url: `/api/communities/${ctx.communityId}/members/${target.id}/suspension`, body: { reason: 'Cooling off' } };
    },
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 200, admin: 200 }),
  },
  {
    route: 'DELETE /api/communities/:communityId/members/:userId/suspension',
    request: async (ctx) => {
      const target = await ctx.t.makeMember(ctx.communityId);
      const url = `/api/communities/${ctx.communityId}/members/${target.id}/suspension`;
      await ctx.agents.moderator.put(url, { reason: 'Cooling off' });
      return { method: 'DELETE', url };
    },
    expect: all(403, { anonymous: 401, nonMember: 404, moderator: 204, admin: 204 }),
  },
  // ---- Engagement ----
  {
    route: 'GET /api/communities/:communityId/engagement',
    request: async (ctx) => ({ method: 'GET', url: `/api/communities/${ctx.communityId}/engagement` }),
    expect: all(403, { anonymous: 401, nonMember: 404, manager: 200, admin: 200 }),
  },
  {
    route: 'GET /api/communities/:communityId/engagement/topics',
    request: async (ctx) => ({ method: 'GET', url: `/api/communities/${ctx.communityId}/engagement/topics` }),
    expect: all(403, { anonymous: 401, nonMember: 404, facilitator: 200, manager: 200, admin: 200 }),
  },
  {
    route: 'GET /api/communities/:communityId/engagement/members',
    request: async (ctx) => ({ method: 'GET', url: `/api/communities/${ctx.communityId}/engagement/members` }),
    expect: all(403, { anonymous: 401, nonMember: 404, manager: 200, admin: 200 }),
  },
  {
    route: 'GET /api/communities/:communityId/engagement/trajectories',
    request: async (ctx) => ({ method: 'GET', url: `/api/communities/${ctx.communityId}/engagement/trajectories` }),
    expect: all(403, { anonymous: 401, nonMember: 404, manager: 200, admin: 200 }),
  },
  {
    route: 'GET /api/communities/:communityId/engagement/me',
    request: async (ctx) => ({ method: 'GET', url: `/api/communities/${ctx.communityId}/engagement/me` }),
    expect: all(200, { anonymous: 401, nonMember: 404, admin: 403 }),
  },
  // ---- Live ----
  {
    route: 'GET /api/live (plain HTTP with the site Origin: signed in → 426 upgrade required)',
    request: async (ctx) => ({ method: 'GET', url: '/api/live', headers: { origin: ctx.t.config.publicOrigin } }),
    expect: all(426, { anonymous: 401 }),
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
  const writer = await t.as(await t.makeMember(community.id, []));
  const flagger = await t.as(await t.makeMember(community.id, []));
  const cpd = await agents.facilitator.post(`/api/communities/${community.id}/topics`, { kind: 'cpd', title: 'Matrix', article: 'Read', prompts: [{ body: 'Why?' }] });
  const problem = await writer.post(`/api/communities/${community.id}/topics`, { kind: 'problem', title: 'Matrix problem', body: 'Help' });
  const post = await writer.post(`/api/topics/${problem.json().id}/posts`, { body: 'A reply' });
  expect([cpd.statusCode, problem.statusCode, post.statusCode]).toEqual([201, 201, 201]);
  ctx = { t, communityId: community.id, agents, cpdTopicId: cpd.json().id, problemTopicId: problem.json().id, postId: post.json().id, writer, flagger };
});
afterAll(async () => ctx?.t.close());

describe('role × route matrix', () => {
  for (const row of matrix) {
    it(row.route, async () => {
      const got: Partial<Record<RoleName, number>> = {};
      for (const role of ROLES) {
        const req = await row.request(ctx, role);
        const res = await ctx.agents[role].request(req.method, req.url, req.body, req.headers);
        got[role] = res.statusCode;
        if (res.statusCode >= 400) expect(res.headers['content-type']).toContain('application/problem+json');
      }
      expect(got).toEqual(row.expect);
    });
  }
});

// Members' email addresses: managers and admins only (policy rule members.readEmail). Facilitators and
// moderators list members by name and handle.
const EMAIL = /"[^"@\s]+@[^"@\s]+\.[^"@\s]+"/g;

describe('who sees members\' email addresses', () => {
  const seesEmails: Partial<Record<RoleName, boolean>> = { facilitator: false, moderator: false, manager: true, admin: true };
  for (const [role, sees] of Object.entries(seesEmails) as [RoleName, boolean][]) {
    it(`${role}: ${sees ? 'names, handles and emails' : 'names and handles, no emails'} in the member list and after a role change`, async () => {
      const res = await ctx.agents[role].get(`/api/communities/${ctx.communityId}/members`);
      expect(res.statusCode).toBe(200);
      const items = res.json().items as { displayName: string; handle: string; email: string | null }[];
      expect(items.length).toBeGreaterThan(5);
      for (const m of items) {
        expect(m.handle.length).toBeGreaterThan(0);
        expect(m.email === null).toBe(!sees);
      }
      if (role === 'manager' || role === 'admin') {
        const target = await ctx.t.makeMember(ctx.communityId, []);
        const patched = await ctx.agents[role].patch(`/api/communities/${ctx.communityId}/members/${target.id}`, { roles: ['facilitator'] });
        expect(patched.statusCode).toBe(200);
        expect(patched.json().email).toEqual(expect.stringContaining('@'));
      }
    });
  }

  it('no GET route of the matrix shows a practitioner, facilitator or moderator anyone\'s email but their own', async () => {
    for (const role of ['practitioner', 'facilitator', 'moderator'] as const) {
      const own = (await ctx.agents[role].get('/api/me')).json().email as string;
      for (const row of matrix) {
        const req = await row.request(ctx, role);
        if (req.method !== 'GET') continue;
        const res = await ctx.agents[role].request('GET', req.url);
        const others = (res.body.match(EMAIL) ?? []).filter((e) => e !== `"${own}"`);
        expect(others, `${role} ${row.route}`).toEqual([]);
      }
    }
  });
});
