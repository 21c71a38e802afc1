// Turns post rows into what one viewer may see. Pure, and THE rule for who sees a post's content:
// the REST API presents rows with presentPost(); the event log stores the post as its author and
// moderators see it (EVENT_VIEW); the live fan-out re-presents that snapshot per subscriber with
// presentPostSnapshot(), which applies the same canSeePost/canSeeContent.
import type { Post } from '../../../shared/schemas/posts.js';
import type { PostStatus } from '../../db/schema.js';

/** A post as loaded by posts/queries.ts (`postRowFields`). */
export interface PostRow {
  id: string;
  topicId: string;
  communityId: string;
  parentId: string | null;
  promptId: string | null;
  depth: number;
  authorId: string;
  authorName: string;
  bodyMd: string;
  bodyHtml: string;
  status: PostStatus;
  /** The moderator's removal reason (shown to the author and moderators only). */
  statusReason: string | null;
  version: number;
  helpfulCount: number;
  createdAt: Date;
  editedAt: Date | null;
  /** Whether the user the row was loaded for marked it helpful. */
  helpfulByMe: boolean;
  isSolution: boolean;
  /** Keyset pagination position (created_at with microseconds, UTC). */
  cursorKey: string;
}

export interface PostViewer {
  /** null: a generic member (used for event payloads). */
  userId: string | null;
  /** May read the content of withdrawn, removed and held posts (policy 'post.readHidden'). */
  seesHidden: boolean;
}

/** An ordinary member who wrote none of the posts. */
export const GENERIC_MEMBER: PostViewer = { userId: null, seesHidden: false };

/** How the event log stores posts: as the author and moderators see them (content, removal reason);
 *  the live filter re-presents the snapshot for each subscriber (presentPostSnapshot). */
export const EVENT_VIEW: PostViewer = { userId: null, seesHidden: true };

/**
 * Pending posts (held by pre-moderation or a watched word) exist only for their author and moderators.
 * Every other status shows to everyone — withdrawn, removed and hidden (auto-hidden by flags, pending
 * review) as a placeholder without content, so replies to them keep the thread's shape.
 */
export function canSeePost(row: Pick<PostRow, 'status' | 'authorId'>, viewer: PostViewer): boolean {
  return row.status !== 'pending' || viewer.seesHidden || row.authorId === viewer.userId;
}

/** Whether the viewer sees the post's words (withdrawn/removed/hidden keep the row but hide the content). */
export function canSeeContent(row: Pick<PostRow, 'status' | 'authorId'>, viewer: PostViewer): boolean {
  return row.status === 'published' || viewer.seesHidden || row.authorId === viewer.userId;
}

/**
 * The API shape of a post for this viewer, or null when the viewer may not know it exists.
 * `row.helpfulByMe` must have been loaded for the same viewer (it is false for GENERIC_MEMBER).
 */
export function presentPost(row: PostRow, viewer: PostViewer): Post | null {
  if (!canSeePost(row, viewer)) return null;
  const content = canSeeContent(row, viewer);
  const mine = viewer.userId !== null && row.authorId === viewer.userId;
  return {
    id: row.id,
    topicId: row.topicId,
    parentId: row.parentId,
    promptId: row.promptId,
    depth: row.depth,
    author: { id: row.authorId, displayName: row.authorName },
    bodyHtml: content ? row.bodyHtml : null,
    bodyMd: mine ? row.bodyMd : null,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt ? row.editedAt.toISOString() : null,
    version: row.version,
    status: row.status,
    statusReason: content ? row.statusReason : null,
    removedByModerator: row.status === 'removed',
    helpfulCount: row.helpfulCount,
    helpfulByMe: viewer.userId !== null && row.helpfulByMe,
    isSolution: row.isSolution,
  };
}

/** A post as stored in the event log (presentPost(row, EVENT_VIEW)); older events may lack newer keys. */
export type PostSnapshot = Partial<Post> & { id: string; status: PostStatus; author: { id: string } };

/**
 * Re-presents an event-log snapshot for one viewer with the SAME rules as presentPost(): null when the
 * viewer may not know the post exists, the placeholder (no body, no reason) when they may not read it.
 * `current` is the post's status now (replays of old events must not show content removed since).
 */
export function presentPostSnapshot<T extends PostSnapshot>(post: T, viewer: PostViewer, current?: Pick<PostRow, 'status'> | null): T | Post | null {
  const facts = { status: post.status, authorId: post.author.id };
  const now = current ? { status: current.status, authorId: post.author.id } : facts;
  if (!canSeePost(facts, viewer) || !canSeePost(now, viewer)) return null;
  if (canSeeContent(facts, viewer) && canSeeContent(now, viewer)) return post;
  const { private: _private, ...rest } = post as T & { private?: unknown };
  return { ...rest, bodyHtml: null, bodyMd: null, statusReason: null } as unknown as Post;
}
