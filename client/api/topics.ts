// Topics (CPD topics and practice problems), prompts, solutions and read tracking:
// /api/communities/:id/topics, /api/topics/*.
import type {
  AddPromptBody,
  CreateTopicBody,
  Prompt,
  ReadPosition,
  TopicDetail,
  TopicKind,
  TopicPage,
  TopicStatus,
  TopicSummary,
  TopicRevision,
  UpdatePromptBody,
  UpdateTopicBody,
} from '../../shared/schemas/topics.js';
import { request } from './http.js';

export type { AddPromptBody, CreateTopicBody, Prompt, ReadPosition, TopicDetail, TopicKind, TopicPage, TopicStatus, TopicSummary, TopicRevision, UpdatePromptBody, UpdateTopicBody };

const id = (value: string) => encodeURIComponent(value);

export interface TopicListFilter {
  status?: TopicStatus | undefined;
  kind?: TopicKind | undefined;
  cursor?: string | null | undefined;
  limit?: number | undefined;
}

function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const topicsApi = {
  list: (communityId: string, filter: TopicListFilter = {}, signal?: AbortSignal) =>
    request<TopicPage>('GET', `/api/communities/${id(communityId)}/topics${query({ ...filter })}`, undefined, signal),
  create: (communityId: string, body: CreateTopicBody) => request<TopicDetail>('POST', `/api/communities/${id(communityId)}/topics`, body),
  markAllRead: (communityId: string) => request<void>('POST', `/api/communities/${id(communityId)}/read-all`),
  /** The topic page; the server records today's view. */
  get: (topicId: string, signal?: AbortSignal) => request<TopicDetail>('GET', `/api/topics/${id(topicId)}`, undefined, signal),
  update: (topicId: string, body: UpdateTopicBody) => request<TopicDetail>('PATCH', `/api/topics/${id(topicId)}`, body),
  addPrompt: (topicId: string, body: AddPromptBody) => request<Prompt>('POST', `/api/topics/${id(topicId)}/prompts`, body),
  updatePrompt: (topicId: string, promptId: string, body: UpdatePromptBody) => request<Prompt>('PATCH', `/api/topics/${id(topicId)}/prompts/${id(promptId)}`, body),
  /** Every version of the topic's title and text and of its prompts' (its editors and moderators). */
  revisions: (topicId: string, signal?: AbortSignal) => request<{ items: TopicRevision[] }>('GET', `/api/topics/${id(topicId)}/revisions`, undefined, signal),
  /** undefined (204): nothing moved, the topic's discussion is hidden from me now (removed or hidden meanwhile). */
  markRead: (topicId: string, postId: string) => request<ReadPosition | undefined>('POST', `/api/topics/${id(topicId)}/read`, { postId }),
  setSolution: (topicId: string, postId: string | null) =>
    request<{ topicId: string; solutionPostId: string | null }>('POST', `/api/topics/${id(topicId)}/solution`, { postId }),
};

export { query as toQueryString };
