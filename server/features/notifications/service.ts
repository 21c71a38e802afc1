// Notifications for the member: the list and the unread count, marking read, watching levels, mail preference.
import type { Db } from '../../db/client.js';
import { authorize, type Actor } from '../../policy/policy.js';
import type { EmailPreference } from '../../../shared/schemas/notifications.js';
import type { CommunityAccessDeps, TopicAccessDeps } from '../../domain/deps.js';
import { DEFAULT_COMMUNITY_LEVEL, effectiveTopicLevel, type WatchLevel } from './levels.js';
import { presentNotification } from './present.js';
import * as q from './queries.js';

export function createNotificationService({
  db,
  communities,
  topics,
}: {
  db: Db;
  communities: Pick<CommunityAccessDeps, 'requireCommunity'>;
  topics: Pick<TopicAccessDeps, 'requireTopic'>;
}) {
  const { requireCommunity } = communities;
  const { requireTopic } = topics;
  return {
    async list(actor: Actor | null, opts: { unread?: boolean | undefined; cursor?: string | undefined; limit?: number | undefined }) {
      const me = authorize(actor, 'notifications.read');
      const limit = opts.limit ?? 30;
      const found = await q.listForUser(db, me.id, { unreadOnly: opts.unread ?? false, beforeId: opts.cursor ? Number(opts.cursor) : null, limit: limit + 1 });
      const items = found.slice(0, limit).map(presentNotification);
      return {
        items,
        unreadCount: await q.unreadCount(db, me.id),
        nextCursor: found.length > limit ? String(items.at(-1)!.id) : null,
      };
    },

    async markRead(actor: Actor | null, input: { ids?: number[] | undefined; all?: true | undefined }) {
      const me = authorize(actor, 'notifications.read');
      if (input.all) await q.markRead(db, me.id, 'all');
      else if (input.ids) await q.markRead(db, me.id, input.ids);
      return { unreadCount: await q.unreadCount(db, me.id) };
    },

    /** Opening a topic reads its notifications. */
    async topicOpened(userId: string, topicId: string) {
      await q.markTopicRead(db, userId, topicId);
    },

    async topicWatch(actor: Actor | null, topicId: string) {
      const access = await requireTopic(db, actor, topicId, 'topic.watch');
      const [topicLevel, communityLevel] = await Promise.all([
        q.findWatch(db, access.actor.id, 'topic', topicId),
        q.findWatch(db, access.actor.id, 'community', access.topic.communityId),
      ]);
      const tookPart = access.topic.authorId === access.actor.id || (await q.membersFor(db, access.topic.communityId, topicId, null, { userIds: [access.actor.id], handles: [] })).some((m) => m.user_id === access.actor.id && m.took_part);
      return { level: effectiveTopicLevel({ topicLevel, communityLevel, tookPart }), chosen: topicLevel !== null };
    },

    async setTopicWatch(actor: Actor | null, topicId: string, level: WatchLevel) {
      const access = await requireTopic(db, actor, topicId, 'topic.watch');
      await q.setWatch(db, access.actor.id, 'topic', topicId, level);
      return this.topicWatch(actor, topicId);
    },

    async communityWatch(actor: Actor | null, communityId: string) {
      const { actor: me } = await requireCommunity(db, actor, communityId, 'community.watch');
      const level = await q.findWatch(db, me.id, 'community', communityId);
      return { level: level ?? DEFAULT_COMMUNITY_LEVEL, chosen: level !== null };
    },

    async setCommunityWatch(actor: Actor | null, communityId: string, level: WatchLevel) {
      const { actor: me } = await requireCommunity(db, actor, communityId, 'community.watch');
      await q.setWatch(db, me.id, 'community', communityId, level);
      return { level, chosen: true };
    },

    /** One-click unsubscribe: the signed link names the member, no session needed. */
    async stopMail(userId: string) {
      await q.setEmailPreference(db, userId, 'never');
    },

    async preferences(actor: Actor | null) {
      const me = authorize(actor, 'account.manage');
      return { email: await q.findEmailPreference(db, me.id) };
    },

    async setPreferences(actor: Actor | null, input: { email: EmailPreference }) {
      const me = authorize(actor, 'account.manage');
      await q.setEmailPreference(db, me.id, input.email);
      return { email: input.email };
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
