import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DATABASE_RETRY_AFTER_SECONDS } from '../../db/errors.js';

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const Status = Type.Object({ status: Type.String() });
  app.get('/healthz', { schema: { tags: ['health'], operationId: 'getHealth', summary: 'The process is up', response: { 200: Status } } }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    { schema: { tags: ['health'], operationId: 'getReadiness', summary: 'The database is reachable (503 otherwise)', response: { 200: Status, 503: Status } } },
    async (_request, reply) => {
      try {
        await app.database.ping();
        return { status: 'ready' };
      } catch {
        return reply.status(503).header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS)).send({ status: 'database unavailable' });
      }
    },
  );
};
