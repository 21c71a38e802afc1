// Notifications, watching levels and the mail preference.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, problems } from '../../../shared/schemas/common.js';
import {
  MarkNotificationsReadBody,
  InvitationResult,
  InviteReadersBody,
  NotificationPage,
  TopicInvitations,
  NotificationsQuery,
  Preferences,
  PreferencesBody,
  Watch,
  WatchBody,
} from '../../../shared/schemas/notifications.js';
import type { InvitationService } from './invitations.js';
import type { NotificationService } from './service.js';

const tags = ['notifications'];

export const notificationRoutes: FastifyPluginAsyncTypebox<{ notifications: NotificationService; invitations: InvitationService }> = async (
  app,
  { notifications, invitations },
) => {
  app.post(
    '/api/topics/:topicId/invitations',
    {
      schema: {
        tags,
        operationId: 'inviteReaders',
        summary: "Invite a topic's silent readers (or some of them) with a personal note: a notification and one mail each, once; one invitation per topic a day",
        params: IdParams('topicId'),
        body: InviteReadersBody,
        response: { 201: InvitationResult, ...problems(401, 403, 404, 429) },
      },
    },
    async (request, reply) => reply.status(201).send(await invitations.invite(request.actor, request.params.topicId, request.body)),
  );

  app.get(
    '/api/topics/:topicId/invitations',
    {
      schema: {
        tags,
        operationId: 'listTopicInvitations',
        summary: "A topic's invitations to its silent readers, with how many invited readers posted afterwards",
        params: IdParams('topicId'),
        response: { 200: TopicInvitations, ...problems(401, 403, 404) },
      },
    },
    async (request) => invitations.list(request.actor, request.params.topicId),
  );

  app.get(
    '/api/notifications',
    {
      schema: {
        tags,
        operationId: 'listNotifications',
        summary: 'My notifications, newest first, with the unread count (only about what I may still see)',
        querystring: NotificationsQuery,
        response: { 200: NotificationPage, ...problems(401) },
      },
    },
    async (request) => notifications.list(request.actor, request.query),
  );

  app.post(
    '/api/notifications/read',
    {
      schema: {
        tags,
        operationId: 'markNotificationsRead',
        summary: 'Mark some (ids) or all (all: true) of my notifications read',
        body: MarkNotificationsReadBody,
        response: { 200: Type.Object({ unreadCount: Type.Integer() }), ...problems(401) },
      },
    },
    async (request) => notifications.markRead(request.actor, request.body),
  );

  app.get(
    '/api/topics/:topicId/watch',
    { schema: { tags, operationId: 'getTopicWatch', summary: 'My watching level for a topic', params: IdParams('topicId'), response: { 200: Watch, ...problems(401, 403, 404) } } },
    async (request) => notifications.topicWatch(request.actor, request.params.topicId),
  );

  app.put(
    '/api/topics/:topicId/watch',
    {
      schema: {
        tags,
        operationId: 'setTopicWatch',
        summary: 'Watching (every post), tracking (replies to me, mentions), normal or muted for a topic',
        params: IdParams('topicId'),
        body: WatchBody,
        response: { 200: Watch, ...problems(401, 403, 404) },
      },
    },
    async (request) => notifications.setTopicWatch(request.actor, request.params.topicId, request.body.level),
  );

  app.get(
    '/api/communities/:communityId/watch',
    { schema: { tags, operationId: 'getCommunityWatch', summary: 'My watching level for a community', params: IdParams('communityId'), response: { 200: Watch, ...problems(401, 403, 404) } } },
    async (request) => notifications.communityWatch(request.actor, request.params.communityId),
  );

  app.put(
    '/api/communities/:communityId/watch',
    {
      schema: {
        tags,
        operationId: 'setCommunityWatch',
        summary: 'Watching (every post), tracking (new topics and prompts; the default), normal or muted for a community',
        params: IdParams('communityId'),
        body: WatchBody,
        response: { 200: Watch, ...problems(401, 403, 404) },
      },
    },
    async (request) => notifications.setCommunityWatch(request.actor, request.params.communityId, request.body.level),
  );

  app.get(
    '/api/me/preferences',
    { schema: { tags, operationId: 'getPreferences', summary: 'How notifications reach me by mail', response: { 200: Preferences, ...problems(401) } } },
    async (request) => notifications.preferences(request.actor),
  );

  app.put(
    '/api/me/preferences',
    {
      schema: {
        tags,
        operationId: 'setPreferences',
        summary: 'Mail: immediately, a daily or weekly digest (the default is daily), or never',
        body: PreferencesBody,
        response: { 200: Preferences, ...problems(401) },
      },
    },
    async (request) => notifications.setPreferences(request.actor, request.body),
  );
};
