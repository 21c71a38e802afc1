// Engagement analytics routes: JSON by default, CSV with ?format=csv or Accept: text/csv.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { IdParams, problems } from '../../../shared/schemas/common.js';
import {
  ENGAGEMENT_DEFINITIONS,
  ENGAGEMENT_FIELD_NOTES,
  EngagementSummary,
  MeQuery,
  MembersEngagement,
  MembersQuery,
  MyEngagement,
  SummaryQuery,
  Trajectories,
  TrajectoriesQuery,
  TopicsEngagement,
  TopicsQuery,
} from '../../../shared/schemas/engagement.js';
import { membersCsv, summaryCsv, topicsCsv, trajectoriesCsv } from './csv.js';
import type { EngagementService } from './service.js';

// The plain-words definitions (as the dashboard shows them), each followed by the fields it is about.
const definitionsText = Object.entries(ENGAGEMENT_DEFINITIONS)
  .map(([k, v]) => {
    const fields = ENGAGEMENT_FIELD_NOTES[k as keyof typeof ENGAGEMENT_DEFINITIONS];
    return `- **${k}**: ${v}${fields ? ` (${fields})` : ''}`;
  })
  .join('\n');

/** 200 as JSON or as CSV, plus the problem responses every report can give (400 and 503 are added for every route). */
const responses = (json: TSchema) => ({
  200: {
    description: 'The report (JSON), or one of its tables as CSV (UTF-8 with BOM) with ?format=csv or Accept: text/csv.',
    content: { 'application/json': { schema: json }, 'text/csv': { schema: Type.String() } },
  },
  ...problems(401, 403, 404),
});

function wantsCsv(request: FastifyRequest, format: string | undefined): boolean {
  if (format) return format === 'csv';
  const accept = request.headers.accept ?? '';
  return /\btext\/csv\b/i.test(accept) && !/\bapplication\/json\b/i.test(accept);
}

/** A download: format=csv or format=json, or Accept: text/csv. It holds the whole table it names, not a page. */
const isDownload = (request: FastifyRequest, format: string | undefined) => wantsCsv(request, format) || format === 'json';

/** The report as JSON, or `name`'s table as a CSV attachment (built only when asked for). */
function sendReport<T extends { range: { from: string; to: string } }>(
  request: FastifyRequest,
  reply: FastifyReply,
  format: string | undefined,
  data: T,
  name: string,
  csv: (data: T) => string,
) {
  if (!wantsCsv(request, format)) return reply.send(data);
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="engagement-${name}-${data.range.from}-${data.range.to}.csv"`)
    .send(csv(data));
}

export const engagementRoutes: FastifyPluginAsyncTypebox<{ engagement: EngagementService }> = async (app, { engagement }) => {
  const tags = ['engagement'];
  const params = IdParams('communityId');

  app.get(
    '/api/communities/:communityId/engagement',
    {
      schema: {
        tags,
        operationId: 'getEngagementSummary',
        summary: 'Engagement summary: posters, lurkers, inactive, weekly series, top contributors (managers, admin)',
        description: `Counts for the range and the previous period of equal length, a weekly series (ISO weeks, Monday first) and the top contributors.\n\n${definitionsText}`,
        params,
        querystring: SummaryQuery,
        response: responses(EngagementSummary),
      },
    },
    async (request, reply) => {
      const data = await engagement.summary(request.actor, request.params.communityId, request.query);
      const table = request.query.table ?? 'summary';
      return sendReport(request, reply, request.query.format, data, table, (d) => summaryCsv(d, table));
    },
  );

  app.get(
    '/api/communities/:communityId/engagement/topics',
    {
      schema: {
        tags,
        operationId: 'getTopicEngagement',
        summary: 'Per-topic participation with per-prompt reply counts (managers, admin; facilitators for their topics)',
        description: `One row per topic with a counted post or a view in the range; facilitators get only the topics they facilitate.\n\n${definitionsText}`,
        params,
        querystring: TopicsQuery,
        response: responses(TopicsEngagement),
      },
    },
    async (request, reply) => {
      const data = await engagement.topics(request.actor, request.params.communityId, request.query);
      return sendReport(request, reply, request.query.format, data, 'topics', topicsCsv);
    },
  );

  app.get(
    '/api/communities/:communityId/engagement/members',
    {
      schema: {
        tags,
        operationId: 'getMemberEngagement',
        summary: 'Per-member figures and class (managers, admin; with topicId also that topic’s facilitators)',
        description: `With topicId, every figure and class is relative to that topic: class=reader lists the members who read it but did not post.\n\n${definitionsText}`,
        params,
        querystring: MembersQuery,
        response: responses(MembersEngagement),
      },
    },
    async (request, reply) => {
      const all = isDownload(request, request.query.format);
      const data = await engagement.members(request.actor, request.params.communityId, request.query, all);
      return sendReport(request, reply, request.query.format, data, data.topicId ? 'topic-members' : 'members', membersCsv);
    },
  );

  app.get(
    '/api/communities/:communityId/engagement/trajectories',
    {
      schema: {
        tags,
        operationId: 'getEngagementTrajectories',
        summary: 'Class transitions between the previous period and the range, and weekly class strips (managers, admin)',
        description: definitionsText,
        params,
        querystring: TrajectoriesQuery,
        response: responses(Trajectories),
      },
    },
    async (request, reply) => {
      const table = request.query.table ?? 'members';
      const strips = !isDownload(request, request.query.format) ? 'page' : table === 'members' ? 'all' : 'none';
      const data = await engagement.trajectories(request.actor, request.params.communityId, request.query, strips);
      return sendReport(request, reply, request.query.format, data, `trajectories-${table}`, (d) => trajectoriesCsv(d, table));
    },
  );

  app.get(
    '/api/communities/:communityId/engagement/me',
    {
      schema: {
        tags,
        operationId: 'getMyEngagement',
        summary: 'My own engagement figures and weekly classes (any member)',
        description: definitionsText,
        params,
        querystring: MeQuery,
        response: responses(MyEngagement),
      },
    },
    async (request, reply) => {
      const data = await engagement.me(request.actor, request.params.communityId, request.query);
      return sendReport(request, reply, request.query.format, data, 'me', (d) =>
        membersCsv({ range: d.range, definitions: d.definitions, topicId: null, class: null, total: 1, offset: 0, limit: null, items: [d.member] }),
      );
    },
  );
};
