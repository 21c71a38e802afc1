// Wires each feature's service to its dependencies. HTTP routes and WebSocket handlers call these.
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { createAuthService } from './features/auth/service.js';
import { createCommunityService } from './features/communities/service.js';
import { createTopicService } from './features/topics/service.js';
import { createPostService } from './features/posts/service.js';
import { createModerationService } from './features/moderation/service.js';
import { createEngagementService } from './features/engagement/service.js';

export function createServices({
  db,
  config,
  passwordCost,
  databaseKind = 'pglite',
}: {
  db: Db;
  config: Config;
  passwordCost?: number | undefined;
  /** PGlite has one connection: statements cannot run side by side there. */
  databaseKind?: 'pglite' | 'postgres';
}) {
  const communities = createCommunityService({ db, config });
  const auth = createAuthService({
    db,
    communities,
    signInLimits: config.signInLimits,
    cookieSecrets: config.cookieSecrets,
    ...(passwordCost ? { passwordCost } : {}),
  });
  const topics = createTopicService({ db, postingLimits: config.postingLimits });
  const posts = createPostService({ db, postingLimits: config.postingLimits });
  const moderation = createModerationService({ db });
  // PGlite has one connection: its statements cannot run side by side, whatever REPORT_PARALLELISM says.
  const engagement = createEngagementService({ db, reportParallelism: databaseKind === 'postgres' ? (config.reportParallelism ?? 2) : 1 });
  return { auth, communities, topics, posts, moderation, engagement };
}

export type Services = ReturnType<typeof createServices>;
