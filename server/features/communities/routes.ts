import { noContent } from '../../http.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  Community,
  CreateCommunityBody,
  CreateInviteBody,
  Invite,
  Member,
  UpdateMemberBody,
} from '../../../shared/schemas/communities.js';
import { IdParams } from '../../../shared/schemas/common.js';
import type { CommunityService } from './service.js';
import { findUserById } from '../auth/queries.js';
import { unauthorized } from '../../errors.js';

export const communityRoutes: FastifyPluginAsyncTypebox<{ communities: CommunityService }> = async (app, { communities }) => {
  const tags = ['communities'];

  app.post(
    '/api/communities',
    { schema: { tags, summary: 'Create a community (instance admin)', body: CreateCommunityBody, response: { 201: Community } } },
    async (request, reply) => reply.status(201).send(await communities.create(request.actor, request.body)),
  );

  app.get(
    '/api/communities',
    { schema: { tags, summary: 'Communities I belong to, plus open ones', response: { 200: Type.Object({ items: Type.Array(Community) }) } } },
    async (request) => ({ items: await communities.list(request.actor) }),
  );

  app.get(
    '/api/communities/:communityId',
    { schema: { tags, params: IdParams('communityId'), response: { 200: Community } } },
    async (request) => communities.get(request.actor, request.params.communityId),
  );

  app.post(
    '/api/communities/:communityId/join',
    { schema: { tags, summary: 'Join an open community', params: IdParams('communityId'), response: { 200: Community } } },
    async (request) => communities.join(request.actor, request.params.communityId),
  );

  app.post(
    '/api/communities/:communityId/invites',
    {
      schema: {
        tags,
        summary: 'Create an invite link (facilitators, managers, admin)',
        params: IdParams('communityId'),
        body: CreateInviteBody,
        response: { 201: Invite },
      },
    },
    async (request, reply) => reply.status(201).send(await communities.createInvite(request.actor, request.params.communityId, request.body)),
  );

  app.post(
    '/api/invites/:token/accept',
    {
      schema: {
        tags,
        summary: 'Accept an invite as the signed-in user',
        params: Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }) }),
        response: { 200: Community },
      },
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    },
    async (request) => {
      if (!request.actor) throw unauthorized();
      const user = await findUserById(app.db, request.actor.id);
      return communities.acceptInviteAsActor(request.actor, request.params.token, user!.email);
    },
  );

  app.get(
    '/api/communities/:communityId/members',
    {
      schema: {
        tags,
        summary: 'Members and their roles (facilitators, moderators, managers)',
        params: IdParams('communityId'),
        response: { 200: Type.Object({ items: Type.Array(Member) }) },
      },
    },
    async (request) => ({ items: await communities.listMembers(request.actor, request.params.communityId) }),
  );

  app.patch(
    '/api/communities/:communityId/members/:userId',
    {
      schema: {
        tags,
        summary: "Set a member's added roles (managers, admin)",
        params: IdParams('communityId', 'userId'),
        body: UpdateMemberBody,
        response: { 200: Member },
      },
    },
    async (request) => communities.setRoles(request.actor, request.params.communityId, request.params.userId, request.body.roles),
  );

  app.delete(
    '/api/communities/:communityId/members/:userId',
    {
      schema: {
        tags,
        summary: 'Remove a membership (managers, admin); everything the member wrote stays',
        params: IdParams('communityId', 'userId'),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await communities.removeMember(request.actor, request.params.communityId, request.params.userId);
      return noContent(reply);
    },
  );
};
