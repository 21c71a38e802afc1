// Resolves the session cookie to `request.actor` (through a short per-process cache, see
// session-cache.ts), and guards cookie-carried writes against CSRF. The lookup itself is the auth
// feature's (app.ts passes it in as `findSession`): infrastructure does not import features.
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Actor } from '../policy/policy.js';
import { forbidden } from '../errors.js';
import { hashToken } from '../tokens.js';
import { createSessionCache, SESSIONS_CHANNEL, type SessionCache } from './session-cache.js';

export const SESSION_COOKIE = 'stoa_session';

declare module 'fastify' {
  interface FastifyInstance {
    /** Resolved sessions of this process; sign-out drops its entry at once (other processes via NOTIFY). */
    sessionCache: SessionCache;
  }
  interface FastifyRequest {
    actor: Actor | null;
    sessionId: string | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The origin a browser says the request came from: Origin, or failing that the Referer's origin. */
export function requestOrigin(request: FastifyRequest): string | null {
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') return origin;
  const referer = request.headers.referer;
  if (typeof referer === 'string') {
    try {
      return new URL(referer).origin;
    } catch {
      return 'invalid';
    }
  }
  return null;
}

/** The signed-in actor of a session token's hash, or null (ended, expired, suspended or unknown). */
export type FindSession = (tokenHash: string) => Promise<{ actor: Actor; sessionId: string; expiresAt: Date } | null>;

export default fp<{ config: Config; findSession: FindSession; sessionCacheTtlMs?: number }>(
  async (app, { config, findSession, sessionCacheTtlMs }) => {
    await app.register(cookie);
    app.decorateRequest('actor', null);
    app.decorateRequest('sessionId', null);

    const cache = createSessionCache({ ttlMs: sessionCacheTtlMs });
    app.decorate('sessionCache', cache);
    // The cache is used only while this process LISTENs for invalidations; if the database is down at
    // start-up, every request queries (and fails → 503) until LISTEN succeeds in the background.
    let stopped = false;
    let retry: NodeJS.Timeout | undefined;
    const startListening = async (attempt = 0): Promise<void> => {
      if (stopped) return;
      try {
        await app.database.listen(SESSIONS_CHANNEL, (payload) => cache.onNotify(payload), () => cache.clear());
        cache.setEnabled(true);
      } catch (err) {
        app.log.warn({ err, attempt }, 'session cache: cannot LISTEN yet; sessions are looked up on every request meanwhile');
        retry = setTimeout(() => void startListening(attempt + 1), Math.min(250 * 2 ** attempt, 5000));
        retry.unref();
      }
    };
    app.addHook('onReady', async () => {
      await startListening();
    });
    app.addHook('onClose', async () => {
      stopped = true;
      clearTimeout(retry);
      cache.setEnabled(false);
    });

    app.addHook('onRequest', async (request) => {
      const token = request.cookies[SESSION_COOKIE];
      // CSRF: a state-changing request that a cookie authenticates must come from our own origin.
      // Routes that a token in their URL authorises, not the cookie (one-click unsubscribe from a mail client),
      // say so with `config: { csrfExempt: true }`.
      const exempt = (request.routeOptions.config as { csrfExempt?: boolean } | undefined)?.csrfExempt === true;
      if (!SAFE_METHODS.has(request.method) && !exempt) {
        const origin = requestOrigin(request);
        const foreign = origin !== null && origin !== config.publicOrigin;
        if (foreign || (token && origin === null)) {
          throw forbidden('This request did not come from the Stoa site (Origin check failed).', 'csrf_rejected');
        }
      }
      if (!token || token.length > 200) return;
      const tokenHash = hashToken(token);
      const cached = cache.get(tokenHash);
      if (cached) {
        request.actor = cached.actor;
        request.sessionId = cached.sessionId;
        return;
      }
      const ticket = cache.ticket();
      const found = await findSession(tokenHash);
      if (found) {
        request.actor = found.actor;
        request.sessionId = found.sessionId;
        cache.set(tokenHash, { actor: found.actor, sessionId: found.sessionId, expiresAtMs: found.expiresAt.getTime() }, ticket);
      }
    });
  },
  { name: 'session', dependencies: ['db'] },
);
