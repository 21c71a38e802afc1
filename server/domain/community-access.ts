// Who may do what in a community: the community row, the actor's membership (with an active suspension)
// and the policy check every feature starts from. Owns the SQL of those lookups.
import { and, Column, eq, getTableName, is, isNull, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { communities, memberships, suspensions } from '../db/schema.js';
import { notFound } from '../errors.js';
import { authorize, type Action, type Actor, type CommunityRole, type MembershipContext } from '../policy/policy.js';

/**
 * A column written with its table name. Drizzle renders a column unqualified inside a single-table
 * select, and unqualified `"community_id"` inside the subquery below would mean the suspension's own
 * column (then any suspension anywhere looked like a suspension of every member).
 */
const qualified = (value: unknown) =>
  is(value, Column) ? sql`${sql.identifier(getTableName(value.table))}.${sql.identifier(value.name)}` : sql`${value}`;

/** SQL: the suspension row (of table or alias `s`) is in force now: not lifted, and open-ended or not over yet. */
const inForce = (s: SQL) => sql`${s}.lifted_at is null and (${s}.until is null or ${s}.until > now())`;

/** SQL, in a query of the suspensions table: the row is an active suspension. */
export const suspensionInForce = inForce(sql`${suspensions}`);

/** SQL: is there an active suspension of (community, user) right now? */
export const activeSuspension = (communityId: unknown, userId: unknown) => sql<boolean>`exists (
  select 1 from ${suspensions} s
  where s.community_id = ${qualified(communityId)} and s.user_id = ${qualified(userId)} and ${inForce(sql.raw('s'))})`;

/** SQL: a field of the newest active suspension of (community, user), or null (what the member is told). */
const suspensionField = (field: SQL, communityId: unknown, userId: unknown) => sql`(
  select ${field} from ${suspensions} s
  where s.community_id = ${qualified(communityId)} and s.user_id = ${qualified(userId)} and ${inForce(sql.raw('s'))}
  order by s.created_at desc limit 1)`;
export const activeSuspensionReason = (communityId: unknown, userId: unknown) => suspensionField(sql.raw('s.reason'), communityId, userId) as SQL<string | null>;
/** ISO 8601 in UTC, or null (no suspension, or one until lifted). */
export const activeSuspensionUntil = (communityId: unknown, userId: unknown) =>
  suspensionField(sql.raw(`to_char(s.until at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`), communityId, userId) as SQL<string | null>;

export const communityColumns = {
  id: communities.id,
  slug: communities.slug,
  name: communities.name,
  description: communities.description,
  joinPolicy: communities.joinPolicy,
  createdAt: communities.createdAt,
  autoHideThreshold: communities.autoHideThreshold,
  premodNewMemberPosts: communities.premodNewMemberPosts,
};

export async function findCommunity(db: DbOrTx, id: string) {
  const [row] = await db.select(communityColumns).from(communities).where(eq(communities.id, id)).limit(1);
  return row ?? null;
}

export type CommunityRow = NonNullable<Awaited<ReturnType<typeof findCommunity>>>;

export async function findMembership(db: DbOrTx, communityId: string, userId: string): Promise<MembershipContext | null> {
  const [row] = await db
    .select({
      roles: memberships.roles,
      suspended: activeSuspension(memberships.communityId, memberships.userId),
    })
    .from(memberships)
    .where(and(eq(memberships.communityId, communityId), eq(memberships.userId, userId), isNull(memberships.removedAt)))
    .limit(1);
  return row ? { roles: row.roles as CommunityRole[], suspended: row.suspended } : null;
}

export type CommunityAccess = {
  community: CommunityRow;
  membership: MembershipContext | null;
};

/** Loads a community and the actor's membership, and checks `action` against the policy. */
export async function requireCommunity(db: DbOrTx, actor: Actor | null, communityId: string, action: Action): Promise<CommunityAccess & { actor: Actor }> {
  const community = await findCommunity(db, communityId);
  if (!community) {
    authorize(actor, 'community.read', {}); // anonymous still gets 401 rather than 404
    throw notFound('Community');
  }
  const membership = actor ? await findMembership(db, communityId, actor.id) : null;
  const signedIn = authorize(actor, action, { community, membership });
  return { community, membership, actor: signedIn };
}
