import { noContent } from '../../http.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { LoginBody, Me, RegisterBody, User } from '../../../shared/schemas/auth.js';
import type { Config } from '../../config.js';
import { SESSION_COOKIE } from '../../plugins/session.js';
import type { AuthService } from './service.js';
import { problems } from '../../../shared/schemas/common.js';

export const authRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; config: Config }> = async (app, { auth, config }) => {
  const setSessionCookie = (reply: { setCookie: Function }, token: string, expires: Date) =>
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      expires,
    });

  app.post(
    '/api/auth/register',
    {
      schema: {
        tags: ['auth'],
        operationId: 'register',
        summary: 'Create an account (optionally accepting an invite) and sign in',
        body: RegisterBody,
        response: { 201: User, ...problems(409, 422) },
      },
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const { user, session } = await auth.register(request.body);
      setSessionCookie(reply, session.token, session.expiresAt);
      return reply.status(201).send(user);
    },
  );

  app.post(
    '/api/auth/login',
    { schema: { tags: ['auth'], operationId: 'login', summary: 'Sign in; sets the session cookie', body: LoginBody, response: { 200: User, ...problems(401, 429) } } },
    async (request, reply) => {
      const { user, session } = await auth.login({ ...request.body, ip: request.ip });
      setSessionCookie(reply, session.token, session.expiresAt);
      return user;
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], operationId: 'logout', summary: 'End the current session', response: { 204: Type.Null() } } },
    async (request, reply) => {
      await auth.logout(request.sessionId);
      // This process forgets the session now; the others on the NOTIFY the update fires (migration 0002).
      if (request.sessionId) app.sessionCache.dropSession(request.sessionId);
      if (request.sessionId) app.live?.endSession(request.sessionId); // its live sockets close at once
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return noContent(reply);
    },
  );

  app.get(
    '/api/me',
    { schema: { tags: ['auth'], operationId: 'getMe', summary: 'The signed-in user and their memberships', response: { 200: Me, ...problems(401) } } },
    async (request) => auth.me(request.actor),
  );
};
