// What the hub re-checks on a timer: that each peer still answers (heartbeat) and that each socket's
// session and memberships still allow what it is subscribed to.
import type { Db } from '../../db/client.js';
import { can, topicContext } from '../../policy/policy.js';
import { LIVE_CLOSE } from '../../../shared/schemas/live.js';
import * as q from './queries.js';
import type { Connections } from './connection.js';
import type { Delivery } from './delivery.js';

export function createChecks({ db, connections, delivery }: { db: Db; connections: Connections; delivery: Pick<Delivery, 'topicInfo'> }) {
  /** Pings every socket; one that has not answered the previous ping is gone and is terminated. */
  function pingAll() {
    for (const conn of [...connections.all]) {
      if (!conn.alive) {
        connections.forget(conn);
        conn.closed = true;
        conn.socket.terminate(); // no pong since the last ping: the peer is gone
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
    }
  }

  /**
   * Re-checks every open socket's session (sign-out in another process, expiry, account suspension →
   * close 4001) and membership (roles refreshed; removed/suspended → subscription revoked).
   * Runs every config.liveSessionCheckMs; sign-out in this process closes at once via endSession().
   */
  async function checkAccess() {
    const open = [...connections.all];
    if (open.length === 0) return;
    const valid = await q.findValidSessionIds(db, [...new Set(open.map((c) => c.sessionId))]);
    const members = await q.findMembershipsOfUsers(db, [...new Set(open.map((c) => c.actor.id))]);
    for (const conn of open) {
      if (!valid.has(conn.sessionId)) {
        connections.close(conn, LIVE_CLOSE.sessionEnded, 'session ended');
        continue;
      }
      for (const sub of [...conn.subscriptions.values()]) {
        if (sub.state !== 'live' && sub.state !== 'replaying') continue;
        const membership = members.get(`${sub.communityId}:${conn.actor.id}`) ?? null;
        const topic = sub.key.kind === 'topic' ? await delivery.topicInfo(sub.key.id) : null;
        const allowed =
          sub.key.kind === 'community'
            ? can(conn.actor, 'live.subscribeCommunity', { membership })
            : !!topic && can(conn.actor, 'live.subscribeTopic', { membership, topic: topicContext(topic) });
        if (!allowed) connections.revoke(sub, membership?.suspended ? 'member_suspended' : 'access_revoked', 'You no longer have access to this channel.');
        else sub.viewer.membership = membership;
      }
    }
  }

  return { pingAll, checkAccess };
}
