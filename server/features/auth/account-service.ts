// The account itself: profile (name, handle, bio, "what I can help with"), password and email changes, email
// verification, password reset by mail, signing out everywhere. Tokens are mailed through the mail queue; only
// their hashes are kept and each works once.
import type { Db, DbOrTx } from '../../db/client.js';
import { conflict, invalid, unauthorized } from '../../errors.js';
import { enqueueMail } from '../../mail/queue.js';
import { authorize, type Actor } from '../../policy/policy.js';
import { accountMail } from './account-mail.js';
import * as q from './account-queries.js';
import { hashToken, newToken } from '../../tokens.js';
import { hashPassword, verifyPassword } from './tokens.js';

const HOUR = 60 * 60_000;
/** Reset mails per account and hour: enough for a member who lost one, not a mail bomb. */
const RESETS_PER_HOUR = 3;

export interface ProfileChanges {
  displayName?: string | undefined;
  handle?: string | undefined;
  bio?: string | undefined;
  expertise?: string | undefined;
}

export function createAccountService({
  db,
  publicUrl,
  passwordCost,
  mail,
}: {
  db: Db;
  publicUrl: string;
  passwordCost?: number | undefined;
  /** Wakes the mail worker so an account mail leaves at once. */
  mail: { poke(): void };
}) {
  const mails = accountMail(publicUrl);

  async function issueToken(tx: DbOrTx, userId: string, purpose: q.TokenPurpose, ttlMs: number, newEmail?: string) {
    const token = newToken();
    await q.insertToken(tx, { userId, purpose, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + ttlMs), ...(newEmail ? { newEmail } : {}) });
    return token;
  }

  async function requireAccount(actor: Actor | null) {
    const me = authorize(actor, 'account.manage');
    const account = await q.findAccount(db, me.id);
    if (!account) throw unauthorized();
    return account;
  }

  async function checkPassword(password: string, hash: string) {
    if (!(await verifyPassword(password, hash))) throw invalid('currentPassword', 'Your current password is not right.', 'wrong_password');
  }

  return {
    /** At registration, inside its transaction: the address gets a link to confirm it (7 days). */
    async queueVerification(tx: DbOrTx, user: { id: string; email: string; displayName: string }) {
      const token = await issueToken(tx, user.id, 'verify_email', 7 * 24 * HOUR);
      await enqueueMail(tx, { kind: 'verify_email', to: user.email, userId: user.id, message: mails.verifyEmail(user.displayName, token) });
    },

    /** Call after the registration committed. */
    mailQueued: () => mail.poke(),

    async updateProfile(actor: Actor | null, changes: ProfileChanges) {
      const account = await requireAccount(actor);
      if (changes.displayName !== undefined && changes.displayName.trim() === '') {
        throw invalid('displayName', 'displayName must not be blank.', 'empty_text');
      }
      const handle = changes.handle?.toLowerCase();
      if (handle !== undefined && handle !== account.handle && (await q.handleTaken(db, handle, account.id))) {
        throw conflict('handle_taken', `@${handle} is taken; choose another handle.`, { field: 'handle' });
      }
      await q
        .updateProfile(db, account.id, {
          ...(changes.displayName !== undefined ? { displayName: changes.displayName } : {}),
          ...(handle !== undefined ? { handle } : {}),
          ...(changes.bio !== undefined ? { bio: changes.bio } : {}),
          ...(changes.expertise !== undefined ? { expertise: changes.expertise } : {}),
        })
        .catch((err: unknown) => {
          // Two members taking the same free handle at once: the unique index decides.
          if ((err as { code?: string }).code === '23505') throw conflict('handle_taken', `@${handle} is taken; choose another handle.`, { field: 'handle' });
          throw err;
        });
    },

    /** Needs the current password; every other session of the account ends. */
    async changePassword(actor: Actor | null, sessionId: string | null, input: { currentPassword: string; newPassword: string }) {
      const account = await requireAccount(actor);
      await checkPassword(input.currentPassword, account.passwordHash);
      const hash = await hashPassword(input.newPassword, passwordCost);
      await db.transaction(async (tx) => {
        await q.setPasswordHash(tx, account.id, hash);
        await q.endSessionsOf(tx, account.id, sessionId ?? undefined);
      });
      return { userId: account.id };
    },

    /** Needs the current password; the new address gets a link (24 hours) and becomes the account's once followed. */
    async requestEmailChange(actor: Actor | null, input: { email: string; currentPassword: string }) {
      const account = await requireAccount(actor);
      await checkPassword(input.currentPassword, account.passwordHash);
      const email = input.email.trim().toLowerCase();
      if (email === account.email) throw invalid('email', 'This is already your address.', 'same_email');
      if (await q.emailTaken(db, email)) throw conflict('email_taken', 'An account with this email already exists.', { field: 'email' });
      await db.transaction(async (tx) => {
        const token = await issueToken(tx, account.id, 'change_email', 24 * HOUR, email);
        await enqueueMail(tx, { kind: 'change_email', to: email, userId: account.id, message: mails.changeEmail(account.displayName, token) });
      });
      mail.poke();
    },

    /** Answers the same whether or not the address has an account (the route says 202 either way). */
    async requestPasswordReset(emailInput: string) {
      const email = emailInput.trim().toLowerCase();
      const account = await db.transaction(async (tx) => {
        const found = await q.findAccountByEmail(tx, email);
        if (!found || found.suspendedAt) return null;
        if ((await q.countTokensSince(tx, found.id, 'password_reset', new Date(Date.now() - HOUR))) >= RESETS_PER_HOUR) return null;
        const token = await issueToken(tx, found.id, 'password_reset', HOUR);
        await enqueueMail(tx, { kind: 'password_reset', to: found.email, userId: found.id, message: mails.passwordReset(found.displayName, token) });
        return found;
      });
      if (account) mail.poke();
    },

    /** A valid, unused, unexpired reset token sets the password and ends every session of the account. */
    async confirmPasswordReset(input: { token: string; password: string }) {
      const hash = await hashPassword(input.password, passwordCost);
      return db.transaction(async (tx) => {
        const used = await q.consumeToken(tx, hashToken(input.token), ['password_reset']);
        if (!used) throw invalid('token', 'This reset link is used, expired or not valid: ask for a new one.', 'invalid_token');
        await q.setPasswordHash(tx, used.userId, hash);
        await q.retireTokens(tx, used.userId, 'password_reset');
        await q.endSessionsOf(tx, used.userId);
        return { userId: used.userId };
      });
    },

    /** Confirms an address: the one given at registration, or a new one asked for in the account settings. */
    async verifyEmail(token: string) {
      return db.transaction(async (tx) => {
        const used = await q.consumeToken(tx, hashToken(token), ['verify_email', 'change_email']);
        if (!used) throw invalid('token', 'This confirmation link is used, expired or not valid.', 'invalid_token');
        if (used.purpose === 'change_email' && used.newEmail) {
          if (await q.emailTaken(tx, used.newEmail)) throw conflict('email_taken', 'An account with this email already exists.', { field: 'email' });
          await q.setEmail(tx, used.userId, used.newEmail);
        } else {
          await q.markEmailVerified(tx, used.userId);
        }
        const account = await q.findAccount(tx, used.userId);
        return { email: account!.email, emailVerified: true };
      });
    },

    async signOutEverywhere(actor: Actor | null) {
      const account = await requireAccount(actor);
      await q.endSessionsOf(db, account.id);
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
