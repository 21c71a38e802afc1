// Wires each feature's service to its dependencies. HTTP routes and WebSocket handlers call these.
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { createAccountService } from './features/auth/account-service.js';
import { createAuthService } from './features/auth/service.js';
import { createCommunityService } from './features/communities/service.js';
import { createTopicService } from './features/topics/service.js';
import { createPostService } from './features/posts/service.js';
import { createModerationService } from './features/moderation/service.js';
import { createEngagementService } from './features/engagement/service.js';
import { createMailService } from './features/mail/service.js';
import { createNotificationService } from './features/notifications/service.js';
import { createPeopleService } from './features/people/service.js';
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
  const communities = createCommunityService({ db, config });
  const accounts = createAccountService({ db, publicUrl: config.publicUrl, passwordCost, mail: mailWorker });
  const auth = createAuthService({
    db,
    communities,
    accounts,
    signInLimits: config.signInLimits,
    cookieSecrets: config.cookieSecrets,
    ...(passwordCost ? { passwordCost } : {}),
  });
  const topics = createTopicService({ db });
  const posts = createPostService({ db });
  const moderation = createModerationService({ db });
  // PGlite has one connection: its statements cannot run side by side, whatever REPORT_PARALLELISM says.
  const engagement = createEngagementService({ db, reportParallelism: databaseKind === 'postgres' ? (config.reportParallelism ?? 2) : 1 });
  const mail = createMailService({ mail: config.mail });
  const notifications = createNotificationService({ db });
  const invitations = createInvitationService({ db, publicUrl: config.publicUrl, mailQueued: () => mailWorker.poke() });
  return { auth, accounts, communities, topics, posts, moderation, engagement, mail, notifications, invitations, people: createPeopleService({ db }) };
}

export type Services = ReturnType<typeof createServices>;
