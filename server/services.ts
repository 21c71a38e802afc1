// Wires each feature's service to its dependencies. HTTP routes and WebSocket handlers call these.
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { createAuthService } from './features/auth/service.js';
import { createCommunityService } from './features/communities/service.js';
import { createEngagementService } from './features/engagement/service.js';

export function createServices({ db, config, passwordCost }: { db: Db; config: Config; passwordCost?: number | undefined }) {
  const communities = createCommunityService({ db, config });
  const auth = createAuthService({ db, communities, ...(passwordCost ? { passwordCost } : {}) });
  const engagement = createEngagementService({ db });
  return { auth, communities, engagement };
}

export type Services = ReturnType<typeof createServices>;
