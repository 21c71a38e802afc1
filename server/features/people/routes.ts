// Profiles and member search.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, problems } from '../../../shared/schemas/common.js';
import { MemberMatches, MemberSearchQuery, Profile, ProfileParams } from '../../../shared/schemas/people.js';
import type { PeopleService } from './service.js';

const tags = ['people'];

export const peopleRoutes: FastifyPluginAsyncTypebox<{ people: PeopleService }> = async (app, { people }) => {
  app.get(
    '/api/users/:user',
    {
      schema: {
        tags,
        operationId: 'getProfile',
        summary: "A member's profile (by id or @handle): 404 unless you share a community",
        params: ProfileParams,
        response: { 200: Profile, ...problems(401, 404) },
      },
    },
    async (request) => people.profile(request.actor, request.params.user),
  );

  app.get(
    '/api/communities/:communityId/members/search',
    {
      schema: {
        tags,
        operationId: 'searchMembers',
        summary: 'Members whose @handle or name starts with q (at most 8), for mention autocomplete',
        params: IdParams('communityId'),
        querystring: MemberSearchQuery,
        response: { 200: MemberMatches, ...problems(401, 403, 404) },
      },
    },
    async (request) => people.searchMembers(request.actor, request.params.communityId, request.query.q),
  );
};
