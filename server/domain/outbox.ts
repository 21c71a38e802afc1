// The event outbox. Services call recordEvent() inside their write transaction: the row gets a
// monotonically increasing id from PostgreSQL, and NOTIFY (sent with the id only) is delivered by
// PostgreSQL when — and only if — the transaction commits, to every process that LISTENs. Reads that a
// page keeps live take their cursor here (communityLiveCursor). Payloads: shared/events.ts.
import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { events, topics } from '../db/schema.js';
import type { EventName, EventPayload } from '../../shared/events.js';

export type { EventName, EventPayload } from '../../shared/events.js';

export const EVENTS_CHANNEL = 'stoa_events';

export interface NewEvent<N extends EventName> {
  communityId: string;
  /** Set for events that belong to one topic (they go to `topic:<id>` as well as `community:<id>`). */
  topicId?: string | null;
  name: N;
  /** The same shape the REST API returns for the resource (shared/events.ts). */
  data: EventPayload<N>;
}

/** First key of the transaction-scoped advisory lock that orders one community's events (second key: hash of its id). */
const EVENT_ORDER_LOCK = 0x5354_4f41; // 'STOA'

/**
 * Records an event. Call it INSIDE the write transaction and AS ITS LAST WRITE.
 *
 * Why last: the per-community advisory lock taken here is held until commit, so within one community
 * event ids commit in increasing order (otherwise transaction A could take id 10, B id 11, B commit
 * first, and a client that saw 11 and reconnected with since=11 would never get 10). A transaction
 * that takes this lock and then waits for a row lock held by another transaction that is itself waiting
 * for this lock would deadlock — impossible when recordEvent comes after every other write.
 */
export async function recordEvent<N extends EventName>(tx: DbOrTx, event: NewEvent<N>): Promise<number> {
  // One statement (one round trip while the lock is held): the lock is taken as the SELECT produces the
  // row, before the INSERT draws the id from the sequence; NOTIFY is queued for commit.
  const result = (await tx.execute(sql`
    with inserted as (
      insert into ${events} (community_id, topic_id, name, data)
      select ${event.communityId}::uuid, ${event.topicId ?? null}::uuid, ${event.name}, ${JSON.stringify(event.data ?? null)}::jsonb
        from (select pg_advisory_xact_lock(${EVENT_ORDER_LOCK}, hashtext(${event.communityId}))) ordered
      returning id)
    select id::float8 as id, pg_notify(${EVENTS_CHANNEL}, id::text) from inserted`)) as unknown as { rows: Array<{ id: number }> };
  return Number(result.rows[0]!.id);
}

export type ChannelKey = { kind: 'community'; id: string } | { kind: 'topic'; id: string };

export const channelFilter = (channel: ChannelKey) => (channel.kind === 'community' ? eq(events.communityId, channel.id) : eq(events.topicId, channel.id));

/** The newest event id of a channel (0 when it has none). */
export async function lastChannelEventId(db: DbOrTx, channel: ChannelKey): Promise<number> {
  const [row] = await db.select({ id: sql<string | null>`max(${events.id})` }).from(events).where(channelFilter(channel));
  return row?.id ? Number(row.id) : 0;
}

/**
 * A read's live cursor: the newest event id of the community (of the topic's community), 0 when none.
 * Read BEFORE the data: events commit in id order within a community (recordEvent), so every change with an
 * event id at or below it is in the data read afterwards.
 */
export async function communityLiveCursor(db: DbOrTx, of: { communityId: string } | { topicId: string }): Promise<number> {
  const community = 'communityId' in of ? sql`${of.communityId}::uuid` : sql`(select ${topics.communityId} from ${topics} where ${topics.id} = ${of.topicId})`;
  const [row] = await db.select({ id: sql<string | null>`max(${events.id})` }).from(events).where(sql`${events.communityId} = ${community}`);
  return row?.id ? Number(row.id) : 0;
}
