// The live hub: one per process. It owns every WebSocket connection of this process, the channel →
// subscriptions index, and the single LISTEN on `stoa_events`. This file only wires its parts:
//  - connection.ts     connections, subscriptions index, sending (slow consumers closed 1013), message rate;
//  - subscriptions.ts  subscribe (authorise, replay `since` or resync, flush) and unsubscribe;
//  - delivery.ts       NOTIFY → load the batch → dispatch in position order → filter (filter.ts) → send;
//  - checks.ts         heartbeat and the periodic session/membership re-check.
//
// Fan-out: NOTIFY carries only a range of event positions (an event's `id` on the wire is its position, the
// commit order given by domain/event-sequencer.ts). Positions that arrive together are loaded in ONE query,
// then each event is dispatched in order: its topic/prompt context is loaded once (cached), the filter decides per
// subscriber, and each distinct (channel, data) message is serialised once and the same string is sent to
// every subscriber who may see it.
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { Config } from '../../config.js';
import type { Database } from '../../db/client.js';
import type { Actor } from '../../policy/policy.js';
import { LIVE_CLOSE } from '../../../shared/schemas/live.js';
import { Connection, createConnections, handleMessage } from './connection.js';
import { createDelivery } from './delivery.js';
import { createSubscriptions } from './subscriptions.js';
import { createChecks } from './checks.js';

export interface LiveHubOptions {
  database: Database;
  config: Config;
  log: FastifyBaseLogger;
}

export function createLiveHub({ database, config, log }: LiveHubOptions) {
  const db = database.db;
  const connections = createConnections(config);
  const delivery = createDelivery({ database, connections, log });
  const subscriptions = createSubscriptions({ db, connections, delivery, log });
  const checks = createChecks({ db, connections, delivery });
  let heartbeat: NodeJS.Timeout | undefined;
  let accessCheck: NodeJS.Timeout | undefined;

  return {
    /** LISTEN and start the heartbeat and access-check timers (app onReady). */
    async start() {
      await delivery.start();
      heartbeat = setInterval(checks.pingAll, config.liveHeartbeatMs).unref();
      accessCheck = setInterval(() => {
        checks.checkAccess().catch((err) => log.error({ err }, 'live: access check failed'));
      }, config.liveSessionCheckMs).unref();
    },

    /** Takes over an upgraded socket whose handshake was authenticated. */
    attach(socket: WebSocket, actor: Actor, sessionId: string) {
      const conn = new Connection(socket, actor, sessionId);
      if (delivery.isStopped()) {
        socket.close(LIVE_CLOSE.goingAway, 'server shutting down');
        return;
      }
      connections.add(conn);
      socket.on('message', (raw, isBinary) => handleMessage(connections, subscriptions, conn, raw, isBinary));
      socket.on('pong', () => (conn.alive = true));
      socket.on('close', () => {
        conn.closed = true;
        connections.forget(conn);
      });
    },

    /** Closes this process's sockets of a session that just ended (the sign-out route calls it). */
    endSession(sessionId: string) {
      for (const conn of [...connections.all]) if (conn.sessionId === sessionId) connections.close(conn, LIVE_CLOSE.sessionEnded, 'session ended');
    },

    /**
     * Graceful shutdown: stop the timers, close every socket with 1001 so clients reconnect elsewhere, and
     * resolve once the event batch in flight, if any, has stopped using the database.
     */
    async stop() {
      const fed = delivery.stop();
      clearInterval(heartbeat);
      clearInterval(accessCheck);
      connections.closeAll(LIVE_CLOSE.goingAway, 'server shutting down');
      await fed;
    },

    checkAccess: checks.checkAccess,
    /** For tests and the benchmark. */
    stats: () => ({ connections: connections.all.size, channels: connections.channelCount() }),
  };
}

export type LiveHub = ReturnType<typeof createLiveHub>;
