import { noContent } from '../../http.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { LoginBody, Me, RegisterBody, User } from '../../../shared/schemas/auth.js';
import type { Config } from '../../config.js';
import { SESSION_COOKIE } from '../../plugins/session.js';
import { DEVICE_COOKIE, DEVICE_COOKIE_DAYS } from './device-cookie.js';
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
  // The device cookie marks a browser that signed in before (sign-in-limits.ts); only sign-in reads it.
  const setDeviceCookie = (reply: { setCookie: Function }, value: string) =>
    reply.setCookie(DEVICE_COOKIE, value, {
      path: '/api/auth',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      maxAge: DEVICE_COOKIE_DAYS * 86_400,
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
      const { user, session, deviceCookie } = await auth.register(request.body, { deviceCookie: request.cookies[DEVICE_COOKIE] });
      setSessionCookie(reply, session.token, session.expiresAt);
      setDeviceCookie(reply, deviceCookie);
      return reply.status(201).send(user);
    },
  );

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        operationId: 'login',
        summary: 'Sign in; sets the session cookie and the device cookie',
        description:
          'Failed sign-ins are throttled per account and address, per account and device cookie, per account and per address; a refused attempt gets 429 `rate_limited` with Retry-After (see the README, "Sign-in limits").',
        body: LoginBody,
        response: { 200: User, ...problems(401, 429) },
      },
    },
    async (request, reply) => {
      const { user, session, deviceCookie } = await auth.login({ ...request.body, ip: request.ip, deviceCookie: request.cookies[DEVICE_COOKIE] });
      setSessionCookie(reply, session.token, session.expiresAt);
      setDeviceCookie(reply, deviceCookie);
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
