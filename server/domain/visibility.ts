// THE rules for who sees what of a topic's discussion, in one place. The REST reads (posts, topics), the
// topic page's solution and read position, and the live filter all decide with these functions.
import type { PostStatus, TopicModerationStatus } from '../db/schema.js';

export interface PostViewer {
  /** null: a generic member (used for event payloads). */
  userId: string | null;
  /** May read the content of withdrawn, removed and held posts (policy 'post.readHidden'). */
  seesHidden: boolean;
}

/** How the event log stores posts: as the author and moderators see them (content, removal reason);
 *  the live filter re-presents the snapshot for each subscriber (presentPostSnapshot). */
export const EVENT_VIEW: PostViewer = { userId: null, seesHidden: true };

/**
 * Pending posts (held by pre-moderation or a watched word) exist only for their author and moderators.
 * Every other status shows to everyone — withdrawn, removed and hidden (auto-hidden by flags, pending
 * review) as a placeholder without content, so replies to them keep the thread's shape.
 */
export function canSeePost(row: { status: PostStatus; authorId: string }, viewer: PostViewer): boolean {
  return row.status !== 'pending' || viewer.seesHidden || row.authorId === viewer.userId;
}

/** Whether the viewer sees the post's words (withdrawn/removed/hidden keep the row but hide the content). */
export function canSeeContent(row: { status: PostStatus; authorId: string }, viewer: PostViewer): boolean {
  return row.status === 'published' || viewer.seesHidden || row.authorId === viewer.userId;
}

/**
 * THE "can this viewer see this post" rule: the post's status (canSeePost) and its prompt — replies to a
 * scheduled or answer-first prompt the viewer may not read yet (`hiddenPromptIds`, topic-access.ts) show
 * to their own author only.
 */
export function isPostVisible(
  row: { status: PostStatus; authorId: string; promptId: string | null },
  viewer: PostViewer,
  hiddenPromptIds: readonly string[],
): boolean {
  return canSeePost(row, viewer) && (!row.promptId || row.authorId === viewer.userId || !hiddenPromptIds.includes(row.promptId));
}

export interface TopicContentViewer {
  userId: string | null;
  /** May read held, hidden and removed topics (policy 'topic.readHidden'). */
  seesHidden: boolean;
}

/**
 * Whether the viewer may read a topic's words — title, text, prompts — and its replies. A held (pending)
 * topic exists only for its author and moderators (the policy's topic.read says so); a hidden or removed
 * one shows to members as a placeholder, like a post in those states, and its discussion with it.
 */
export function canSeeTopicContent(t: { moderationStatus: TopicModerationStatus; authorId: string }, viewer: TopicContentViewer): boolean {
  return t.moderationStatus === 'published' || viewer.seesHidden || (viewer.userId !== null && t.authorId === viewer.userId);
}
