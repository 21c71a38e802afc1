// Turns post rows into what one viewer may see. Pure: the REST API, the event log (presented for a
// generic member) and the live-update fan-out (re-presented per subscriber) all use presentPost().
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

/** How events present posts: an ordinary member who wrote none of them. */
export const GENERIC_MEMBER: PostViewer = { userId: null, seesHidden: false };

const HELD: ReadonlySet<PostStatus> = new Set(['pending', 'hidden']);

/** Held posts (pending/hidden) exist only for their author and moderators. */
export function canSeePost(row: Pick<PostRow, 'status' | 'authorId'>, viewer: PostViewer): boolean {
  return !HELD.has(row.status) || viewer.seesHidden || row.authorId === viewer.userId;
}

/** Whether the viewer sees the post's words (withdrawn/removed keep the row but hide the content). */
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
    helpfulCount: row.helpfulCount,
    helpfulByMe: viewer.userId !== null && row.helpfulByMe,
    isSolution: row.isSolution,
  };
}
