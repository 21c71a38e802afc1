// Admin view of the mail outbox (the embedded default writes mail to DATA_DIR/outbox/ instead of sending it).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Line, problems } from '../../../shared/schemas/common.js';
import { Outbox } from '../../../shared/schemas/mail.js';
import type { MailService } from './service.js';

const tags = ['mail'];

export const mailRoutes: FastifyPluginAsyncTypebox<{ mail: MailService }> = async (app, { mail }) => {
  app.get(
    '/api/admin/outbox',
    { schema: { tags, operationId: 'listOutbox', summary: 'Mails written to the outbox folder (no SMTP_URL), newest first; admins only', response: { 200: Outbox, ...problems(401, 403) } } },
    async (request) => mail.outbox(request.actor),
  );

  app.get(
    '/api/admin/outbox/:name',
    {
      schema: {
        tags,
        operationId: 'getOutboxMail',
        summary: 'One outbox mail as sent (message/rfc822 text); admins only',
        params: Type.Object({ name: Line(200) }),
        response: { 200: { description: 'The raw mail', content: { 'text/plain': { schema: Type.String() } } }, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => reply.type('text/plain; charset=utf-8').send(await mail.outboxFile(request.actor, request.params.name)),
  );
};
