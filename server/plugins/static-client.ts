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
    else {
      await app.register(fastifyStatic, {
        root: clientDist,
        wildcard: false,
        index: false,
        // The build writes .br and .gz copies of the text assets (client/precompress.ts): sent to browsers that accept them.
        preCompressed: true,
        // Files under /assets/ are named by their content's hash, so a browser may keep them for good: a returning
        // member, on a slow connection, does not even ask again. index.html (no-cache, below) names the current ones.
        setHeaders(reply, path) {
          if (/[\\/]assets[\\/]/.test(path)) reply.header('cache-control', 'public, max-age=31536000, immutable');
        },
      });
    }

    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      if (path.startsWith('/api/') || path === '/api' || !built) {
        throw new AppError(404, 'route_not_found', `No route GET ${path}.`);
      }
      // The app's shell names the current assets: revalidated at every visit (send's own max-age=0 left out).
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    });
  },
  { name: 'static-client' },
);
