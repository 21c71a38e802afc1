// Wires each feature's service to its dependencies. HTTP routes and WebSocket handlers call these.
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { createAuthService } from './features/auth/service.js';
import { createCommunityService } from './features/communities/service.js';
import { createModerationService } from './features/moderation/service.js';

export function createServices({ db, config, passwordCost }: { db: Db; config: Config; passwordCost?: number | undefined }) {
  const communities = createCommunityService({ db, config });
  const auth = createAuthService({ db, communities, ...(passwordCost ? { passwordCost } : {}) });
  const moderation = createModerationService({ db });
  return { auth, communities, moderation };
}

export type Services = ReturnType<typeof createServices>;
