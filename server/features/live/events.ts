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
  | 'prompt.released'
  | 'post.created'
  | 'post.updated'
  | 'post.withdrawn'
  | 'post.helpful'
  | 'post.removed'
  | 'post.restored'
  | 'post.approved'
  | 'topic.read-counts'
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

export async function recordEvent(tx: DbOrTx, event: NewEvent): Promise<number> {
  const [row] = await tx
    .insert(events)
    .values({ communityId: event.communityId, topicId: event.topicId ?? null, name: event.name, data: event.data })
    .returning({ id: events.id });
  await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${String(row!.id)})`);
  return row!.id;
}
