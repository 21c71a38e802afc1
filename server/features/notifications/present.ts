// What a notification says, in one place for the bell, the notifications page and (later) mail.
import type { Notification } from '../../../shared/schemas/notifications.js';
import type { NotificationRow } from './queries.js';

const quote = (title: string | null) => (title ? `“${title}”` : 'a topic');

function textOf(n: NotificationRow): string {
  const who = n.actor_name ?? 'Someone';
  const topic = quote(n.topic_title);
  switch (n.kind) {
    case 'reply':
      return `${who} replied to you in ${topic}`;
    case 'mention':
      return `${who} mentioned you in ${topic}`;
    case 'post':
      return `${who} posted in ${topic}`;
    case 'topic':
      return `New topic in ${n.community_name}: ${topic}`;
    case 'prompt':
      return `A new prompt is open in ${topic}`;
    case 'helpful': {
      const count = Number(n.data.count ?? 1);
      return count === 1 ? `Someone found your post in ${topic} helpful` : `${count} people found your post in ${topic} helpful`;
    }
    case 'solution':
      return `Your reply was marked as the solution in ${topic}`;
    case 'invitation':
      return `${who} invites you to join the discussion in ${topic}`;
    case 'moderation': {
      const what = n.data.target === 'topic' ? `Your topic ${topic}` : `Your post in ${topic}`;
      const outcome = n.data.outcome === 'removed' ? 'was removed by a moderator' : n.data.outcome === 'approved' ? 'was approved' : 'was restored';
      return `${what} ${outcome}`;
    }
  }
}

/** In-app path to the exact post, or to the topic. */
export function notificationPath(slug: string, topicId: string | null, postId: string | null): string {
  const community = `/c/${encodeURIComponent(slug)}`;
  if (!topicId) return community;
  const topic = `${community}/t/${encodeURIComponent(topicId)}`;
  return postId ? `${topic}?post=${encodeURIComponent(postId)}` : topic;
}

export function presentNotification(n: NotificationRow): Notification {
  return {
    id: Number(n.id),
    kind: n.kind,
    text: textOf(n),
    note: (n.kind === 'moderation' || n.kind === 'invitation') && typeof n.data.note === 'string' ? n.data.note : null,
    url: notificationPath(n.community_slug, n.topic_id, n.post_id),
    community: { id: n.community_id, slug: n.community_slug, name: n.community_name },
    topicId: n.topic_id,
    postId: n.post_id,
    actor: n.actor_id && n.actor_name && n.actor_handle ? { id: n.actor_id, displayName: n.actor_name, handle: n.actor_handle } : null,
    createdAt: new Date(n.created_at).toISOString(),
    updatedAt: new Date(n.updated_at).toISOString(),
    read: n.read_at !== null,
  };
}
