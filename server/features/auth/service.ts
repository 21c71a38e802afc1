// Accounts and sessions: registration, sign-in with throttling, sign-out, "who am I".
import type { Db } from '../../db/client.js';
import { conflict, invalid, tooManyRequests, unauthorized } from '../../errors.js';
import { authorize, type Actor, type CommunityRole } from '../../policy/policy.js';
import type { CommunityService } from '../communities/service.js';
import { membershipsOfUser } from '../communities/queries.js';
import * as q from './queries.js';
import { getDummyHash, hashPassword, hashToken, newToken, verifyPassword } from './tokens.js';

export const SESSION_DAYS = 30;
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const LOGIN_MAX_FAILURES = 10;

export function createAuthService({ db, communities, passwordCost }: { db: Db; communities: CommunityService; passwordCost?: number }) {
  async function startSession(userId: string) {
    const token = newToken(); // a new token at every sign-in
    const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
    const session = await q.insertSession(db, { userId, tokenHash: hashToken(token), expiresAt });
    return { token, expiresAt, sessionId: session.id };
  }

  return {
    startSession,

    async register(input: { email: string; password: string; displayName: string; inviteToken?: string | undefined }) {
      const email = input.email.trim().toLowerCase();
      // Names are stored exactly as typed (read back byte for byte), but must not be blank.
      if (input.displayName.trim() === '') throw invalid('displayName', 'displayName must not be blank.', 'empty_text');
      const passwordHash = await hashPassword(input.password, passwordCost);
      const user = await db.transaction(async (tx) => {
        const created = await q.insertUser(tx, { email, passwordHash, displayName: input.displayName });
        if (!created) throw conflict('email_taken', 'An account with this email already exists.', { field: 'email' });
        if (input.inviteToken) await communities.acceptInvite(tx, input.inviteToken, created);
        return created;
      });
      return { user, session: await startSession(user.id) };
    },

    async login(input: { email: string; password: string; ip: string }) {
      const email = input.email.trim().toLowerCase();
      const keys = [`acct:${email}`, `ip:${input.ip}`];
      const since = new Date(Date.now() - LOGIN_WINDOW_MS);
      for (const key of keys) {
        const { count, oldest } = await q.countRecentFailures(db, key, since);
        if (count >= LOGIN_MAX_FAILURES) {
          const retryAfter = Math.max(1, Math.ceil(((oldest?.getTime() ?? Date.now()) + LOGIN_WINDOW_MS - Date.now()) / 1000));
          throw tooManyRequests(retryAfter, 'Too many failed sign-ins; try again later.');
        }
      }
      const user = await q.findUserByEmail(db, email);
      const ok = await verifyPassword(input.password, user?.passwordHash ?? (await getDummyHash(passwordCost)));
      if (!user || !ok || user.suspendedAt) {
        await q.recordFailures(db, keys);
        if (Math.random() < 0.01) await q.pruneFailures(db, since);
        throw unauthorized(user?.suspendedAt && ok ? 'This account is suspended.' : 'Email or password is wrong.');
      }
      const session = await startSession(user.id);
      return { user: { id: user.id, email: user.email, displayName: user.displayName, isAdmin: user.isAdmin }, session };
    },

    async logout(sessionId: string | null) {
      if (sessionId) await q.endSession(db, sessionId);
    },

    async me(actor: Actor | null) {
      const me = authorize(actor, 'community.read', { community: { id: '', joinPolicy: 'open' } });
      const user = await q.findUserById(db, me.id);
      if (!user) throw unauthorized();
      const memberships = await membershipsOfUser(db, me.id);
      return { ...user, memberships: memberships.map((m) => ({ ...m, roles: m.roles as CommunityRole[] })) };
    },

    /** Ensures the instance administrator from ADMIN_EMAIL / ADMIN_PASSWORD exists with that password. */
    async ensureAdmin(email: string, password: string) {
      const existing = await q.findUserByEmail(db, email);
      if (existing) {
        const same = await verifyPassword(password, existing.passwordHash);
        await q.makeAdmin(db, existing.id, same ? undefined : await hashPassword(password, passwordCost));
        return existing.id;
      }
      const created = await q.insertUser(db, { email, passwordHash: await hashPassword(password, passwordCost), displayName: 'Administrator', isAdmin: true });
      return created!.id;
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
