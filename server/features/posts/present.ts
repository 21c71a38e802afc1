// Turns post rows into what one viewer may see, with the rules of domain/visibility.ts: the REST API
// presents rows with presentPost(); the event log stores the post as its author and moderators see it
// (EVENT_VIEW); the live fan-out re-presents that snapshot per subscriber with presentPostSnapshot(),
// which applies the same canSeePost/canSeeContent.
import type { Post } from '../../../shared/schemas/posts.js';
import type { PostStatus } from '../../db/schema.js';
import { canSeeContent, canSeePost, type PostViewer } from '../../domain/visibility.js';

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
  authorHandle: string;
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

/**
 * The API shape of a post for this viewer, or null when the viewer may not know it exists.
 * `row.helpfulByMe` must have been loaded for the same viewer (it is false for a viewer with no userId).
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
    author: { id: row.authorId, displayName: row.authorName, handle: row.authorHandle },
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
