import { and, asc, eq, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { communities, invites, memberships, users } from '../../db/schema.js';
import type { CommunityRole } from '../../policy/policy.js';
import { activeSuspension, activeSuspensionReason, activeSuspensionUntil, communityColumns } from '../../domain/community-access.js';


const memberCount = sql<number>`(select count(*)::int from ${memberships} m where m.community_id = ${communities.id} and m.removed_at is null)`;

/** Communities the user belongs to, plus open ones. */
export async function listVisibleCommunities(db: DbOrTx, userId: string, isAdmin: boolean) {
  const mine = sql`exists (select 1 from ${memberships} m where m.community_id = ${communities.id} and m.user_id = ${userId} and m.removed_at is null)`;
  return db
    .select({
      ...communityColumns,
      memberCount,
      myRoles: sql<CommunityRole[] | null>`(select m.roles from ${memberships} m where m.community_id = ${communities.id} and m.user_id = ${userId} and m.removed_at is null)`,
    })
    .from(communities)
    .where(isAdmin ? undefined : or(eq(communities.joinPolicy, 'open'), mine))
    .orderBy(asc(communities.name));
}

export async function countMembers(db: DbOrTx, communityId: string) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.communityId, communityId), isNull(memberships.removedAt)));
  return row?.n ?? 0;
}

export async function insertCommunity(db: DbOrTx, values: typeof communities.$inferInsert) {
  const [row] = await db.insert(communities).values(values).onConflictDoNothing({ target: communities.slug }).returning(communityColumns);
  return row ?? null;
}

/** Adds a member, or re-activates a removed membership (keeping its history row). */
export async function upsertMembership(db: DbOrTx, communityId: string, userId: string, roles: CommunityRole[]) {
  await db
    .insert(memberships)
    .values({ communityId, userId, roles })
    .onConflictDoUpdate({
      target: [memberships.communityId, memberships.userId],
      // An invite never takes roles away from an existing member.
      set: {
        roles: sql`array(select distinct unnest(${memberships.roles} || excluded.roles) order by 1)`,
        removedAt: null,
      },
    });
}

export async function membershipsOfUser(db: DbOrTx, userId: string) {
  return db
    .select({
      communityId: communities.id,
      slug: communities.slug,
      name: communities.name,
      roles: memberships.roles,
      suspended: activeSuspension(memberships.communityId, memberships.userId),
      suspensionReason: activeSuspensionReason(memberships.communityId, memberships.userId),
      suspensionUntil: activeSuspensionUntil(memberships.communityId, memberships.userId),
    })
    .from(memberships)
    .innerJoin(communities, eq(communities.id, memberships.communityId))
    .where(and(eq(memberships.userId, userId), isNull(memberships.removedAt)))
    .orderBy(asc(communities.name));
}

const selectMembers = (db: DbOrTx, where: SQL | undefined) =>
  db
    .select({
      userId: users.id,
      displayName: users.displayName,
      handle: users.handle,
      email: users.email,
      roles: memberships.roles,
      joinedAt: memberships.joinedAt,
      suspended: activeSuspension(memberships.communityId, memberships.userId),
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(where);

export async function listMembers(db: DbOrTx, communityId: string) {
  return selectMembers(db, and(eq(memberships.communityId, communityId), isNull(memberships.removedAt))).orderBy(asc(users.displayName));
}

export type MemberRow = Awaited<ReturnType<typeof listMembers>>[number];

/** One current member, as listMembers shows them (null: not a member). */
export async function findMember(db: DbOrTx, communityId: string, userId: string) {
  const [row] = await selectMembers(db, and(eq(memberships.communityId, communityId), eq(memberships.userId, userId), isNull(memberships.removedAt))).limit(1);
  return row ?? null;
}

export async function setMemberRoles(db: DbOrTx, communityId: string, userId: string, roles: CommunityRole[]) {
  const rows = await db
    .update(memberships)
    .set({ roles })
    .where(and(eq(memberships.communityId, communityId), eq(memberships.userId, userId), isNull(memberships.removedAt)))
    .returning({ userId: memberships.userId });
  return rows.length > 0;
}

export async function markMembershipRemoved(db: DbOrTx, communityId: string, userId: string) {
  const rows = await db
    .update(memberships)
    .set({ removedAt: sql`now()` })
    .where(and(eq(memberships.communityId, communityId), eq(memberships.userId, userId), isNull(memberships.removedAt)))
    .returning({ userId: memberships.userId });
  return rows.length > 0;
}

export async function insertInvite(db: DbOrTx, values: typeof invites.$inferInsert) {
  const [row] = await db.insert(invites).values(values).returning({ id: invites.id, expiresAt: invites.expiresAt });
  return row!;
}

/** Locks the invite row so two accepts of one token cannot both succeed. */
export async function findUsableInviteForUpdate(db: DbOrTx, tokenHash: string) {
  const [row] = await db
    .select({ id: invites.id, communityId: invites.communityId, roles: invites.roles, email: invites.email })
    .from(invites)
    .where(and(
        eq(invites.tokenHash, tokenHash),
        // An invite for one email, or one that grants roles, works once; a plain member link works for
        // anyone until it expires (a role must not pass to whoever the link is forwarded to).
        or(isNull(invites.acceptedAt), and(isNull(invites.email), sql`cardinality(${invites.roles}) = 0`)),
        gt(invites.expiresAt, sql`now()`),
      ),)
    .for('update')
    .limit(1);
  return row ?? null;
}

export async function markInviteAccepted(db: DbOrTx, inviteId: string, userId: string) {
  await db.update(invites).set({ acceptedBy: userId, acceptedAt: sql`now()` }).where(eq(invites.id, inviteId));
}
