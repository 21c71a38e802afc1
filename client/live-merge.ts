// How the topic page's post list and topic change when something happens: a page of posts arrives, a live
// event brings a post, I post a reply, a post changes. Pure functions (no DOM, no requests), so the rules
// are tested on their own (test/client/live-merge.test.ts); <stoa-topic-page> and its controllers apply the
// result and keep the reader's scroll position.
import type { Post, TopicDetail } from './api/index.js';

/** A change to one post: its id and the fields that changed. */
export type PostChange = { id: string } & Partial<Post>;

/** What the topic page holds: the topic and its loaded posts, oldest first. */
export interface TopicState {
  detail: TopicDetail;
  posts: readonly Post[];
}

/** Adds posts to the list, once each, keeping creation order (a live or just-posted reply may come first). */
export function mergePosts(existing: readonly Post[], incoming: readonly Post[]): Post[] {
  const known = new Set(existing.map((p) => p.id));
  const added = incoming.filter((p) => !known.has(p.id));
  if (!added.length) return existing as Post[];
  const merged = [...existing, ...added];
  const last = existing[existing.length - 1];
  if (last && added.some((p) => p.createdAt < last.createdAt)) merged.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  return merged;
}

/** The topic with one more reply counted (in the topic and in its prompt); `answered` marks the prompt answered by me. */
function countReply(d: TopicDetail, promptId: string | null, add: number, answered = false): TopicDetail {
  return {
    ...d,
    postCount: d.postCount + add,
    prompts: d.prompts.map((p) => (p.id === promptId ? { ...p, replyCount: p.replyCount + add, ...(answered ? { answeredByMe: true } : {}) } : p)),
  };
}

/**
 * Merges a change into the post with its id (when loaded) and into the solution shown above the article.
 * A loaded post that stops or starts being published (withdrawn, removed, restored, approved) leaves or
 * rejoins the reply counts, as on the server, which counts published posts only. The live echo of a change
 * already applied finds the status unchanged, so nothing is counted twice.
 */
export function applyPostChange<S extends { detail: TopicDetail | null; posts: readonly Post[] }>(
  state: S,
  change: PostChange,
  index: number | undefined,
): Pick<S, 'detail' | 'posts'> {
  let { posts, detail } = state;
  if (index !== undefined) {
    const before = posts[index]!;
    const next = posts.slice();
    next[index] = { ...before, ...change };
    posts = next;
    const counted = (status: Post['status']) => (status === 'published' ? 1 : 0);
    const delta = change.status === undefined ? 0 : counted(change.status) - counted(before.status);
    if (delta !== 0 && detail) detail = countReply(detail, before.promptId, delta);
  }
  if (detail?.solution?.id === change.id) detail = { ...detail, solution: { ...detail.solution, ...change } };
  return { detail, posts };
}

export type LivePostMerge =
  /** Nothing to show: an older version, a post this member may not see yet (answer first), or not shown anyway. */
  | { kind: 'ignore' }
  /** A new reply joins its thread and is counted; `announce` when someone else wrote it (the "new replies" pill). */
  | { kind: 'add'; state: TopicState; announce: boolean }
  /** A known post changes in place. */
  | { kind: 'change'; change: PostChange };

/**
 * A post from the live feed (`created`: post.created / post.approved). New ones join their thread, known ones
 * change in place and never go back to an older version. Events are written for a generic member, so what
 * only I may see (my own or, as a moderator, a hidden post's words; my helpful mark; my markdown source) is kept.
 */
export function mergeLivePost(
  state: TopicState,
  data: Post,
  created: boolean,
  viewer: { userId: string; index: number | undefined },
): LivePostMerge {
  const d = state.detail;
  if (viewer.index === undefined) {
    if (!created && data.status !== 'published') return { kind: 'ignore' };
    const prompt = data.promptId ? d.prompts.find((p) => p.id === data.promptId) : undefined;
    if (prompt?.repliesHidden && data.author.id !== viewer.userId) return { kind: 'ignore' }; // answer first
    return {
      kind: 'add',
      state: { posts: mergePosts(state.posts, [data]), detail: countReply(d, data.promptId, 1) },
      announce: data.author.id !== viewer.userId,
    };
  }
  const existing = state.posts[viewer.index]!;
  if (data.version < existing.version) return { kind: 'ignore' };
  const mine = existing.author.id === viewer.userId;
  const keepContent = data.bodyHtml === null && existing.bodyHtml !== null && (mine || d.can.moderate);
  return {
    kind: 'change',
    change: {
      ...data,
      helpfulByMe: existing.helpfulByMe,
      bodyHtml: keepContent ? existing.bodyHtml : data.bodyHtml,
      // My markdown source is stale after an edit elsewhere: null makes the edit box load the newest revision.
      bodyMd: data.version === existing.version ? existing.bodyMd : null,
    },
  };
}

/**
 * My own reply, just posted from a composer. Its live echo may have come first and already added and counted
 * it (`index` is then its position); either way the prompt is now answered by me.
 */
export function mergeOwnPost(state: TopicState, post: Post, index: number | undefined): TopicState {
  const counted = index !== undefined;
  return {
    posts: counted ? state.posts : mergePosts(state.posts, [post]),
    detail: countReply(state.detail, post.promptId, counted ? 0 : 1, true),
  };
}
