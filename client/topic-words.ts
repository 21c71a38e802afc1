// What the topic page says about a topic's state: why replying is blocked, and what members see instead of a
// hidden or removed topic.
import type { TopicDetail } from './api/index.js';
import type { Viewer } from './controllers/topic-view.js';
import { formatDateTime } from './format.js';

/** Why nobody can reply here right now, in words; null when replying is possible. */
export function replyBlockedReason(d: TopicDetail, viewer: Viewer): string | null {
  if (viewer.membership?.suspended) return 'You are suspended in this community: you can read, but not reply.';
  if (d.moderationStatus === 'removed') return 'A moderator removed this topic: it cannot be replied to.';
  if (d.moderationStatus !== 'published') return 'This topic is waiting for a moderator: it cannot be replied to yet.';
  if (d.status === 'closed') return 'This topic is closed: it can be read but no longer replied to.';
  if (d.status === 'upcoming') return `This topic is not open yet${d.opensAt ? `; it opens ${formatDateTime(d.opensAt)}` : ''}.`;
  if (d.locked) return 'This topic is locked: no new replies.';
  if (!d.can.post) return 'You cannot reply in this topic.';
  return null;
}

/** What members see instead of a hidden or removed topic's words (its author and moderators see them). */
export const PLACEHOLDER: Record<TopicDetail['moderationStatus'], string> = {
  removed: 'This topic was removed by a moderator.',
  hidden: 'This topic is hidden while a moderator reviews it.',
  pending: 'This topic is waiting for a moderator.',
  published: '',
};

export function placeholderTitle(d: Pick<TopicDetail, 'moderationStatus'>) {
  return d.moderationStatus === 'removed' ? 'Removed topic' : 'Hidden topic';
}
