// The access checks of the hot read paths (topic page, its posts, the topic list) in ONE statement each:
// the topic (or community), the community row, the actor's membership with its suspension, the live
// cursor, and whatever the caller adds (`extras`, SQL evaluated on the same row). The policy decision
// is then the same as requireTopic's / requireCommunity's: only the number of round trips changes.
import { and, eq, isNull, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { preparedSelect } from '../db/prepared-select.js';
import { communities, memberships, posts, prompts, topics, users } from '../db/schema.js';
import { notFound } from '../errors.js';
import { authorize, type Action, type Actor, type CommunityRole, type MembershipContext } from '../policy/policy.js';
import { isUuid } from '../../shared/schemas/common.js';
import { activeSuspension, communityColumns, requireCommunity, type CommunityAccess, type CommunityRow } from './community-access.js';
import { coreFields, requireTopic, topicAccess, type TopicAccess, type TopicCore } from './topic-access.js';
import { liveCursorSql } from './outbox.js';

type Extras = Record<string, SQL | Record<string, unknown>>;
type ExtraValues<E extends Extras> = { [K in keyof E]: E[K] extends SQL<infer T> ? T : unknown };

const membershipOf = (row: { roles: string[] | null; suspended: boolean | null }): MembershipContext | null =>
  row.roles === null ? null : { roles: row.roles as CommunityRole[], suspended: row.suspended === true };

/**
 * For an access statement's extras: the actor has a membership of the community and is not one of its
 * moderators, the one viewer for whom the statements read a first page ahead. Moderators see held posts and
 * topics; admins may have no membership row or a plain one, so the caller tells them apart and must not use
 * the page for them.
 */
export const memberNotModeratorSql = sql`(${memberships.roles} is not null and not ('moderator' = any(${memberships.roles})))`;

/**
 * The prompts of the topic `topicId` that `viewerId` posted to, any status (withdrawing does not re-hide), as
 * text ids: one probe of posts_author_prompt_idx per prompt of the topic. (Reading the viewer's prompt replies
 * in the topic and keeping the distinct prompts grew with how much they wrote there: 5,000 index entries, about
 * 1 ms, for a core member of a 100,000-post topic.)
 */
export const answeredPromptsSql = (topicId: SQLWrapper, viewerId: SQLWrapper | string) =>
  sql<string[]>`array(select pr.id::text from ${prompts} pr where pr.topic_id = ${topicId}
    and exists (select 1 from ${posts} p where p.author_id = ${viewerId} and p.prompt_id = pr.id))`;

/** The actor's id as the statements' `actorId` parameter (no one's for an anonymous request). */
const actorIdOf = (actor: Actor | null) => actor?.id ?? '00000000-0000-0000-0000-000000000000';

const joinMembership = (communityId: typeof topics.communityId | typeof communities.id) =>
  and(eq(memberships.communityId, communityId), eq(memberships.userId, sql.placeholder('actorId')), isNull(memberships.removedAt));

/**
 * The statements below are prepared once per database handle and caller (`name`): drizzle builds their SQL
 * once, and PostgreSQL plans each once per connection (named statements) instead of on every request.
 */
const preparedByDb = new WeakMap<Db, Map<string, { execute(params: Record<string, unknown>): Promise<unknown[]> }>>();
function preparedOnce(db: Db, name: string, build: () => { execute(params: Record<string, unknown>): Promise<unknown[]> }) {
  let forDb = preparedByDb.get(db);
  if (!forDb) preparedByDb.set(db, (forDb = new Map()));
  let query = forDb.get(name);
  if (!query) forDb.set(name, (query = build()));
  return query;
}

/** requireTopic in one statement, with the live cursor and the caller's `extras` (null when the id is no uuid). */
export async function requireTopicForRead<E extends Extras>(
  db: Db,
  actor: Actor | null,
  topicId: string,
  action: Action,
  /** Names the caller's statement (one per set of extras; extras take `actorId` as sql.placeholder). */
  name: string,
  extras: E,
  /** Values of the extras' other placeholders. */
  params: Record<string, unknown> = {},
): Promise<{ access: TopicAccess; liveCursor: number; extra: ExtraValues<E> | null }> {
  return topicInOneStatement(db, actor, topicId, action, `read_topic_${name}`, { liveCursor: liveCursorSql(sql`${topics.communityId}`), ...extras }, params);
}

/**
 * requireTopic in one statement for a write (no live cursor), with what the write needs to know beforehand
 * (`extras`). Read before the write's transaction, so nothing here may stand in for a check under a lock.
 */
export async function requireTopicForWrite<E extends Extras>(
  db: Db,
  actor: Actor | null,
  topicId: string,
  action: Action,
  name: string,
  extras: E,
  params: Record<string, unknown> = {},
): Promise<{ access: TopicAccess; extra: ExtraValues<E> | null }> {
  return topicInOneStatement(db, actor, topicId, action, `write_topic_${name}`, extras, params);
}

async function topicInOneStatement<E extends Extras>(
  db: Db,
  actor: Actor | null,
  topicId: string,
  action: Action,
  name: string,
  extras: E,
  params: Record<string, unknown>,
): Promise<{ access: TopicAccess; liveCursor: number; extra: ExtraValues<E> | null }> {
  // Not a uuid: the ordinary path answers it (404 or 401) as before.
  if (!isUuid(topicId)) return { access: await requireTopic(db, actor, topicId, action), liveCursor: 0, extra: null };
  const query = preparedOnce(db, name, () =>
    preparedSelect(
      db,
      db
        .select({
          topic: coreFields,
          community: communityColumns,
          roles: memberships.roles,
          suspended: activeSuspension(memberships.communityId, memberships.userId),
          ...(extras as Record<string, SQL>),
        })
        .from(topics)
        .innerJoin(communities, eq(communities.id, topics.communityId))
        .innerJoin(users, eq(users.id, topics.authorId)) // the topic's author, for extras that show it
        .leftJoin(memberships, joinMembership(topics.communityId))
        .where(eq(topics.id, sql.placeholder('topicId')))
        .limit(1),
      name,
    ),
  );
  const [row] = (await query.execute({ ...params, topicId, actorId: actorIdOf(actor) })) as Array<Record<string, unknown>>;
  if (!row) {
    authorize(actor, 'community.read', {}); // anonymous: 401 rather than 404
    throw notFound('Topic');
  }
  const r = row as unknown as { topic: TopicCore; community: CommunityRow; roles: string[] | null; suspended: boolean | null; liveCursor?: string | null };
  const community = { community: r.community, membership: membershipOf(r) } satisfies CommunityAccess;
  const signedIn = authorize(actor, 'topics.list', community);
  const access = topicAccess({ ...community, actor: signedIn }, r.topic, action);
  return { access, liveCursor: Number(r.liveCursor ?? 0), extra: row as unknown as ExtraValues<E> };
}

/**
 * requireCommunity in one statement, with the community's live cursor and, when the caller names a statement,
 * its `extras` (SQL evaluated on the community's row; `actorId` is a placeholder they may use).
 */
export async function requireCommunityForRead<E extends Extras = Record<never, never>>(
  db: Db,
  actor: Actor | null,
  communityId: string,
  action: Action,
  statement?: { name: string; extras: E; params?: Record<string, unknown> },
): Promise<{ access: CommunityAccess & { actor: Actor }; liveCursor: number; extra: ExtraValues<E> | null }> {
  if (!isUuid(communityId)) return { access: await requireCommunity(db, actor, communityId, action), liveCursor: 0, extra: null };
  const name = statement ? `read_community_${statement.name}` : 'read_community';
  const query = preparedOnce(db, name, () =>
    preparedSelect(
      db,
      db
        .select({
          community: communityColumns,
          roles: memberships.roles,
          suspended: activeSuspension(memberships.communityId, memberships.userId),
          liveCursor: liveCursorSql(sql`${communities.id}`),
          ...((statement?.extras ?? {}) as Record<string, SQL>),
        })
        .from(communities)
        .leftJoin(memberships, joinMembership(communities.id))
        .where(eq(communities.id, sql.placeholder('communityId')))
        .limit(1),
      name,
    ),
  );
  const [row] = (await query.execute({ ...statement?.params, communityId, actorId: actorIdOf(actor) })) as Array<{
    community: CommunityRow;
    roles: string[] | null;
    suspended: boolean | null;
    liveCursor: string | null;
  }>;
  if (!row) {
    authorize(actor, 'community.read', {}); // anonymous still gets 401 rather than 404
    throw notFound('Community');
  }
  const membership = membershipOf(row);
  const signedIn = authorize(actor, action, { community: row.community, membership });
  return {
    access: { community: row.community, membership, actor: signedIn },
    liveCursor: Number(row.liveCursor ?? 0),
    extra: statement ? (row as unknown as ExtraValues<E>) : null,
  };
}

/**
 * Extras for requireTopicForRead: what hiddenPromptIds needs of the topic's prompts, and the prompts the
 * viewer posted to (any status: withdrawing does not re-hide), read only when a prompt is answer-first.
 */
export const promptVisibilityExtras = () => ({
  promptRules: sql<Array<{ id: string; releaseAt: string | null; answerFirst: boolean }>>`(select coalesce(json_agg(json_build_object(
      'id', pr.id, 'releaseAt', pr.release_at, 'answerFirst', pr.answer_first)), '[]'::json) from ${prompts} pr where pr.topic_id = ${topics.id})`,
  answered: sql<string[]>`case when exists (select 1 from ${prompts} pr where pr.topic_id = ${topics.id} and pr.answer_first)
    then ${answeredPromptsSql(topics.id, sql.placeholder('actorId'))}
    else '{}'::text[] end`,
});

/** The values of promptVisibilityExtras, as hiddenPromptIds takes them. */
export function promptVisibility(extra: { promptRules: Array<{ id: string; releaseAt: string | null; answerFirst: boolean }>; answered: string[] }) {
  return {
    prompts: extra.promptRules.map((p) => ({ id: p.id, answerFirst: p.answerFirst, releaseAt: p.releaseAt === null ? null : new Date(p.releaseAt) })),
    answered: new Set(extra.answered),
  };
}
