// SQL for the account itself: profile fields, password, email, verification and the mailed single-use tokens.
import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { accountTokens, sessions, users } from '../../db/schema.js';

export type TokenPurpose = 'password_reset' | 'verify_email' | 'change_email';

export async function findAccount(db: DbOrTx, userId: string) {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      handle: users.handle,
      bio: users.bio,
      expertise: users.expertise,
      emailVerifiedAt: users.emailVerifiedAt,
      isAdmin: users.isAdmin,
      passwordHash: users.passwordHash,
      suspendedAt: users.suspendedAt,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row ?? null;
}

export async function handleTaken(db: DbOrTx, handle: string, exceptUserId: string) {
  const [row] = await db.select({ id: users.id }).from(users).where(and(eq(users.handle, handle), ne(users.id, exceptUserId))).limit(1);
  return !!row;
}

export async function emailTaken(db: DbOrTx, email: string) {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  return !!row;
}

export async function updateProfile(
  db: DbOrTx,
  userId: string,
  values: Partial<{ displayName: string; handle: string; bio: string; expertise: string }>,
) {
  if (Object.keys(values).length > 0) await db.update(users).set(values).where(eq(users.id, userId));
}

export async function setPasswordHash(db: DbOrTx, userId: string, passwordHash: string) {
  await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

export async function setEmail(db: DbOrTx, userId: string, email: string) {
  await db.update(users).set({ email, emailVerifiedAt: sql`now()` }).where(eq(users.id, userId));
}

export async function markEmailVerified(db: DbOrTx, userId: string) {
  await db.update(users).set({ emailVerifiedAt: sql`now()` }).where(and(eq(users.id, userId), isNull(users.emailVerifiedAt)));
}

/** Ends every open session of the account but `keepSessionId` (the session cache and live sockets follow by trigger). */
export async function endSessionsOf(db: DbOrTx, userId: string, keepSessionId?: string) {
  await db
    .update(sessions)
    .set({ endedAt: sql`now()` })
    .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt), ...(keepSessionId ? [ne(sessions.id, keepSessionId)] : [])));
}

export async function insertToken(
  db: DbOrTx,
  values: { userId: string; purpose: TokenPurpose; tokenHash: string; expiresAt: Date; newEmail?: string },
) {
  await db.insert(accountTokens).values(values);
}

/** How many tokens of this purpose the account was sent since `since` (to cap reset mails). */
export async function countTokensSince(db: DbOrTx, userId: string, purpose: TokenPurpose, since: Date) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(accountTokens)
    .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose), gt(accountTokens.createdAt, since)));
  return Number(row?.n ?? 0);
}

/** Uses a token once: stamps it used and returns it, or null when it is unknown, used, expired or for another purpose. */
export async function consumeToken(db: DbOrTx, tokenHash: string, purposes: TokenPurpose[]) {
  const [row] = await db
    .update(accountTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(accountTokens.tokenHash, tokenHash),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, sql`now()`),
        sql`${accountTokens.purpose} in ${purposes}`,
      ),
    )
    .returning({ userId: accountTokens.userId, purpose: accountTokens.purpose, newEmail: accountTokens.newEmail });
  return row ?? null;
}

/** A completed reset makes the account's other reset links useless too. */
export async function retireTokens(db: DbOrTx, userId: string, purpose: TokenPurpose) {
  await db
    .update(accountTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt)));
}

export async function findAccountByEmail(db: DbOrTx, email: string) {
  const [row] = await db
    .select({ id: users.id, email: users.email, displayName: users.displayName, suspendedAt: users.suspendedAt })
    .from(users)
    .where(eq(users.email, email))
    .limit(1);
  return row ?? null;
}
