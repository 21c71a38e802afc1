// The event log. Services call recordEvent() inside their write transaction: the row gets a
// monotonically increasing id from PostgreSQL, and NOTIFY (sent with the id only) is delivered by
// PostgreSQL when — and only if — the transaction commits, to every process that LISTENs.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { events } from '../../db/schema.js';

export const EVENTS_CHANNEL = 'stoa_events';

export type EventName =
  | 'topic.created'
  | 'topic.updated'
  /** A moderator removed, restored or approved a topic (data: its summary, as for topic.updated). */
  | 'topic.removed'
  | 'topic.restored'
  | 'topic.approved'
  | 'prompt.released'
  | 'post.created'
  | 'post.updated'
  | 'post.withdrawn'
  | 'post.helpful'
  | 'post.removed'
  | 'post.restored'
  | 'post.approved'
  | 'member.suspended'
  | 'member.unsuspended'
  | 'member.removed';

export interface NewEvent {
  communityId: string;
  /** Set for events that belong to one topic (they go to `topic:<id>` as well as `community:<id>`). */
  topicId?: string | null;
  name: EventName;
  /** The same shape the REST API returns for the resource. */
  data: unknown;
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
export async function recordEvent(tx: DbOrTx, event: NewEvent): Promise<number> {
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
