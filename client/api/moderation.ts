// Moderation: flags, the review queue, removal/restore/approval, author notes, watched words, settings,
// suspensions, membership removal, topic lock/close/pin and the audit log (issue 5).
import type { Static } from 'typebox';
import type {
  AuthorNote,
  Flag,
  FlagReason,
  LogAction,
  LogEntry,
  ModeratedPost,
  ModeratedTopic,
  ModerationCounts,
  ModerationQueue,
  ModerationSettings,
  Suspension,
  TopicAuthorNote,
  TopicFlag,
  TopicModerationState,
  WatchedWordRule,
} from '../../shared/schemas/moderation.js';
import { request } from './http.js';
import { toQueryString } from './topics.js';

export type { FlagReason, LogAction, LogEntry, ModerationQueue, WatchedWordRule };
export type Flag = Static<typeof Flag>;
export type ModeratedPost = Static<typeof ModeratedPost>;
export type ModeratedTopic = Static<typeof ModeratedTopic>;
export type TopicFlag = Static<typeof TopicFlag>;
export type ModerationCounts = Static<typeof ModerationCounts>;
export type ModerationSettings = Static<typeof ModerationSettings>;
export type Suspension = Static<typeof Suspension>;
export type AuthorNote = Static<typeof AuthorNote>;
export type TopicAuthorNote = Static<typeof TopicAuthorNote>;
export type TopicModerationState = Static<typeof TopicModerationState>;
export type QueueItem = ModerationQueue['flagged'][number] | ModerationQueue['pending'][number];
export type QueueTopicItem = ModerationQueue['flaggedTopics'][number] | ModerationQueue['pendingTopics'][number];

const id = (value: string) => encodeURIComponent(value);
const community = (communityId: string) => `/api/communities/${id(communityId)}`;

export interface LogFilter {
  action?: LogAction | '' | undefined;
  memberId?: string | undefined;
  cursor?: string | null | undefined;
  limit?: number | undefined;
}

export const moderationApi = {
  flag: (postId: string, body: { reason: FlagReason; note?: string }) => request<Flag>('POST', `/api/posts/${id(postId)}/flags`, body),
  dismissFlags: (postId: string) => request<ModeratedPost>('POST', `/api/posts/${id(postId)}/flags/dismiss`),
  remove: (postId: string, reason: string) => request<ModeratedPost>('POST', `/api/posts/${id(postId)}/removal`, { reason }),
  restore: (postId: string) => request<ModeratedPost>('DELETE', `/api/posts/${id(postId)}/removal`),
  approve: (postId: string) => request<ModeratedPost>('POST', `/api/posts/${id(postId)}/approval`),
  noteAuthor: (postId: string, message: string) => request<AuthorNote>('POST', `/api/posts/${id(postId)}/author-note`, { message }),
  /** The notes on a topic's posts I may read: on my own posts (moderators: on all). */
  topicAuthorNotes: (topicId: string, signal?: AbortSignal) =>
    request<{ items: TopicAuthorNote[] }>('GET', `/api/topics/${id(topicId)}/author-notes`, undefined, signal),

  // Topics are moderated like posts.
  flagTopic: (topicId: string, body: { reason: FlagReason; note?: string }) => request<TopicFlag>('POST', `/api/topics/${id(topicId)}/flags`, body),
  dismissTopicFlags: (topicId: string) => request<ModeratedTopic>('POST', `/api/topics/${id(topicId)}/flags/dismiss`),
  removeTopic: (topicId: string, reason: string) => request<ModeratedTopic>('POST', `/api/topics/${id(topicId)}/removal`, { reason }),
  restoreTopic: (topicId: string) => request<ModeratedTopic>('DELETE', `/api/topics/${id(topicId)}/removal`),
  approveTopic: (topicId: string) => request<ModeratedTopic>('POST', `/api/topics/${id(topicId)}/approval`),

  queue: (communityId: string, signal?: AbortSignal) => request<ModerationQueue>('GET', `${community(communityId)}/moderation/queue`, undefined, signal),
  counts: (communityId: string, signal?: AbortSignal) => request<ModerationCounts>('GET', `${community(communityId)}/moderation/counts`, undefined, signal),
  log: (communityId: string, filter: LogFilter = {}, signal?: AbortSignal) =>
    request<{ items: LogEntry[]; nextCursor: string | null }>('GET', `${community(communityId)}/moderation/log${toQueryString({ ...filter })}`, undefined, signal),

  watchedWords: (communityId: string, signal?: AbortSignal) =>
    request<{ words: WatchedWordRule[] }>('GET', `${community(communityId)}/watched-words`, undefined, signal),
  setWatchedWords: (communityId: string, words: WatchedWordRule[]) =>
    request<{ words: WatchedWordRule[] }>('PUT', `${community(communityId)}/watched-words`, { words }),
  settings: (communityId: string, signal?: AbortSignal) => request<ModerationSettings>('GET', `${community(communityId)}/settings`, undefined, signal),
  updateSettings: (communityId: string, patch: Partial<ModerationSettings>) =>
    request<ModerationSettings>('PATCH', `${community(communityId)}/settings`, patch),

  /** `until` omitted: suspended until lifted. */
  suspend: (communityId: string, userId: string, body: { reason: string; until?: string }) =>
    request<Suspension>('PUT', `${community(communityId)}/members/${id(userId)}/suspension`, body),
  lift: (communityId: string, userId: string) => request<void>('DELETE', `${community(communityId)}/members/${id(userId)}/suspension`),
  /** Managers and admins; everything the member wrote stays. */
  removeMember: (communityId: string, userId: string) => request<void>('DELETE', `${community(communityId)}/members/${id(userId)}`),

  moderateTopic: (topicId: string, body: { locked?: boolean; closed?: boolean; pinned?: boolean }) =>
    request<TopicModerationState>('PATCH', `/api/topics/${id(topicId)}/moderation`, body),
};
