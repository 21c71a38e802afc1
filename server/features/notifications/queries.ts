// SQL of the notifications feature: the notifier's cursors and facts, the notifications themselves, watches.
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { namedRows, selectRows, sqlArray, uuidArray, type DbOrTx } from '../../db/client.js';
import { notifications, notifierCursors, users, watches } from '../../db/schema.js';
import { NOTIFICATIONS_CHANNEL } from '../../../shared/schemas/live.js';
import type { WatchLevel } from './levels.js';


// ---- the notifier's reading position -------------------------------------------------------------------

/** Communities with events the notifier has not read, locked for this transaction (another process skips them). */
export async function claimCommunitiesWithNews(db: DbOrTx, limit: number) {
  // A community created since the last tick starts at 0: it has no older events.
  await db.execute(sql`insert into notifier_cursors (community_id, last_event_id) select id, 0 from communities on conflict do nothing`);
  return selectRows<{ community_id: string; last_event_id: number }>(
    db,
    sql`select c.community_id, c.last_event_id::float8 as last_event_id from notifier_cursors c
        where exists (select 1 from events e where e.community_id = c.community_id and e.position > c.last_event_id)
        limit ${limit} for update skip locked`,
  );
}

export interface StoredEvent {
  id: number;
  topic_id: string | null;
  name: string;
  data: Record<string, unknown>;
}

export async function eventsAfter(db: DbOrTx, communityId: string, afterId: number, limit: number) {
  return selectRows<StoredEvent>(
    db,
    sql`select position::float8 as id, topic_id, name, data from events where community_id = ${communityId} and position > ${afterId} order by position limit ${limit}`,
  );
}

export async function advanceCursor(db: DbOrTx, communityId: string, lastEventId: number) {
  await db.update(notifierCursors).set({ lastEventId }).where(eq(notifierCursors.communityId, communityId));
}

// ---- facts the rules need ------------------------------------------------------------------------------

export interface TopicFacts {
  id: string;
  community_id: string;
  author_id: string;
  kind: 'cpd' | 'problem';
  title: string;
  visible: boolean; // published and open
  solution_post_id: string | null;
  moderation_reason: string | null;
  facilitator_ids: string[];
}

export async function topicFacts(db: DbOrTx, topicId: string) {
  return (await topicFactsMany(db, [topicId])).get(topicId) ?? null;
}

