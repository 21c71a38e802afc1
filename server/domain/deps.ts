// The shared rules as the dependency objects services receive (wired in server/services.ts). A service
// names the few functions it uses with Pick<>, so its factory says what it touches and a unit test can
// hand it small fakes instead.
import { findCommunity, findMembership, requireCommunity } from './community-access.js';
import { assertTopicWritable, findPrompt, findTopic, hiddenPromptIds, listPrompts, promptsAnsweredBy, requireTopic, topicAccess } from './topic-access.js';
import { requireCommunityForRead, requireTopicForRead, requireTopicForWrite } from './read-access.js';
import { communityLiveCursor, lastChannelEventId, recordEvent, recordEventSql } from './outbox.js';
import { insertLogEntry, latestLogEntry } from './audit-log.js';
import { changePostStatus, countNewPost } from './content-status.js';
import { displayNames, findUserById } from './users.js';
import { needsPremoderation, screenPostText, screenTopicText } from './screening.js';
import { renderField } from './render.js';
import { enforcePostingLimit } from './posting-limits.js';

export const communityAccess = { findCommunity, findMembership, requireCommunity, requireCommunityForRead };
export const topicAccessRules = { requireTopic, topicAccess, findTopic, findPrompt, listPrompts, promptsAnsweredBy, hiddenPromptIds, assertTopicWritable, requireTopicForRead, requireTopicForWrite };
export const outbox = { recordEvent, recordEventSql, communityLiveCursor, lastChannelEventId };
export const auditLog = { insertLogEntry, latestLogEntry };
export const contentStatus = { changePostStatus, countNewPost };
export const users = { findUserById, displayNames };
export const screening = { screenPostText, screenTopicText, needsPremoderation };
export const render = { renderField };
export const postingLimitRules = { enforcePostingLimit };

export type CommunityAccessDeps = typeof communityAccess;
export type TopicAccessDeps = typeof topicAccessRules;
export type OutboxDeps = typeof outbox;
export type AuditLogDeps = typeof auditLog;
export type ContentStatusDeps = typeof contentStatus;
export type UsersDeps = typeof users;
export type ScreeningDeps = typeof screening;
export type RenderDeps = typeof render;
export type PostingLimitDeps = typeof postingLimitRules;
