// Builds reply threads from the flat, oldest-first post list (each post names its parentId). The server
// nests up to LIMITS.replyDepthMax; the page shows at most `maxDepth` levels so that threads stay readable
// on a phone: a reply to a post at the deepest visible level is shown flat beside it, marked
// "in reply to <author>".
import type { Post } from './api/index.js';

export const VISUAL_DEPTH_MAX = 4;

export interface ThreadNode {
  post: Post;
  /** 0 for a top-level reply (to the topic or a prompt). */
  depth: number;
  children: ThreadNode[];
  /** Set when the reply is shown away from its parent: the parent's author (or a generic label). */
  inReplyTo: string | null;
}

export interface Threads {
  /** Top-level replies per prompt id ('' for replies to the topic itself). */
  roots: Map<string, ThreadNode[]>;
  /** How many posts were placed. */
  size: number;
}

export const rootKey = (promptId: string | null) => promptId ?? '';

/** Posts must be in creation order (a parent always comes before its replies). */
export function buildThreads(posts: readonly Post[], maxDepth = VISUAL_DEPTH_MAX): Threads {
  const roots = new Map<string, ThreadNode[]>();
  const placed = new Map<string, { node: ThreadNode; container: ThreadNode[] }>();
  const rootsFor = (promptId: string | null) => {
    const key = rootKey(promptId);
    let list = roots.get(key);
    if (!list) roots.set(key, (list = []));
    return list;
  };
  for (const post of posts) {
    const parent = post.parentId ? placed.get(post.parentId) : undefined;
    let node: ThreadNode;
    let container: ThreadNode[];
    if (!parent) {
      // A parent we cannot see (or have not loaded) still gets its reply shown, at the top level.
      node = { post, depth: 0, children: [], inReplyTo: post.parentId ? 'an earlier post' : null };
      container = rootsFor(post.promptId);
    } else if (parent.node.depth < maxDepth - 1) {
      node = { post, depth: parent.node.depth + 1, children: [], inReplyTo: null };
      container = parent.node.children;
    } else {
      node = { post, depth: parent.node.depth, children: [], inReplyTo: parent.node.post.author.displayName };
      container = parent.container;
    }
    container.push(node);
    placed.set(post.id, { node, container });
  }
  return { roots, size: placed.size };
}
