import { and, eq, gt, inArray, isNull, sql, lt } from 'drizzle-orm';
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
      handle: users.handle,
      isAdmin: users.isAdmin,
      passwordHash: users.passwordHash,
      suspendedAt: users.suspendedAt,
    })
    .from(users)
    .where(eq(users.email, email))
    .limit(1);
  return row ?? null;
}

export async function insertUser(
  db: DbOrTx,
  values: { email: string; passwordHash: string; displayName: string; isAdmin?: boolean; emailVerified?: boolean },
) {
  const { emailVerified, ...columns } = values;
  const [row] = await db
    .insert(users)
    .values({ ...columns, ...(emailVerified ? { emailVerifiedAt: sql`now()` } : {}) })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id, email: users.email, displayName: users.displayName, handle: users.handle, isAdmin: users.isAdmin });
  return row ?? null;
}

export async function insertSession(db: DbOrTx, values: { userId: string; tokenHash: string; expiresAt: Date }) {
  const [row] = await db.insert(sessions).values(values).returning({ id: sessions.id });
  return row!;
}

export async function endSession(db: DbOrTx, sessionId: string) {
  await db.update(sessions).set({ endedAt: sql`now()` }).where(and(eq(sessions.id, sessionId), isNull(sessions.endedAt)));
}

/** One row per counter a sign-in attempt feeds; the ids let a successful or refused attempt take them back. */
export async function insertFailures(db: DbOrTx, keys: string[]): Promise<number[]> {
  if (keys.length === 0) return [];
  const rows = await db.insert(loginFailures).values(keys.map((key) => ({ key }))).returning({ id: loginFailures.id });
  return rows.map((r) => r.id);
}

export async function deleteFailures(db: DbOrTx, ids: number[]) {
  if (ids.length > 0) await db.delete(loginFailures).where(inArray(loginFailures.id, ids));
}

/**
 * For each counter holding more than `maxFailures` rows within its window (database time), the seconds
 * until the newest `maxFailures` of them no longer fill it: the (maxFailures+1)-th newest row's age-out.
 * Counters under their limit return nothing.
 */
export async function countersOverLimit(
  db: DbOrTx,
  counters: Array<{ key: string; maxFailures: number; windowMs: number }>,
): Promise<Array<{ key: string; waitSeconds: number }>> {
  if (counters.length === 0) return [];
  const values = sql.join(
    counters.map((c) => sql`(${c.key}::text, ${c.maxFailures}::int, ${c.windowMs}::bigint * interval '1 millisecond')`),
    sql`, `,
  );
  const result = (await db.execute(sql`
    select k.key, extract(epoch from (f.at + k.w - now()))::float8 as wait
    from (values ${values}) as k(key, m, w)
    cross join lateral (
      select ${loginFailures.at} as at from ${loginFailures}
      where ${loginFailures.key} = k.key and ${loginFailures.at} > now() - k.w
      order by ${loginFailures.at} desc offset k.m limit 1
    ) f`)) as unknown as { rows: Array<{ key: string; wait: number | string }> };
  return result.rows.map((r) => ({ key: r.key, waitSeconds: Number(r.wait) }));
}

/** Failures older than every window no longer matter; they are counters, not member content. */
export async function pruneFailures(db: DbOrTx, olderThanMs: number) {
  await db.delete(loginFailures).where(lt(loginFailures.at, sql`now() - ${olderThanMs}::bigint * interval '1 millisecond'`));
}

export async function makeAdmin(db: DbOrTx, userId: string, newPasswordHash?: string) {
  await db
    .update(users)
    .set({ isAdmin: true, ...(newPasswordHash ? { passwordHash: newPasswordHash } : {}) })
    .where(eq(users.id, userId));
}
