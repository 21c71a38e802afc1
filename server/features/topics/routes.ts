import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, problems } from '../../../shared/schemas/common.js';
import {
  AddPromptBody,
  CreateTopicBody,
  MarkReadBody,
  Prompt,
  ReadPosition,
  SolutionBody,
  SolutionState,
  TopicDetail,
  TopicListQuery,
  TopicPage,
  TopicRevisionList,
  UpdatePromptBody,
  UpdateTopicBody,
} from '../../../shared/schemas/topics.js';
import { noContent, notModified, revalidatedReads } from '../../http.js';
import type { TopicService } from './service.js';
import type { TopicRevisionService } from './revisions.js';

export const topicRoutes: FastifyPluginAsyncTypebox<{ topics: TopicService; revisions: TopicRevisionService }> = async (app, { topics, revisions }) => {
  const tags = ['topics'];
  await revalidatedReads(app);

  app.post(
    '/api/communities/:communityId/topics',
    {
      schema: {
        tags,
        operationId: 'createTopic',
        summary: 'Create a CPD topic (facilitators) or a practice problem (any member)',
        description: "kind 'cpd': title, article, prompts (1–10), optional articleUrl, opensAt, closesAt, facilitatorIds. kind 'problem': title, body.",
        params: IdParams('communityId'),
        body: CreateTopicBody,
        response: { 201: TopicDetail, ...problems(401, 403, 404, 422, 429) },
      },
    },
    async (request, reply) => reply.status(201).send(await topics.create(request.actor, request.params.communityId, request.body)),
  );

  app.get(
    '/api/communities/:communityId/topics',
    {
      schema: {
        tags,
        operationId: 'listTopics',
        summary: 'Topics, pinned first then by latest activity, with engagement and my unread counts',
        params: IdParams('communityId'),
        querystring: TopicListQuery,
        response: { 200: TopicPage, ...notModified, ...problems(401, 403, 404) },
      },
    },
    async (request) => topics.list(request.actor, request.params.communityId, request.query),
  );

  app.post(
    '/api/communities/:communityId/read-all',
    { schema: { tags, operationId: 'markAllTopicsRead', summary: 'Mark every topic of the community read', params: IdParams('communityId'), response: { 204: Type.Null(), ...problems(401, 403, 404) } } },
    async (request, reply) => {
      await topics.markAllRead(request.actor, request.params.communityId);
      return noContent(reply);
    },
  );

  app.get(
    '/api/topics/:topicId',
    {
      schema: {
        tags,
        operationId: 'getTopic',
        summary: 'A topic: article, released prompts with reply counts, facilitators, my read position (records a view)',
        params: IdParams('topicId'),
        response: { 200: TopicDetail, ...notModified, ...problems(401, 403, 404) },
      },
    },
    async (request) => topics.get(request.actor, request.params.topicId),
  );

  app.patch(
    '/api/topics/:topicId',
    {
      schema: {
        tags,
        operationId: 'updateTopic',
        summary: 'Edit a topic (its facilitators) or close/lock/pin it (its facilitators, moderators)',
        params: IdParams('topicId'),
        body: UpdateTopicBody,
        response: { 200: TopicDetail, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (request) => topics.update(request.actor, request.params.topicId, request.body),
  );

  app.post(
    '/api/topics/:topicId/prompts',
    {
      schema: { tags, operationId: 'addPrompt', summary: "Add a prompt to a CPD topic (the topic's facilitators)", params: IdParams('topicId'), body: AddPromptBody, response: { 201: Prompt, ...problems(401, 403, 404, 409, 422) } },
    },
    async (request, reply) => reply.status(201).send(await topics.addPrompt(request.actor, request.params.topicId, request.body)),
  );

  app.patch(
    '/api/topics/:topicId/prompts/:promptId',
    {
      schema: {
        tags,
        operationId: 'updatePrompt',
        summary: "Edit a prompt's question, release time or answer-first (the topic's facilitators); a new question keeps the old as a revision",
        params: IdParams('topicId', 'promptId'),
        body: UpdatePromptBody,
        response: { 200: Prompt, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (request) => topics.editPrompt(request.actor, request.params.topicId, request.params.promptId, request.body),
  );

  app.get(
    '/api/topics/:topicId/revisions',
    {
      schema: {
        tags,
        operationId: 'listTopicRevisions',
        summary: "Every version of a topic's title and text and of its prompts (its editors, moderators)",
        params: IdParams('topicId'),
        response: { 200: TopicRevisionList, ...notModified, ...problems(401, 403, 404) },
      },
    },
    async (request) => ({ items: await revisions.revisions(request.actor, request.params.topicId) }),
  );

  app.post(
    '/api/topics/:topicId/read',
    {
      schema: {
        tags,
        operationId: 'markTopicRead',
        summary: "Move my read position forward to a post (204, nothing moved: the topic's discussion is hidden from me now)",
        params: IdParams('topicId'),
        body: MarkReadBody,
        response: { 200: ReadPosition, 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => (await topics.markRead(request.actor, request.params.topicId, request.body.postId)) ?? noContent(reply),
  );

  app.post(
    '/api/topics/:topicId/solution',
    {
      schema: {
        tags,
        operationId: 'setSolution',
        summary: "Mark (or clear with null) a practice problem's solution (its author, facilitators)",
        params: IdParams('topicId'),
        body: SolutionBody,
        response: { 200: SolutionState, ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => topics.setSolution(request.actor, request.params.topicId, request.body.postId),
  );
};
