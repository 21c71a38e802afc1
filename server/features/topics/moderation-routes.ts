// Topic moderation HTTP routes (topics/moderation.ts): thin — a TypeBox schema and one service call each.
// Listed with the moderation routes in the API document (tag 'moderation').
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { IdParams, problems } from '../../../shared/schemas/common.js';
import { CreateFlagBody, MODERATION_LIMITS, ModeratedTopic, RemovalBody, TopicFlag, TopicModerationBody, TopicModerationState } from '../../../shared/schemas/moderation.js';
import type { TopicModerationService } from './moderation.js';

export const topicModerationRoutes: FastifyPluginAsyncTypebox<{ moderation: TopicModerationService }> = async (app, { moderation }) => {
  const tags = ['moderation'];
  // Topics are content too: flag, keep, remove, restore, approve (mirroring the post routes), lock/close/pin.
  const topicParams = IdParams('topicId');
  /** The problems a topic moderation route answers with (400 names the field; 409 says why not now). */
  const topicProblems = problems(400, 401, 403, 404, 409);

  app.post(
    '/api/topics/:topicId/flags',
    {
      schema: {
        tags,
        operationId: 'flagTopic',
        summary: 'Flag a topic for moderators (members, not on their own topics); at the threshold it is hidden until reviewed',
        params: topicParams,
        body: CreateFlagBody,
        response: { 201: TopicFlag, ...topicProblems, ...problems(429) },
      },
      // The same budget as flagging posts, per flagger (per IP when signed out); counted after validation.
      config: {
        rateLimit: {
          max: MODERATION_LIMITS.flagsPerMinute,
          timeWindow: '1 minute',
          hook: 'preHandler',
          keyGenerator: (request: FastifyRequest) => (request.actor ? `flag:${request.actor.id}` : `flag-ip:${request.ip}`),
        },
      },
    },
    async (request, reply) => reply.status(201).send(await moderation.flagTopic(request.actor, request.params.topicId, request.body)),
  );

  app.post(
    '/api/topics/:topicId/flags/dismiss',
    {
      schema: {
        tags,
        operationId: 'dismissTopicFlags',
        summary: 'Keep the topic: resolve its open flags (a hidden topic is shown again) (moderators)',
        params: topicParams,
        response: { 200: ModeratedTopic, ...topicProblems },
      },
    },
    async (request) => moderation.dismissTopicFlags(request.actor, request.params.topicId),
  );

  app.post(
    '/api/topics/:topicId/removal',
    {
      schema: {
        tags,
        operationId: 'removeTopic',
        summary: 'Remove a topic (moderators): members see a placeholder, its author the reason; its discussion goes with it',
        params: topicParams,
        body: RemovalBody,
        response: { 200: ModeratedTopic, ...topicProblems },
      },
    },
    async (request) => moderation.removeTopic(request.actor, request.params.topicId, request.body.reason),
  );

  app.delete(
    '/api/topics/:topicId/removal',
    {
      schema: {
        tags,
        operationId: 'restoreTopic',
        summary: 'Restore a removed topic exactly as it was (moderators)',
        params: topicParams,
        response: { 200: ModeratedTopic, ...topicProblems },
      },
    },
    async (request) => moderation.restoreTopic(request.actor, request.params.topicId),
  );

  app.post(
    '/api/topics/:topicId/approval',
    {
      schema: {
        tags,
        operationId: 'approveTopic',
        summary: 'Approve a topic held by a watched word or new-member pre-moderation (moderators)',
        params: topicParams,
        response: { 200: ModeratedTopic, ...topicProblems },
      },
    },
    async (request) => moderation.approveTopic(request.actor, request.params.topicId),
  );

  app.patch(
    '/api/topics/:topicId/moderation',
    {
      schema: {
        tags,
        operationId: 'moderateTopic',
        summary: "Lock, close or pin a topic (the topic's facilitators, moderators)",
        params: IdParams('topicId'),
        body: TopicModerationBody,
        response: { 200: TopicModerationState, ...problems(401, 403, 404) },
      },
    },
    async (request) => moderation.moderateTopic(request.actor, request.params.topicId, request.body),
  );
};
