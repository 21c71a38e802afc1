// Moderation HTTP routes: thin — a TypeBox schema and one service call each.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { noContent } from '../../http.js';
import { IdParams, problems } from '../../../shared/schemas/common.js';
import {
  AuthorNote,
  AuthorNoteBody,
  CreateFlagBody,
  Flag,
  LogPage,
  LogQuery,
  MODERATION_LIMITS,
  ModeratedPost,
  ModerationCounts,
  ModerationQueue,
  ModerationSettings,
  ModerationSettingsPatch,
  QueueQuery,
  RemovalBody,
  Suspension,
  SuspensionBody,
  TopicAuthorNote,
  WatchedWords,
  WatchedWordsBody,
} from '../../../shared/schemas/moderation.js';
import type { ModerationService } from './service.js';

export const moderationRoutes: FastifyPluginAsyncTypebox<{ moderation: ModerationService }> = async (app, { moderation }) => {
  const tags = ['moderation'];
  const postParams = IdParams('postId');
  const communityParams = IdParams('communityId');

  app.post(
    '/api/posts/:postId/flags',
    {
      schema: { tags, operationId: 'flagPost', summary: 'Flag a post for moderators (members, not on their own posts)', params: postParams, body: CreateFlagBody, response: { 201: Flag, ...problems(401, 403, 404, 409) } },
      // Per flagger (per IP when signed out); counted after validation.
      config: {
        rateLimit: {
          max: MODERATION_LIMITS.flagsPerMinute,
          timeWindow: '1 minute',
          hook: 'preHandler',
          keyGenerator: (request: FastifyRequest) => (request.actor ? `flag:${request.actor.id}` : `flag-ip:${request.ip}`),
        },
      },
    },
    async (request, reply) => reply.status(201).send(await moderation.flag(request.actor, request.params.postId, request.body)),
  );

  app.post(
    '/api/posts/:postId/flags/dismiss',
    { schema: { tags, operationId: 'dismissPostFlags', summary: 'Keep the post: resolve its open flags (a hidden post is shown again)', params: postParams, response: { 200: ModeratedPost, ...problems(401, 403, 404, 409) } } },
    async (request) => moderation.dismissFlags(request.actor, request.params.postId),
  );

  app.post(
    '/api/posts/:postId/removal',
    { schema: { tags, operationId: 'removePost', summary: 'Remove a post (moderators); the reason is shown to the author', params: postParams, body: RemovalBody, response: { 200: ModeratedPost, ...problems(401, 403, 404, 409) } } },
    async (request) => moderation.remove(request.actor, request.params.postId, request.body.reason),
  );

  app.delete(
    '/api/posts/:postId/removal',
    { schema: { tags, operationId: 'restorePost', summary: 'Restore a removed post exactly as it was (moderators)', params: postParams, response: { 200: ModeratedPost, ...problems(401, 403, 404, 409) } } },
    async (request) => moderation.restore(request.actor, request.params.postId),
  );

  app.post(
    '/api/posts/:postId/approval',
    { schema: { tags, operationId: 'approvePost', summary: 'Approve a post held for pre-moderation (moderators)', params: postParams, response: { 200: ModeratedPost, ...problems(401, 403, 404, 409) } } },
    async (request) => moderation.approve(request.actor, request.params.postId),
  );

  app.post(
    '/api/posts/:postId/author-note',
    {
      schema: {
        tags,
        operationId: 'sendAuthorNote',
        summary: "A moderator's private note to the post's author (kept in the audit log)",
        params: postParams,
        body: AuthorNoteBody,
        response: { 201: AuthorNote, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await moderation.noteAuthor(request.actor, request.params.postId, request.body.message)),
  );

  app.get(
    '/api/posts/:postId/author-notes',
    {
      schema: {
        tags,
        operationId: 'listAuthorNotes',
        summary: "Moderators' notes about this post (its author and moderators)",
        params: postParams,
        response: { 200: Type.Object({ items: Type.Array(AuthorNote) }), ...problems(401, 403, 404) },
      },
    },
    async (request) => ({ items: await moderation.listAuthorNotes(request.actor, request.params.postId) }),
  );

  app.get(
    '/api/topics/:topicId/author-notes',
    {
      schema: {
        tags,
        operationId: 'listTopicAuthorNotes',
        summary: "Moderators' notes on this topic's posts that I may read (on my own posts; on all of them for moderators)",
        params: IdParams('topicId'),
        response: { 200: Type.Object({ items: Type.Array(TopicAuthorNote) }), ...problems(401, 403, 404) },
      },
    },
    async (request) => ({ items: await moderation.listTopicAuthorNotes(request.actor, request.params.topicId) }),
  );

  app.get(
    '/api/communities/:communityId/moderation/queue',
    {
      schema: {
        tags,
        operationId: 'getModerationQueue',
        summary: 'Review queue: flagged posts grouped by post, and posts held for approval (moderators)',
        params: communityParams,
        querystring: QueueQuery,
        response: { 200: ModerationQueue, ...problems(401, 403, 404) },
      },
    },
    async (request) => moderation.queue(request.actor, request.params.communityId, request.query.limit),
  );

  app.get(
    '/api/communities/:communityId/moderation/counts',
    { schema: { tags, operationId: 'getModerationCounts', summary: 'Counts for the moderators’ header badge', params: communityParams, response: { 200: ModerationCounts, ...problems(401, 403, 404) } } },
    async (request) => moderation.counts(request.actor, request.params.communityId),
  );

  app.get(
    '/api/communities/:communityId/moderation/log',
    {
      schema: {
        tags,
        operationId: 'listModerationLog',
        summary: 'The audit log, newest first (moderators, managers); keyset pagination by cursor',
        params: communityParams,
        querystring: LogQuery,
        response: { 200: LogPage, ...problems(401, 403, 404) },
      },
    },
    async (request) => moderation.log(request.actor, request.params.communityId, request.query),
  );

  app.get(
    '/api/communities/:communityId/watched-words',
    { schema: { tags, operationId: 'getWatchedWords', summary: 'Watched words (moderators, managers)', params: communityParams, response: { 200: WatchedWords, ...problems(401, 403, 404) } } },
    async (request) => moderation.getWatchedWords(request.actor, request.params.communityId),
  );

  app.put(
    '/api/communities/:communityId/watched-words',
    {
      schema: {
        tags,
        operationId: 'setWatchedWords',
        summary: 'Replace the watched words: block refuses a post, hold sends it for approval (moderators, managers)',
        params: communityParams,
        body: WatchedWordsBody,
        response: { 200: WatchedWords, ...problems(401, 403, 404) },
      },
    },
    async (request) => moderation.setWatchedWords(request.actor, request.params.communityId, request.body.words),
  );

  app.get(
    '/api/communities/:communityId/settings',
    { schema: { tags, operationId: 'getModerationSettings', summary: 'Moderation settings (moderators, managers)', params: communityParams, response: { 200: ModerationSettings, ...problems(401, 403, 404) } } },
    async (request) => moderation.getSettings(request.actor, request.params.communityId),
  );

  app.patch(
    '/api/communities/:communityId/settings',
    {
      schema: {
        tags,
        operationId: 'updateModerationSettings',
        summary: 'Change the auto-hide threshold and new-member pre-moderation (moderators, managers)',
        params: communityParams,
        body: ModerationSettingsPatch,
        response: { 200: ModerationSettings, ...problems(401, 403, 404) },
      },
    },
    async (request) => moderation.updateSettings(request.actor, request.params.communityId, request.body),
  );

  app.put(
    '/api/communities/:communityId/members/:userId/suspension',
    {
      schema: {
        tags,
        operationId: 'suspendMember',
        summary: 'Suspend a member (moderators): they can read but not post, flag or acknowledge',
        params: IdParams('communityId', 'userId'),
        body: SuspensionBody,
        response: { 200: Suspension, ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => moderation.suspend(request.actor, request.params.communityId, request.params.userId, request.body),
  );

  app.delete(
    '/api/communities/:communityId/members/:userId/suspension',
    { schema: { tags, operationId: 'liftSuspension', summary: 'Lift a suspension (moderators)', params: IdParams('communityId', 'userId'), response: { 204: Type.Null(), ...problems(401, 403, 404, 409) } } },
    async (request, reply) => {
      await moderation.lift(request.actor, request.params.communityId, request.params.userId);
      return noContent(reply);
    },
  );
};
