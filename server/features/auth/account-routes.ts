// The account's own routes: profile, password, email, verification, password reset, signing out everywhere.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  ChangeEmailBody,
  ChangePasswordBody,
  EmailVerified,
  Me,
  PasswordResetBody,
  PasswordResetConfirmBody,
  ProfileBody,
  VerifyEmailBody,
} from '../../../shared/schemas/auth.js';
import { problems } from '../../../shared/schemas/common.js';
import { accepted, noContent } from '../../http.js';
import { SESSION_COOKIE } from '../../plugins/session.js';
import type { AccountService } from './account-service.js';
import type { AuthService } from './service.js';

const tags = ['auth'];
/** Guessing a current password through a stolen session, or mailing resets in bulk, is slowed per address. */
const slow = { rateLimit: { max: 10, timeWindow: '1 minute' } };

export const accountRoutes: FastifyPluginAsyncTypebox<{ accounts: AccountService; auth: AuthService }> = async (app, { accounts, auth }) => {
  app.patch(
    '/api/me',
    {
      schema: {
        tags,
        operationId: 'updateMe',
        summary: 'Change my display name, @handle, bio or "what I can help with"',
        body: ProfileBody,
        response: { 200: Me, ...problems(401, 409) },
      },
    },
    async (request) => {
      await accounts.updateProfile(request.actor, request.body);
      return auth.me(request.actor);
    },
  );

  app.post(
    '/api/me/password',
    {
      schema: {
        tags,
        operationId: 'changePassword',
        summary: 'Change my password (the current one is required); my other sessions end',
        body: ChangePasswordBody,
        response: { 204: Type.Null(), ...problems(401, 429) },
      },
      config: slow,
    },
    async (request, reply) => {
      const { userId } = await accounts.changePassword(request.actor, request.sessionId, request.body);
      // This process forgets the ended sessions now; the others on the NOTIFY the update fires (migration 0002).
      app.sessionCache.dropUser(userId);
      return noContent(reply);
    },
  );

  app.post(
    '/api/me/email',
    {
      schema: {
        tags,
        operationId: 'changeEmail',
        summary: 'Ask to use another email address (the current password is required); a link goes to the new address',
        body: ChangeEmailBody,
        response: { 202: Type.Null(), ...problems(401, 409, 429) },
      },
      config: slow,
    },
    async (request, reply) => {
      await accounts.requestEmailChange(request.actor, request.body);
      return accepted(reply);
    },
  );

  app.post(
    '/api/auth/logout-all',
    { schema: { tags, operationId: 'logoutEverywhere', summary: 'End every session of my account, this one included', response: { 204: Type.Null(), ...problems(401) } } },
    async (request, reply) => {
      await accounts.signOutEverywhere(request.actor);
      if (request.actor) app.sessionCache.dropUser(request.actor.id);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return noContent(reply);
    },
  );

  app.post(
    '/api/auth/password-reset',
    {
      schema: {
        tags,
        operationId: 'requestPasswordReset',
        summary: 'Mail a password reset link (one hour, single use); 202 whether or not the address has an account',
        body: PasswordResetBody,
        response: { 202: Type.Null(), ...problems(429) },
      },
      config: slow,
    },
    async (request, reply) => {
      await accounts.requestPasswordReset(request.body.email);
      return accepted(reply);
    },
  );

  app.post(
    '/api/auth/password-reset/confirm',
    {
      schema: {
        tags,
        operationId: 'confirmPasswordReset',
        summary: 'Set a new password with a reset link; every session of the account ends',
        body: PasswordResetConfirmBody,
        response: { 204: Type.Null(), ...problems(429) },
      },
      config: slow,
    },
    async (request, reply) => {
      const { userId } = await accounts.confirmPasswordReset(request.body);
      app.sessionCache.dropUser(userId);
      return noContent(reply);
    },
  );

  app.post(
    '/api/auth/verify',
    {
      schema: {
        tags,
        operationId: 'verifyEmail',
        summary: 'Confirm an email address with the mailed link (at registration, or a new address)',
        body: VerifyEmailBody,
        response: { 200: EmailVerified, ...problems(409, 429) },
      },
      config: slow,
    },
    async (request) => accounts.verifyEmail(request.body.token),
  );
};
