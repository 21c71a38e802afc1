// Full-text search and similar practice problems.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, problems } from '../../../shared/schemas/common.js';
import { SearchQuery, SearchResults, SimilarProblems, SimilarProblemsQuery } from '../../../shared/schemas/search.js';
import type { SearchService } from './service.js';

const tags = ['search'];

export const searchRoutes: FastifyPluginAsyncTypebox<{ search: SearchService }> = async (app, { search }) => {
  app.get(
    '/api/search',
    {
      schema: {
        tags,
        operationId: 'search',
        summary: 'Full-text search of the topics, prompts and replies you may open, ranked (titles over text, recent over old)',
        description:
          'Query syntax (websearch): words are all required; "quoted phrase"; -word excludes; `or` between alternatives. ' +
          'Any text is accepted: unbalanced quotes are searched as words. The most recent 200 matches of each kind are ranked (`truncated` says when older ones were left out).',
        querystring: SearchQuery,
        response: { 200: SearchResults, ...problems(400, 401, 404) },
      },
    },
    async (request) => search.search(request.actor, request.query),
  );

  app.get(
    '/api/communities/:communityId/similar-problems',
    {
      schema: {
        tags,
        operationId: 'similarProblems',
        summary: 'Up to 5 earlier practice problems whose titles resemble this one ("has this been asked before?")',
        params: IdParams('communityId'),
        querystring: SimilarProblemsQuery,
        response: { 200: SimilarProblems, ...problems(400, 401, 404) },
      },
    },
    async (request) => search.similarProblems(request.actor, request.params.communityId, request.query.title),
  );
};
