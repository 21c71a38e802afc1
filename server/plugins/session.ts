// Resolves the session cookie to `request.actor`, and guards cookie-carried writes against CSRF.
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Actor } from '../policy/policy.js';
import { forbidden } from '../errors.js';
import { findSessionActor } from '../features/auth/queries.js';
import { hashToken } from '../features/auth/tokens.js';

export const SESSION_COOKIE = 'stoa_session';

declare module 'fastify' {
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

export default fp<{ config: Config }>(
  async (app, { config }) => {
    await app.register(cookie);
    app.decorateRequest('actor', null);
    app.decorateRequest('sessionId', null);

    app.addHook('onRequest', async (request) => {
      const token = request.cookies[SESSION_COOKIE];
      // CSRF: a state-changing request that a cookie authenticates must come from our own origin.
      if (!SAFE_METHODS.has(request.method)) {
        const origin = requestOrigin(request);
        const foreign = origin !== null && origin !== config.publicOrigin;
        if (foreign || (token && origin === null)) {
          throw forbidden('This request did not come from the Stoa site (Origin check failed).', 'csrf_rejected');
        }
      }
      if (!token || token.length > 200) return;
      const found = await findSessionActor(app.db, hashToken(token));
      if (found) {
        request.actor = found.actor;
        request.sessionId = found.sessionId;
      }
    });
  },
  { name: 'session', dependencies: ['db'] },
);
