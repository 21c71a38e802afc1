// The event outbox. Services call recordEvent() inside their write transaction: the row gets an id from
// PostgreSQL and no position. After the transaction commits, the event sequencer (event-sequencer.ts) gives
// it the next `position` — the commit order — and NOTIFYs the positions to every process that LISTENs.
// Clients' cursors, replay and the notifier read in position order. Reads that a page keeps live take their
// cursor here (communityLiveCursor). Payloads: shared/events.ts.
import { eq, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { markEventRecorded } from '../db/commit-signal.js';
import { communityEventPositions, events, topics } from '../db/schema.js';
import type { EventName, EventPayload } from '../../shared/events.js';

export type { EventName, EventPayload } from '../../shared/events.js';

/** Positions of newly ordered events, sent by the sequencer as `first,last`. */
export const EVENTS_CHANNEL = 'stoa_events';
/** "Events were committed": wakes the sequencer (another process's, or ours outside a tracked transaction). */
export const EVENTS_RECORDED_CHANNEL = 'stoa_events_recorded';

export interface NewEvent<N extends EventName> {
  communityId: string;
  /** Set for events that belong to one topic (they go to `topic:<id>` as well as `community:<id>`). */
  topicId?: string | null;
  name: N;
  /** The same shape the REST API returns for the resource (shared/events.ts). */
  data: EventPayload<N>;
}

/**
 * Records an event; call it inside the write transaction. No lock and no NOTIFY in the transaction (both
 * would serialise commits): the tracked transaction signals the sequencer after it commits. Outside a
 * tracked transaction (an autocommit statement) the row commits at once, and the NOTIFY goes with it.
 */
export async function recordEvent<N extends EventName>(tx: DbOrTx, event: NewEvent<N>): Promise<number> {
  const result = (await tx.execute(recordEventSql(event))) as unknown as { rows: Array<{ id: number }> };
  return Number(result.rows[0]!.id);
}

/**
 * recordEvent as an `insert … returning id` to run inside another statement of the write transaction (a CTE
 * of it: content-status.ts countNewPost), saving a round trip. Build it just before running it, in the transaction.
 */
export function recordEventSql<N extends EventName>(event: NewEvent<N>): SQL {
  const signalled = markEventRecorded();
  return sql`
    insert into ${events} (community_id, topic_id, name, data)
    values (${event.communityId}::uuid, ${event.topicId ?? null}::uuid, ${event.name}, ${JSON.stringify(event.data ?? null)}::jsonb)
    returning id::float8 as id${signalled ? sql`` : sql`, pg_notify(${EVENTS_RECORDED_CHANNEL}, '')`}`;
}

export type ChannelKey = { kind: 'community'; id: string } | { kind: 'topic'; id: string };

export const channelFilter = (channel: ChannelKey) => (channel.kind === 'community' ? eq(events.communityId, channel.id) : eq(events.topicId, channel.id));

/** The newest event position of a channel (0 when it has none). */
export async function lastChannelEventId(db: DbOrTx, channel: ChannelKey): Promise<number> {
  if (channel.kind === 'community') return communityLiveCursor(db, { communityId: channel.id });
  const [row] = await db.select({ id: sql<string | null>`max(${events.position})` }).from(events).where(channelFilter(channel));
  return row?.id ? Number(row.id) : 0;
}

/**
 * A read's live cursor: the newest event position of the community (of the topic's community), 0 when none.
 * Read BEFORE the data: a position is given only after its transaction committed, so every change whose
 * event has a position at or below it is in the data read afterwards. (A change committed but not yet
 * positioned is in the data too, and its event arrives later: clients apply it again, harmlessly.)
 */
export async function communityLiveCursor(db: DbOrTx, of: { communityId: string } | { topicId: string }): Promise<number> {
  const community = 'communityId' in of ? sql`${of.communityId}::uuid` : sql`(select ${topics.communityId} from ${topics} where ${topics.id} = ${of.topicId})`;
  const result = (await db.execute(sql`select ${liveCursorSql(community)} as id`)) as unknown as { rows: Array<{ id: string | null }> };
  const id = result.rows[0]?.id;
  return id ? Number(id) : 0;
}

/**
 * The same cursor as an SQL expression (text, null when none), for reads that take it in the statement that
 * checks access, before the page's data (domain/read-access.ts). One primary-key read: the sequencer keeps
 * community_event_positions in the statement that gives positions (not max(position) of the community's
 * events, which a generic plan walked backwards through every newer event of the database).
 */
export const liveCursorSql = (communityId: SQL) =>
  sql<string | null>`(select c.position::text from ${communityEventPositions} c where c.community_id = ${communityId})`;
