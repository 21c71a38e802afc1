import { and, eq, gt, isNull, sql, count, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { loginFailures, sessions, users } from '../../db/schema.js';
import type { Actor } from '../../policy/policy.js';

export async function findSessionActor(
  db: DbOrTx,
  tokenHash: string,
): Promise<{ actor: Actor; sessionId: string; expiresAt: Date } | null> {
  const [row] = await db
    .select({ sessionId: sessions.id, expiresAt: sessions.expiresAt, id: users.id, isAdmin: users.isAdmin, displayName: users.displayName })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(eq(sessions.tokenHash, tokenHash), isNull(sessions.endedAt), gt(sessions.expiresAt, sql`now()`), isNull(users.suspendedAt)),
    )
    .limit(1);
  if (!row) return null;
  return {
    sessionId: row.sessionId,
    expiresAt: new Date(row.expiresAt),
    actor: { id: row.id, isAdmin: row.isAdmin, displayName: row.displayName },
  };
}

export async function findUserByEmail(db: DbOrTx, email: string) {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      isAdmin: users.isAdmin,
      passwordHash: users.passwordHash,
      suspendedAt: users.suspendedAt,
    })
    .from(users)
    .where(eq(users.email, email))
    .limit(1);
  return row ?? null;
}

export async function findUserById(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ id: users.id, email: users.email, displayName: users.displayName, isAdmin: users.isAdmin })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return row ?? null;
}

export async function insertUser(
  db: DbOrTx,
  values: { email: string; passwordHash: string; displayName: string; isAdmin?: boolean },
) {
  const [row] = await db
    .insert(users)
    .values(values)
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id, email: users.email, displayName: users.displayName, isAdmin: users.isAdmin });
  return row ?? null;
}

export async function insertSession(db: DbOrTx, values: { userId: string; tokenHash: string; expiresAt: Date }) {
  const [row] = await db.insert(sessions).values(values).returning({ id: sessions.id });
  return row!;
}

export async function endSession(db: DbOrTx, sessionId: string) {
  await db.update(sessions).set({ endedAt: sql`now()` }).where(and(eq(sessions.id, sessionId), isNull(sessions.endedAt)));
}

export async function countRecentFailures(db: DbOrTx, key: string, since: Date) {
  const [row] = await db
    .select({ n: count(), oldest: sql<string | null>`min(${loginFailures.at})` })
    .from(loginFailures)
    .where(and(eq(loginFailures.key, key), gt(loginFailures.at, since)));
  return { count: Number(row?.n ?? 0), oldest: row?.oldest ? new Date(row.oldest) : null };
}

export async function recordFailures(db: DbOrTx, keys: string[]) {
  await db.insert(loginFailures).values(keys.map((key) => ({ key })));
}

/** Failures older than the window no longer matter; they are counters, not member content. */
export async function pruneFailures(db: DbOrTx, before: Date) {
  await db.delete(loginFailures).where(lt(loginFailures.at, before));
}

export async function makeAdmin(db: DbOrTx, userId: string, newPasswordHash?: string) {
  await db
    .update(users)
    .set({ isAdmin: true, ...(newPasswordHash ? { passwordHash: newPasswordHash } : {}) })
    .where(eq(users.id, userId));
}
