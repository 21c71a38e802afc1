import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { IdParams, problems } from '../../../shared/schemas/common.js';
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
import { notModified, revalidatedReads } from '../../http.js';
import type { PostService } from './service.js';

export const postRoutes: FastifyPluginAsyncTypebox<{ posts: PostService }> = async (app, { posts }) => {
  const tags = ['posts'];
  await revalidatedReads(app);

  app.get(
    '/api/topics/:topicId/posts',
    {
      schema: {
        tags,
        operationId: 'listPosts',
        summary: 'Posts of a topic, oldest first (keyset pages of up to 200)',
        params: IdParams('topicId'),
        querystring: PostListQuery,
        response: { 200: PostPage, ...notModified, ...problems(401, 403, 404) },
      },
    },
    // Sent as the service encoded it (PostPage): its shared copies' JSON is not encoded again.
    async (request, reply) => {
      const body = await posts.listJson(request.actor, request.params.topicId, request.query);
      return (reply as FastifyReply).type('application/json; charset=utf-8').send(body);
    },
  );

  app.post(
    '/api/topics/:topicId/posts',
    {
      schema: {
        tags,
        operationId: 'createPost',
        summary: 'Reply to the topic, a prompt or a post (Idempotency-Key: a retry returns the first result)',
        params: IdParams('topicId'),
        headers: IdempotencyKeyHeaders,
        body: CreatePostBody,
        response: { 201: Post, ...problems(401, 403, 404, 409, 422, 429) },
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
      schema: { tags, operationId: 'updatePost', summary: 'Edit my post (send the version you edited; stale → 409 version_conflict)', params: IdParams('postId'), body: UpdatePostBody, response: { 200: Post, ...problems(401, 403, 404, 409, 422) } },
    },
    async (request) => posts.update(request.actor, request.params.postId, request.body),
  );

  app.delete(
    '/api/posts/:postId',
    { schema: { tags, operationId: 'withdrawPost', summary: 'Withdraw my post (content kept for moderators)', params: IdParams('postId'), response: { 200: Post, ...problems(401, 403, 404, 409) } } },
    async (request) => posts.withdraw(request.actor, request.params.postId),
  );

  app.get(
    '/api/posts/:postId/revisions',
    { schema: { tags, operationId: 'listPostRevisions', summary: 'Every revision of a post (its author, moderators)', params: IdParams('postId'), response: { 200: RevisionList, ...problems(401, 403, 404) } } },
    async (request) => ({ items: await posts.revisions(request.actor, request.params.postId) }),
  );

  app.put(
    '/api/posts/:postId/helpful',
    { schema: { tags, operationId: 'markPostHelpful', summary: 'Acknowledge a post as helpful', params: IdParams('postId'), response: { 200: HelpfulState, ...problems(401, 403, 404, 409) } } },
    async (request) => posts.setHelpful(request.actor, request.params.postId, true),
  );

  app.delete(
    '/api/posts/:postId/helpful',
    { schema: { tags, operationId: 'unmarkPostHelpful', summary: 'Take back my helpful mark', params: IdParams('postId'), response: { 200: HelpfulState, ...problems(401, 403, 404, 409) } } },
    async (request) => posts.setHelpful(request.actor, request.params.postId, false),
  );
};
