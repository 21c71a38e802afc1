// Replies: /api/topics/:id/posts and /api/posts/*.
import type { CreatePostBody, HelpfulState, Post, PostPage, Revision } from '../../shared/schemas/posts.js';
import { request } from './http.js';
import { toQueryString } from './topics.js';

export type { CreatePostBody, HelpfulState, Post, PostPage, Revision };

const id = (value: string) => encodeURIComponent(value);

export const postsApi = {
  /** Oldest first; pass the previous page's nextCursor for the next one. */
  list: (topicId: string, page: { cursor?: string | null; limit?: number } = {}, signal?: AbortSignal) =>
    request<PostPage>('GET', `/api/topics/${id(topicId)}/posts${toQueryString(page)}`, undefined, signal),
  /**
   * Posts a reply. `idempotencyKey` is chosen once per draft submission and reused on every retry of it:
   * the server then returns the first result instead of creating a second post.
   */
  create: (topicId: string, body: CreatePostBody, idempotencyKey: string) =>
    request<Post>('POST', `/api/topics/${id(topicId)}/posts`, body, undefined, { 'idempotency-key': idempotencyKey }),
  /** Edit my post; a stale `version` → ApiError 409 `version_conflict`. */
  update: (postId: string, body: string, version: number) => request<Post>('PATCH', `/api/posts/${id(postId)}`, { body, version }),
  withdraw: (postId: string) => request<Post>('DELETE', `/api/posts/${id(postId)}`),
  revisions: (postId: string, signal?: AbortSignal) => request<{ items: Revision[] }>('GET', `/api/posts/${id(postId)}/revisions`, undefined, signal),
  setHelpful: (postId: string, on: boolean) => request<HelpfulState>(on ? 'PUT' : 'DELETE', `/api/posts/${id(postId)}/helpful`),
};
