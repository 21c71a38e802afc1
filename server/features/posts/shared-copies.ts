// The posts page's shared copies: a post as every member who is not its author sees it (presentPost for a
// generic member: no markdown; helpfulByMe set per viewer by asSeenBy), with its JSON, kept per process so a page
// read asks PostgreSQL for ids and stamps only. A copy is used only while the post's stamp (posts/queries.ts
// postStamp: the post's and its author's row versions, the solution flag) is the one it was made with, so no
// write has to invalidate anything and no process serves a stale copy.
import type { Post } from '../../../shared/schemas/posts.js';
import { presentPost, type PostRow } from './present.js';

/** How every member who is not a post's author and did not mark it helpful sees it. */
const GENERIC_MEMBER = { userId: null, seesHidden: false } as const;

export interface SharedCopy {
  stamp: string;
  post: Post;
  json: string;
  /** For the next page's cursor. */
  cursor: Pick<PostRow, 'cursorKey' | 'id'>;
  /** The same post as a member who marked it helpful sees it (made when first asked for). */
  marked?: { post: Post; json: string };
}

/** The copy as this viewer sees it: marked helpful by them, or not. */
export function asSeenBy(copy: SharedCopy, helpfulByMe: boolean): { post: Post; json: string } {
  if (!helpfulByMe) return copy;
  if (!copy.marked) {
    const post = { ...copy.post, helpfulByMe: true };
    copy.marked = { post, json: JSON.stringify(post) };
  }
  return copy.marked;
}

/** Enough for the first pages of the hundred topics being read (a few MB); the oldest copies go first. */
const DEFAULT_CAPACITY = 5_000;

export function createSharedCopies(capacity = DEFAULT_CAPACITY) {
  const copies = new Map<string, SharedCopy>();
  return {
    /** The copy of post `id` made with `stamp`, or undefined. */
    get(id: string, stamp: string): SharedCopy | undefined {
      const copy = copies.get(id);
      return copy && copy.stamp === stamp ? copy : undefined;
    },
    /**
     * Keeps the generic member's copy of a row read with its stamp. Only for rows every member sees the same
     * way: not pending (only its author and moderators see those).
     */
    keep(row: PostRow & { stamp: string }): SharedCopy | undefined {
      if (row.status === 'pending') return undefined;
      const post = presentPost({ ...row, helpfulByMe: false, bodyMd: '' }, GENERIC_MEMBER)!;
      const copy: SharedCopy = { stamp: row.stamp, post, json: JSON.stringify(post), cursor: { cursorKey: row.cursorKey, id: row.id } };
      copies.delete(row.id); // re-inserted: newest last
      copies.set(row.id, copy);
      if (copies.size > capacity) copies.delete(copies.keys().next().value!);
      return copy;
    },
    get size() {
      return copies.size;
    },
  };
}

export type SharedCopies = ReturnType<typeof createSharedCopies>;
