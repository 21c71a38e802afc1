// Serves the built Lit client (dist/client) at `/`; deep links fall back to index.html so the client router takes over.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import { AppError } from '../errors.js';

export const clientDist = fileURLToPath(new URL('../../dist/client', import.meta.url));

export default fp(
  async (app) => {
    const built = existsSync(`${clientDist}/index.html`);
    if (!built) app.log.warn(`The client is not built (${clientDist}); run "npm run build". The API still works.`);
    else await app.register(fastifyStatic, { root: clientDist, wildcard: false, index: false });

    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      if (path.startsWith('/api/') || path === '/api' || !built) {
        throw new AppError(404, 'route_not_found', `No route GET ${path}.`);
      }
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  },
  { name: 'static-client' },
);
