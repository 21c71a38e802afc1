// Accounts and sessions: registration, sign-in with throttling (sign-in-limits.ts, device-cookie.ts),
// sign-out, "who am I".
import type { SignInLimits } from '../../config.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { conflict, invalid, unauthorized } from '../../errors.js';
import { authorize, type Actor } from '../../policy/policy.js';
import type { CommunityService } from '../communities/service.js';
import type { UsersDeps } from '../../domain/deps.js';
import type { AccountService } from './account-service.js';
import * as q from './queries.js';
import { createCookieSecretSource, createDeviceCookies } from './device-cookie.js';
import { createSignInLimiter } from './sign-in-limits.js';
import { hashToken, newToken } from '../../tokens.js';
import { getDummyHash, hashPassword, verifyPassword } from './tokens.js';

export const SESSION_DAYS = 30;

export function createAuthService({
  db,
  communities,
  users,
  passwordCost,
  signInLimits,
  cookieSecrets,
  accounts,
}: {
  db: Db;
  communities: Pick<CommunityService, 'acceptInvite' | 'membershipsOf'>;
  users: Pick<UsersDeps, 'findUserById'>;
  /** Mails the new address a confirmation link. */
  accounts: Pick<AccountService, 'queueVerification' | 'mailQueued'>;
  passwordCost?: number;
  signInLimits: SignInLimits;
  /** COOKIE_SECRET; undefined: a secret generated once and kept in the database. */
  cookieSecrets: string[] | undefined;
}) {
  const limiter = createSignInLimiter({ db, limits: signInLimits });
  const devices = createDeviceCookies(createCookieSecretSource(db, cookieSecrets));

  async function startSession(userId: string) {
    const token = newToken(); // a new token at every sign-in
    const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
    const session = await q.insertSession(db, { userId, tokenHash: hashToken(token), expiresAt });
    return { token, expiresAt, sessionId: session.id };
  }

  return {
    startSession,

    /** `deviceCookie`: the browser's device cookie, if any; the result's `deviceCookie` replaces it. */
    async register(
      input: { email: string; password: string; displayName: string; inviteToken?: string | undefined },
      { deviceCookie }: { deviceCookie?: string | undefined } = {},
    ) {
      const email = input.email.trim().toLowerCase();
      // Names are stored exactly as typed (read back byte for byte), but must not be blank.
      if (input.displayName.trim() === '') throw invalid('displayName', 'displayName must not be blank.', 'empty_text');
      const passwordHash = await hashPassword(input.password, passwordCost);
      const user = await db.transaction(async (tx) => {
        const created = await q.insertUser(tx, { email, passwordHash, displayName: input.displayName });
        if (!created) throw conflict('email_taken', 'An account with this email already exists.', { field: 'email' });
        if (input.inviteToken) await communities.acceptInvite(tx, input.inviteToken, created);
        await accounts.queueVerification(tx, created);
        return created;
      });
      accounts.mailQueued();
      return { user, session: await startSession(user.id), deviceCookie: await devices.issue(deviceCookie, user.id) };
    },

    /**
     * Signs in, or refuses with 401 (wrong email or password) or 429 (throttled: see sign-in-limits.ts).
     * `deviceCookie` is the browser's device cookie, if any: genuine and for this account, the attempt is
     * trusted (counted per device, untouched by failures from elsewhere). On success the result's
     * `deviceCookie` is what the browser keeps from now on.
     */
    async login(input: { email: string; password: string; ip: string; deviceCookie?: string | undefined }) {
      const email = input.email.trim().toLowerCase();
      const user = await q.findUserByEmail(db, email);
      const deviceNonce = await devices.trustedNonce(input.deviceCookie, user?.id);
      // Refused here while throttled, before the password is looked at: a right password waits too.
      const attempt = await limiter.begin({ email, ip: input.ip, deviceNonce });
      const ok = await verifyPassword(input.password, user?.passwordHash ?? (await getDummyHash(passwordCost)));
      if (!user || !ok || user.suspendedAt) {
        throw unauthorized(user?.suspendedAt && ok ? 'This account is suspended.' : 'Email or password is wrong.');
      }
      await attempt.succeeded();
      const session = await startSession(user.id);
      return {
        user: { id: user.id, email: user.email, displayName: user.displayName, handle: user.handle, isAdmin: user.isAdmin },
        session,
        deviceCookie: await devices.issue(input.deviceCookie, user.id),
      };
    },

    /** The signed-in actor of a session token's hash (valid, unexpired session of an unsuspended account). */
    findSession: (tokenHash: string) => q.findSessionActor(db, tokenHash),

    async logout(sessionId: string | null) {
      if (sessionId) await q.endSession(db, sessionId);
    },

    async me(actor: Actor | null) {
      const me = authorize(actor, 'community.read', { community: { id: '', joinPolicy: 'open' } });
      const user = await users.findUserById(db, me.id);
      if (!user) throw unauthorized();
      return { ...user, memberships: await communities.membershipsOf(me.id) };
    },

    /**
     * Trusted set-up without an actor (the demo seed), in the caller's transaction: an account whose address
     * counts as verified. Null when the address is taken.
     */
    async seedAccount(tx: DbOrTx, input: { email: string; passwordHash: string; displayName: string; isAdmin: boolean }) {
      return q.insertUser(tx, { ...input, emailVerified: true });
    },

    /** Ensures the instance administrator from ADMIN_EMAIL / ADMIN_PASSWORD exists with that password. */
    async ensureAdmin(email: string, password: string) {
      const existing = await q.findUserByEmail(db, email);
      if (existing) {
        const same = await verifyPassword(password, existing.passwordHash);
        await q.makeAdmin(db, existing.id, same ? undefined : await hashPassword(password, passwordCost));
        return existing.id;
      }
      const created = await q.insertUser(db, { email, passwordHash: await hashPassword(password, passwordCost), displayName: 'Administrator', isAdmin: true, emailVerified: true });
      return created!.id;
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
