// Wires each feature's service to what it uses — the shared rules of server/domain/ and the services of
// the features it asks — in ONE place. HTTP routes and WebSocket handlers call these services.
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { auditLog, communityAccess, contentStatus, outbox, postingLimitRules, render, screening, topicAccessRules, users } from './domain/deps.js';
import { createAccountService } from './features/auth/account-service.js';
import { createAuthService } from './features/auth/service.js';
import { createCommunityService } from './features/communities/service.js';
import { createTopicService } from './features/topics/service.js';
import { createTopicRevisionService } from './features/topics/revisions.js';
import { createViewBuffer } from './features/topics/view-buffer.js';
import { createTopicModerationService, createTopicModerationSteps } from './features/topics/moderation.js';
import { createPostService } from './features/posts/service.js';
import { createPostingRules } from './features/posts/rules.js';
import { createModerationService } from './features/moderation/service.js';
import { createEngagementService } from './features/engagement/service.js';
import { createMailService } from './features/mail/service.js';
import { createNotificationService } from './features/notifications/service.js';
import { createPeopleService } from './features/people/service.js';
import { createSearchService } from './features/search/service.js';
import { createInvitationService } from './features/notifications/invitations.js';

export function createServices({
  db,
  config,
  passwordCost,
  databaseKind = 'pglite',
  mailWorker,
}: {
  db: Db;
  config: Config;
  passwordCost?: number | undefined;
  /** The mail worker, woken when a mail should leave at once. */
  mailWorker: { poke(): void };
  /** PGlite has one connection: statements cannot run side by side there. */
  databaseKind?: 'pglite' | 'postgres';
}) {
  const communities = createCommunityService({ db, config, access: communityAccess, audit: auditLog, outbox, users });
  const accounts = createAccountService({ db, publicUrl: config.publicUrl, passwordCost, mail: mailWorker });
  const auth = createAuthService({
    db,
    communities,
    users,
    accounts,
    signInLimits: config.signInLimits,
    cookieSecrets: config.cookieSecrets,
    ...(passwordCost ? { passwordCost } : {}),
  });
  const posts = createPostService({
    db,
    postingLimits: config.postingLimits,
    limits: postingLimitRules,
    access: topicAccessRules,
    rules: createPostingRules({ screening }),
    status: contentStatus,
    audit: auditLog,
    outbox,
    render,
  });
  const topicModerationDeps = { db, communities: communityAccess, topics: topicAccessRules, audit: auditLog, outbox };
  const views = createViewBuffer({ db, flushMs: config.viewFlushMs });
  const topics = createTopicService({
    db,
    views,
    postingLimits: config.postingLimits,
    limits: postingLimitRules,
    communities: communityAccess,
    access: topicAccessRules,
    posts,
    moderation: createTopicModerationSteps(topicModerationDeps),
    screening,
    outbox,
    render,
  });
  const topicRevisions = createTopicRevisionService({ db, access: topicAccessRules });
  const topicModeration = createTopicModerationService(topicModerationDeps);
  const moderation = createModerationService({ db, communities: communityAccess, topics: topicAccessRules, posts, status: contentStatus, audit: auditLog, outbox, users });
  // PGlite has one connection: its statements cannot run side by side, whatever REPORT_PARALLELISM says.
  const engagement = createEngagementService({
    db,
    communities: communityAccess,
    topics: topicAccessRules,
    reportParallelism: databaseKind === 'postgres' ? (config.reportParallelism ?? 2) : 1,
  });
  const mail = createMailService({ mail: config.mail });
  const notifications = createNotificationService({ db, communities: communityAccess, topics: topicAccessRules });
  const invitations = createInvitationService({ db, topics: topicAccessRules, publicUrl: config.publicUrl, mailQueued: () => mailWorker.poke() });
  const people = createPeopleService({ db, communities: communityAccess });
  const search = createSearchService({ db, communities: communityAccess, topics: topicAccessRules });
  return { auth, accounts, communities, topics, topicRevisions, topicModeration, posts, moderation, engagement, mail, notifications, invitations, people, search, views };
}

export type Services = ReturnType<typeof createServices>;
