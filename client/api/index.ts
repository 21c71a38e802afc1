// The typed API client the app provides to every component through context (see ../context.ts).
// Tests or a future offline layer can provide a different object with the same shape.
import { authApi } from './auth.js';
import { communitiesApi } from './communities.js';
import { engagementApi } from './engagement.js';
import { moderationApi } from './moderation.js';
import { notificationsApi } from './notifications.js';
import { peopleApi } from './people.js';
import { mailApi } from './mail.js';
import { postsApi } from './posts.js';
import { searchApi } from './search.js';
import { topicsApi } from './topics.js';

export const api = {
  auth: authApi,
  communities: communitiesApi,
  topics: topicsApi,
  posts: postsApi,
  moderation: moderationApi,
  engagement: engagementApi,
  notifications: notificationsApi,
  people: peopleApi,
  mail: mailApi,
  search: searchApi,
};
export type Api = typeof api;

export { ApiError, messageFor, fieldOf } from './errors.js';
export type { Me, MembershipSummary, User } from './auth.js';
export type { Community, Member, Invite } from './communities.js';
export type { Prompt, ReadPosition, TopicDetail, TopicKind, TopicListFilter, TopicRevision, TopicStatus, TopicSummary } from './topics.js';
export type { Post, Revision } from './posts.js';
export type { FlagReason, LogEntry, ModeratedTopic, ModerationCounts, ModerationQueue, QueueItem, QueueTopicItem, WatchedWordRule } from './moderation.js';
export type { Profile, MemberMatches } from './people.js';
export type { Notification, NotificationPage, Watch, WatchLevel } from './notifications.js';
export type { SearchHit, SearchQuery, SearchResults, SimilarProblem, SimilarProblems } from './search.js';
export type { EngagementClass, EngagementSummary, MembersEngagement, TopicsEngagement, Trajectories } from './engagement.js';