/** The facts of several topics in one statement, by id. */
export async function topicFactsMany(db: DbOrTx, topicIds: readonly string[]) {
  const rows = await selectRows<TopicFacts>(
    db,
    sql`select t.id, t.community_id, t.author_id, t.kind, t.title, t.solution_post_id, t.moderation_reason,
          (t.moderation_status = 'published' and (t.opens_at is null or t.opens_at <= now())) as visible,
          array(select f.user_id from topic_facilitators f where f.topic_id = t.id) as facilitator_ids
        from topics t where t.id = any(${uuidArray(topicIds)})`,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

export interface PostFacts {
  id: string;
  topic_id: string;
  author_id: string;
  status: string;
  status_reason: string | null;
  body_md: string;
  parent_author_id: string | null;
  prompt_id: string | null;
  answer_first: boolean;
  helpful_count: number;
}

export async function postFacts(db: DbOrTx, postId: string) {
  return (await postFactsMany(db, [postId])).get(postId) ?? null;
}

/** The facts of several posts in one statement (a run of new posts), by id; a missing id is not in the map. */
export async function postFactsMany(db: DbOrTx, postIds: readonly string[]) {
  const rows = await selectRows<PostFacts>(
    db,
    sql`select p.id, p.topic_id, p.author_id, p.status, p.status_reason, p.body_md, p.prompt_id,
          parent.author_id as parent_author_id, coalesce(pr.answer_first, false) as answer_first,
          p.helpful_count
        from posts p
        left join posts parent on parent.id = p.parent_id
        left join prompts pr on pr.id = p.prompt_id
        where p.id = any(${uuidArray(postIds)})`,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** Suspended in the community (now) or across the instance: what such a member writes notifies nobody. */
export async function isSuspended(db: DbOrTx, communityId: string, userId: string) {
  return (await suspendedAmong(db, communityId, [userId])).has(userId);
}

/** Which of these users are suspended in the community (now) or across the instance. */
export async function suspendedAmong(db: DbOrTx, communityId: string, userIds: readonly string[]) {
  const rows = await selectRows<{ user_id: string }>(
    db,
    sql`select u.id as user_id from users u where u.id = any(${uuidArray(userIds)})
          and (u.suspended_at is not null
            or exists (select 1 from suspensions s where s.community_id = ${communityId} and s.user_id = u.id
                         and s.lifted_at is null and (s.until is null or s.until > now())))`,
  );
  return new Set(rows.map((r) => r.user_id));
}

export interface MemberFacts {
  user_id: string;
  handle: string;
  roles: string[];
  community_level: WatchLevel | null;
  topic_level: WatchLevel | null;
  took_part: boolean;
  answered_prompt: boolean;
}

/** Every current member of the community with what decides whether a topic's news reaches them. */
/**
 * The community's members with what decides their notifications. `only`: just these users, these handles and
 * whoever watches the community or the topic (the rest of a large community cannot be notified of a reply,
 * and reading all of them for every post kept the process busy).
 */
export async function membersFor(
  db: DbOrTx,
  communityId: string,
  topicId: string | null,
  promptId: string | null,
  only?: { userIds: string[]; handles: string[] },
) {
  return selectRows<MemberFacts>(
    db,
    sql`select m.user_id, u.handle, m.roles, cw.level as community_level, tw.level as topic_level,
          (${topicId}::uuid is not null and (
             exists (select 1 from topics t where t.id = ${topicId}::uuid and t.author_id = m.user_id)
             or exists (select 1 from posts x where x.topic_id = ${topicId}::uuid and x.author_id = m.user_id and x.status in ('published', 'withdrawn')))) as took_part,
          (${promptId}::uuid is not null and exists (select 1 from posts x where x.prompt_id = ${promptId}::uuid and x.author_id = m.user_id and x.status = 'published')) as answered_prompt
        from memberships m
        join users u on u.id = m.user_id
        left join watches cw on cw.user_id = m.user_id and cw.target_type = 'community' and cw.target_id = ${communityId}
        left join watches tw on tw.user_id = m.user_id and tw.target_type = 'topic' and tw.target_id = ${topicId}::uuid
        where m.community_id = ${communityId} and m.removed_at is null${
          only
            ? sql` and (m.user_id = any(${sqlArray(only.userIds, 'uuid')}) or u.handle = any(${sqlArray(only.handles, 'text')})
                or cw.level = 'watching' or tw.level = 'watching')`
            : sql``
        }`,
  );
}

/** Who may hear of one new post: the users and handles it names, and the watchers membersFor adds. */
export interface PostAudienceAsk {
  postId: string;
  topicId: string;
  promptId: string | null;
  userIds: string[];
  handles: string[];
}

/**
 * membersFor(…, only) for several posts in one statement, by post id. The candidates (named users, handles,
 * the community's and the topic's watchers) are found through their indexes first and then checked for a
 * current membership, instead of filtering every membership of the community once per post.
 */
export async function membersForPosts(db: DbOrTx, communityId: string, asks: readonly PostAudienceAsk[]) {
  const byPost = new Map<string, MemberFacts[]>(asks.map((a) => [a.postId, []]));
  if (asks.length === 0) return byPost;
  const json = JSON.stringify(asks.map((a) => ({ post_id: a.postId, topic_id: a.topicId, prompt_id: a.promptId, user_ids: a.userIds, handles: a.handles })));
  // Named: planning it took 2 ms, twice what running it takes.
  const rows = await namedRows<MemberFacts & { post_id: string }>(
    db,
    'notify_members_for_posts',
    sql`with a as (select * from jsonb_to_recordset(${json}::jsonb) as a(post_id uuid, topic_id uuid, prompt_id uuid, user_ids uuid[], handles text[])),
        candidates as (
          select a.post_id, x.user_id from a cross join unnest(a.user_ids) as x(user_id)
          union select a.post_id, u.id from a join users u on u.handle = any(a.handles)
          union select a.post_id, w.user_id from a join watches w on w.target_type = 'topic' and w.target_id = a.topic_id and w.level = 'watching'
          union select a.post_id, w.user_id from a cross join watches w
            where w.target_type = 'community' and w.target_id = ${communityId} and w.level = 'watching')
        select a.post_id, m.user_id, u.handle, m.roles, cw.level as community_level, tw.level as topic_level,
          (coalesce(t.author_id = m.user_id, false)
             or exists (select 1 from posts x where x.topic_id = a.topic_id and x.author_id = m.user_id and x.status in ('published', 'withdrawn'))) as took_part,
          (a.prompt_id is not null and exists (select 1 from posts x where x.prompt_id = a.prompt_id and x.author_id = m.user_id and x.status = 'published')) as answered_prompt
        from candidates c
        join a on a.post_id = c.post_id
        -- Probes by key, one per candidate. As joins, the planner (which guesses 100 asks of 10 users each from
        -- jsonb_to_recordset) hashed all of the community's memberships and topics for every batch: 3 ms at 10,000
        -- members, most of what notifying of a new post cost PostgreSQL. LATERAL … LIMIT 1 keeps them probes.
        cross join lateral (select m.user_id, m.roles from memberships m
                              where m.community_id = ${communityId} and m.user_id = c.user_id and m.removed_at is null limit 1) m
        left join lateral (select t.author_id from topics t where t.id = a.topic_id limit 1) t on true
        join users u on u.id = m.user_id
        left join watches cw on cw.user_id = m.user_id and cw.target_type = 'community' and cw.target_id = ${communityId}
        left join watches tw on tw.user_id = m.user_id and tw.target_type = 'topic' and tw.target_id = a.topic_id`,
  );
  for (const { post_id, ...member } of rows) byPost.get(post_id)!.push(member);
  return byPost;
}

// ---- writing notifications -----------------------------------------------------------------------------

export interface NewNotification {
  userId: string;
  kind: 'reply' | 'mention' | 'post' | 'topic' | 'prompt' | 'helpful' | 'solution' | 'moderation' | 'invitation';
  communityId: string;
  topicId: string | null;
  postId: string | null;
  actorId: string | null;
  data: Record<string, unknown>;
  /** The event it came from (null: written directly, e.g. an invitation). */
  eventId: number | null;
  groupKey?: string;
  /** Already mailed on its own (an invitation): digests and immediate mail leave it out. */
  mailed?: boolean;
}

export async function insertNotifications(db: DbOrTx, list: NewNotification[]) {
  if (list.length === 0) return;
  await db.insert(notifications).values(
    list.map(({ mailed, ...n }) => ({ ...n, groupKey: n.groupKey ?? null, ...(mailed ? { mailedAt: sql`now()` } : {}) })),
  );
}

/**
 * A batched notification: while the member has not read it, the unread one is brought up to date (and to the
 * top); once read, the next one starts afresh. Returns false when nothing was written.
 */
export async function upsertGrouped(db: DbOrTx, n: NewNotification & { groupKey: string }) {
  await db
    .insert(notifications)
    .values(n)
    .onConflictDoUpdate({
      target: [notifications.userId, notifications.groupKey],
      targetWhere: sql`read_at is null and group_key is not null`,
      set: { data: n.data, eventId: n.eventId, updatedAt: sql`now()`, actorId: n.actorId },
    });
}

export async function everNotified(db: DbOrTx, userId: string, groupKey: string) {
  const [row] = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.groupKey, groupKey)))
    .limit(1);
  return !!row;
}

/** The largest count a member was told for a group (helpful marks): a mark taken back does not notify. */
export async function lastGroupedCount(db: DbOrTx, userId: string, groupKey: string) {
  const [row] = await selectRows<{ count: number | null }>(
    db,
    sql`select max((data->>'count')::int) as count from notifications where user_id = ${userId} and group_key = ${groupKey}`,
  );
  return Number(row?.count ?? 0);
}

/**
 * THE rule a notification is listed (and mailed) by, on rows aliased n (notifications), t (its topic) and p (its
 * post): still published and open; moderation outcomes about the member's own content always are.
 */
export const stillVisible = sql`(n.kind = 'moderation' or (
    (t.id is null or (t.moderation_status = 'published' and (t.opens_at is null or t.opens_at <= now())))
    and (p.id is null or p.status = 'published')))`;

// ---- reading ---------------------------------------------------------------------------------------------

export interface NotificationRow {
  id: number;
  kind: NewNotification['kind'];
  community_id: string;
  community_slug: string;
  community_name: string;
  topic_id: string | null;
  topic_title: string | null;
  post_id: string | null;
  actor_id: string | null;
  actor_name: string | null;
  actor_handle: string | null;
  data: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  read_at: string | null;
}

/**
 * My notifications, newest first, keeping only what I may still see: a membership I still hold, a topic still
 * published and open, a post still published (moderation outcomes about my own content are always mine to see).
 */
export async function listForUser(db: DbOrTx, userId: string, opts: { unreadOnly: boolean; beforeId: number | null; limit: number }) {
  return selectRows<NotificationRow>(
    db,
    sql`select n.id::float8 as id, n.kind, n.community_id, c.slug as community_slug, c.name as community_name,
          n.topic_id, t.title as topic_title, n.post_id, n.actor_id, a.display_name as actor_name, a.handle as actor_handle,
          n.data, n.created_at, n.updated_at, n.read_at
        from notifications n
        join communities c on c.id = n.community_id
        join memberships m on m.community_id = n.community_id and m.user_id = n.user_id and m.removed_at is null
        left join topics t on t.id = n.topic_id
        left join posts p on p.id = n.post_id
        left join users a on a.id = n.actor_id
        where n.user_id = ${userId}
          ${opts.unreadOnly ? sql`and n.read_at is null` : sql``}
          ${opts.beforeId !== null ? sql`and n.id < ${opts.beforeId}` : sql``}
          and ${stillVisible}
        order by n.id desc
        limit ${opts.limit}`,
  );
}

export async function unreadCount(db: DbOrTx, userId: string) {
  const [row] = await selectRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from notifications n
        join memberships m on m.community_id = n.community_id and m.user_id = n.user_id and m.removed_at is null
        left join topics t on t.id = n.topic_id
        left join posts p on p.id = n.post_id
        where n.user_id = ${userId} and n.read_at is null
          and ${stillVisible}`,
  );
  return Number(row?.n ?? 0);
}

export async function markRead(db: DbOrTx, userId: string, ids: number[] | 'all') {
  await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), ...(ids === 'all' ? [] : [inArray(notifications.id, ids)])));
}

/** Reading a topic reads its notifications (the bell should not count what I have just seen). */
export async function markTopicRead(db: DbOrTx, userId: string, topicId: string) {
  await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.userId, userId), eq(notifications.topicId, topicId), isNull(notifications.readAt)));
}

// ---- watches and preferences -----------------------------------------------------------------------------

export async function findWatch(db: DbOrTx, userId: string, targetType: 'topic' | 'community', targetId: string) {
  const [row] = await db
    .select({ level: watches.level })
    .from(watches)
    .where(and(eq(watches.userId, userId), eq(watches.targetType, targetType), eq(watches.targetId, targetId)))
    .limit(1);
  return row?.level ?? null;
}

export async function setWatch(db: DbOrTx, userId: string, targetType: 'topic' | 'community', targetId: string, level: WatchLevel) {
  await db
    .insert(watches)
    .values({ userId, targetType, targetId, level })
    .onConflictDoUpdate({ target: [watches.userId, watches.targetType, watches.targetId], set: { level, updatedAt: sql`now()` } });
}

export async function findEmailPreference(db: DbOrTx, userId: string) {
  const [row] = await db.select({ email: users.emailPreference }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.email ?? 'daily';
}

export async function setEmailPreference(db: DbOrTx, userId: string, email: 'immediate' | 'daily' | 'weekly' | 'never') {
  await db.update(users).set({ emailPreference: email }).where(eq(users.id, userId));
}


/** Tells every process's live hub which members got something new (after commit; NOTIFY is sent on commit). */
export async function announce(db: DbOrTx, userIds: string[]) {
  const ids = [...new Set(userIds)];
  // NOTIFY payloads are limited to 8000 bytes: 200 ids (7,400 bytes) a message.
  for (let i = 0; i < ids.length; i += 200) {
    await db.execute(sql`select pg_notify(${NOTIFICATIONS_CHANNEL}, ${ids.slice(i, i + 200).join(',')})`);
  }
}
