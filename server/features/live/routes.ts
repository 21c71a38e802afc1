// GET /api/live: the WebSocket of live updates (protocol: docs/live-protocol.md).
// The handshake is refused BEFORE the upgrade with problem JSON: 403 `origin_rejected` unless Origin
// equals PUBLIC_URL's origin (browsers always send it on WebSocket handshakes; this stops other sites
// from opening a socket with our cookie), then 401 `unauthenticated` without a valid session.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { WebsocketPluginOptions } from '@fastify/websocket';
import type { Config } from '../../config.js';
import { AppError, forbidden, unauthorized } from '../../errors.js';
import { LIVE_LIMITS } from '../../../shared/schemas/live.js';
import { problemResponse, problems } from '../../../shared/schemas/common.js';
import type { LiveHub } from './hub.js';

export const liveRoutes: FastifyPluginAsync<{ hub: LiveHub; config: Config }> = async (app, { hub, config }) => {
  app.route({
    method: 'GET',
    url: '/api/live',
    schema: {
      tags: ['live'],
      operationId: 'openLiveConnection',
      summary: 'Live updates (WebSocket upgrade only)',
      description:
        'Open a WebSocket here (same-origin, signed in). Subscribe to `community:<id>` / `topic:<id>` channels; ' +
        'reconnect with `since` to receive exactly the missed events. Messages and guarantees: docs/live-protocol.md. ' +
        'A plain HTTP GET gets 426.',
      response: {
        101: { description: 'Switching Protocols: the WebSocket is open (messages: docs/live-protocol.md).' },
        ...problems(401),
        403: problemResponse(403, 'The Origin is not PUBLIC_URL (`origin_rejected`).'),
        ...problems(426),
      },
    },
    preHandler: async (request) => {
      if (request.headers.origin !== config.publicOrigin) {
        throw forbidden('The live connection must come from the Stoa site (Origin check failed).', 'origin_rejected');
      }
      if (!request.actor || !request.sessionId) throw unauthorized();
    },
    handler: async () => {
      throw new AppError(426, 'upgrade_required', 'This endpoint only speaks WebSocket.');
    },
    wsHandler: (socket, request) => hub.attach(socket, request.actor!, request.sessionId!),
  });
};

/** Options for @fastify/websocket: the message size cap, and a shutdown that closes sockets with 1001. */
export function websocketOptions(hub: LiveHub): WebsocketPluginOptions {
  return {
    options: { maxPayload: LIVE_LIMITS.maxMessageBytes },
    preClose: async function (this: FastifyInstance) {
      await hub.stop();
      const server = this.websocketServer;
      // Resolves once every client has closed (a dead one is terminated 2 s after its close frame).
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
