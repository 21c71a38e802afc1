import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../../shared/schemas/common.js';
import {
  CreatePostBody,
  HelpfulState,
  IdempotencyKeyHeaders,
  Post,
  PostListQuery,
  PostPage,
  RevisionList,
  UpdatePostBody,
} from '../../../shared/schemas/posts.js';
import type { PostService } from './service.js';

export const postRoutes: FastifyPluginAsyncTypebox<{ posts: PostService }> = async (app, { posts }) => {
  const tags = ['posts'];

  app.get(
    '/api/topics/:topicId/posts',
    {
      schema: {
        tags,
        summary: 'Posts of a topic, oldest first (keyset pages of up to 200)',
        params: IdParams('topicId'),
        querystring: PostListQuery,
        response: { 200: PostPage },
      },
    },
    async (request) => posts.list(request.actor, request.params.topicId, request.query),
  );

  app.post(
    '/api/topics/:topicId/posts',
    {
      schema: {
        tags,
        summary: 'Reply to the topic, a prompt or a post (Idempotency-Key: a retry returns the first result)',
        params: IdParams('topicId'),
        headers: IdempotencyKeyHeaders,
        body: CreatePostBody,
        response: { 201: Post },
      },
    },
    async (request, reply) => {
      const result = await posts.create(request.actor, request.params.topicId, request.body, request.headers['idempotency-key']);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(result.post);
    },
  );

  app.patch(
    '/api/posts/:postId',
    {
      schema: { tags, summary: 'Edit my post (send the version you edited; stale → 409 version_conflict)', params: IdParams('postId'), body: UpdatePostBody, response: { 200: Post } },
    },
    async (request) => posts.update(request.actor, request.params.postId, request.body),
  );

  app.delete(
    '/api/posts/:postId',
    { schema: { tags, summary: 'Withdraw my post (content kept for moderators)', params: IdParams('postId'), response: { 200: Post } } },
    async (request) => posts.withdraw(request.actor, request.params.postId),
  );

  app.get(
    '/api/posts/:postId/revisions',
    { schema: { tags, summary: 'Every revision of a post (its author, moderators)', params: IdParams('postId'), response: { 200: RevisionList } } },
    async (request) => ({ items: await posts.revisions(request.actor, request.params.postId) }),
  );

  app.put(
    '/api/posts/:postId/helpful',
    { schema: { tags, summary: 'Acknowledge a post as helpful', params: IdParams('postId'), response: { 200: HelpfulState } } },
    async (request) => posts.setHelpful(request.actor, request.params.postId, true),
  );

  app.delete(
    '/api/posts/:postId/helpful',
    { schema: { tags, summary: 'Take back my helpful mark', params: IdParams('postId'), response: { 200: HelpfulState } } },
    async (request) => posts.setHelpful(request.actor, request.params.postId, false),
  );
};
