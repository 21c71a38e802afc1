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
import { IdParams, problems } from '../../../shared/schemas/common.js';
import type { CommunityService } from './service.js';
import { unauthorized } from '../../errors.js';

export const communityRoutes: FastifyPluginAsyncTypebox<{ communities: CommunityService }> = async (app, { communities }) => {
  const tags = ['communities'];

  app.post(
    '/api/communities',
    { schema: { tags, operationId: 'createCommunity', summary: 'Create a community (instance admin)', body: CreateCommunityBody, response: { 201: Community, ...problems(401, 403, 409) } } },
    async (request, reply) => reply.status(201).send(await communities.create(request.actor, request.body)),
  );

  app.get(
    '/api/communities',
    { schema: { tags, operationId: 'listCommunities', summary: 'Communities I belong to, plus open ones', response: { 200: Type.Object({ items: Type.Array(Community) }), ...problems(401) } } },
    async (request) => ({ items: await communities.list(request.actor) }),
  );

  app.get(
    '/api/communities/:communityId',
    { schema: { tags, operationId: 'getCommunity', summary: 'A community: its name, description, join policy, member count and my roles', params: IdParams('communityId'), response: { 200: Community, ...problems(401, 403, 404) } } },
    async (request) => communities.get(request.actor, request.params.communityId),
  );

  app.post(
    '/api/communities/:communityId/join',
    { schema: { tags, operationId: 'joinCommunity', summary: 'Join an open community', params: IdParams('communityId'), response: { 200: Community, ...problems(401, 403, 404, 409) } } },
    async (request) => communities.join(request.actor, request.params.communityId),
  );

  app.post(
    '/api/communities/:communityId/invites',
    {
      schema: {
        tags,
        operationId: 'createInvite',
        summary: 'Create an invite link (facilitators, managers, admin)',
        params: IdParams('communityId'),
        body: CreateInviteBody,
        response: { 201: Invite, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await communities.createInvite(request.actor, request.params.communityId, request.body)),
  );

  app.post(
    '/api/invites/:token/accept',
    {
      schema: {
        tags,
        operationId: 'acceptInvite',
        summary: 'Accept an invite as the signed-in user',
        params: Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }) }),
        response: { 200: Community, ...problems(401, 403, 404, 422) },
      },
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    },
    async (request) => {
      if (!request.actor) throw unauthorized();
      return communities.acceptInviteAsActor(request.actor, request.params.token);
    },
  );

  app.get(
    '/api/communities/:communityId/members',
    {
      schema: {
        tags,
        operationId: 'listMembers',
        summary: 'Members and their roles (facilitators, moderators, managers)',
        params: IdParams('communityId'),
        response: { 200: Type.Object({ items: Type.Array(Member) }), ...problems(401, 403, 404) },
      },
    },
    async (request) => ({ items: await communities.listMembers(request.actor, request.params.communityId) }),
  );

  app.patch(
    '/api/communities/:communityId/members/:userId',
    {
      schema: {
        tags,
        operationId: 'setMemberRoles',
        summary: "Set a member's added roles (managers, admin)",
        params: IdParams('communityId', 'userId'),
        body: UpdateMemberBody,
        response: { 200: Member, ...problems(401, 403, 404) },
      },
    },
    async (request) => communities.setRoles(request.actor, request.params.communityId, request.params.userId, request.body.roles),
  );

  app.delete(
    '/api/communities/:communityId/members/:userId',
    {
      schema: {
        tags,
        operationId: 'removeMember',
        summary: 'Remove a membership (managers, admin); everything the member wrote stays',
        params: IdParams('communityId', 'userId'),
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await communities.removeMember(request.actor, request.params.communityId, request.params.userId);
      return noContent(reply);
    },
  );
};
