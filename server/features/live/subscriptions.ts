// Subscribe and unsubscribe. Exactly-once, in order, none lost: a new subscription joins the channel index
// FIRST (live events are buffered), then replays the log `WHERE position > since ORDER BY position` (an event's id is its position) (or, without `since`
// or when `since` is too old, starts from the channel's newest id, with `resync` for the latter), then
// flushes the buffer, dropping ids ≤ the last id it handled.
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import { isDatabaseUnavailable } from '../../db/errors.js';
import { AppError, notFound } from '../../errors.js';
import { authorize, topicContext, type Actor, type MembershipContext } from '../../policy/policy.js';
import { LIVE_CLOSE, LIVE_LIMITS, type LiveErrorCode } from '../../../shared/schemas/live.js';
import { requireCommunity } from '../../domain/community-access.js';
import { findTopic } from '../../domain/topic-access.js';
import * as q from './queries.js';
import { Subscription, type Connection, type Connections, type MessageHandlers } from './connection.js';
import type { Delivery } from './delivery.js';

export function createSubscriptions({ db, connections, delivery, log }: { db: Db; connections: Connections; delivery: Delivery; log: FastifyBaseLogger }): MessageHandlers {
  const { send, sendError } = connections;

  async function authorizeChannel(actor: Actor, key: q.ChannelKey): Promise<{ communityId: string; membership: MembershipContext | null }> {
    if (key.kind === 'community') {
      const { membership } = await requireCommunity(db, actor, key.id, 'live.subscribeCommunity');
      return { communityId: key.id, membership };
    }
    const topic = await findTopic(db, key.id);
    if (!topic) throw notFound('Topic');
    // live.subscribeTopic repeats this community check (in memory, no query). It comes first so that a
    // suspended member hears member_suspended, even about an upcoming topic (which alone would be not_found).
    const { community, membership } = await requireCommunity(db, actor, topic.communityId, 'live.subscribeCommunity');
    authorize(actor, 'live.subscribeTopic', { community, membership, topic: topicContext(topic) });
    return { communityId: topic.communityId, membership };
  }

  async function subscribe(conn: Connection, channel: string, since: number | undefined) {
    if (conn.subscriptions.has(channel)) return sendError(conn, 'already_subscribed', `Already subscribed to ${channel}.`, channel);
    if (conn.subscriptions.size >= LIVE_LIMITS.maxSubscriptionsPerConnection) {
      return sendError(conn, 'too_many_subscriptions', `At most ${LIVE_LIMITS.maxSubscriptionsPerConnection} channels per connection.`, channel);
    }
    const [kind, id] = channel.split(':') as ['community' | 'topic', string];
    const sub = new Subscription(conn, channel, { kind, id: id.toLowerCase() });
    conn.subscriptions.set(channel, sub);
    try {
      const access = await authorizeChannel(conn.actor, sub.key);
      if (sub.isClosed()) return; // unsubscribed or disconnected meanwhile
      sub.communityId = access.communityId;
      sub.viewer.membership = access.membership;
      // 1. Join the live feed first (events buffer from here on) …
      sub.state = 'replaying';
      connections.joinChannel(sub);
      // 2. … then replay the log …
      const resync = await replay(sub, since);
      if (sub.isClosed()) return;
      if (resync) send(conn, { type: 'resync', channel });
      // 3. … then what arrived meanwhile, without repeats (ids ≤ lastSentId are dropped by deliver()).
      while (sub.buffer.length > 0) {
        const buffered = sub.buffer.sort((a, b) => a.event.id - b.event.id);
        sub.buffer = [];
        for (const { event, ctx } of buffered) await delivery.deliver(event, ctx, [sub]);
        if (sub.isClosed()) return;
      }
      sub.state = 'live';
      send(conn, { type: 'subscribed', channel, lastEventId: sub.lastSentId });
    } catch (err) {
      connections.removeSubscription(sub);
      if (err instanceof AppError) {
        const code: LiveErrorCode = err.code === 'member_suspended' ? 'member_suspended' : err.status === 404 ? 'not_found' : 'forbidden';
        sendError(conn, code, err.message, channel);
      } else if (isDatabaseUnavailable(err)) {
        // The client would otherwise sit on a channel it is not subscribed to. Closing makes it reconnect
        // with backoff and resubscribe every channel with `since`, once the database is back.
        log.warn({ err, channel }, 'live: subscribe failed, database unavailable; asking the client to resume later');
        connections.close(conn, LIVE_CLOSE.tryAgainLater, 'database unavailable');
      } else {
        log.error({ err, channel }, 'live: subscribe failed');
        sendError(conn, 'internal_error', 'Could not subscribe; try again.', channel);
      }
    }
  }

  /**
   * Sends the logged events after `since` and sets lastSentId; true when the client must resync instead
   * (`since` older than the retained log, or more missed than a replay sends). Without `since`: nothing to
   * replay, the subscription starts after the channel's newest event.
   */
  async function replay(sub: Subscription, since: number | undefined): Promise<boolean> {
    if (since === undefined) {
      sub.lastSentId = await q.lastChannelEventId(db, sub.key);
      return false;
    }
    const oldest = await q.oldestRetainedEventId(db);
    const tooOld = oldest === null ? since > 0 : since < oldest - 1;
    const missed = tooOld ? [] : await q.findChannelEventsSince(db, sub.key, since, LIVE_LIMITS.maxReplayEvents + 1);
    if (tooOld || missed.length > LIVE_LIMITS.maxReplayEvents) {
      sub.lastSentId = await q.lastChannelEventId(db, sub.key);
      return true;
    }
    sub.lastSentId = since;
    const contexts = await delivery.eventContexts(missed, { fresh: true });
    for (const [i, event] of missed.entries()) {
      if (sub.isClosed()) return false;
      await delivery.deliver(event, contexts[i]!, [sub]);
    }
    return false;
  }

  function unsubscribe(conn: Connection, channel: string) {
    const sub = conn.subscriptions.get(channel);
    if (!sub) return sendError(conn, 'not_subscribed', `Not subscribed to ${channel}.`, channel);
    connections.removeSubscription(sub);
    send(conn, { type: 'unsubscribed', channel });
  }

  return { subscribe, unsubscribe };
}
