// One-click unsubscribe (RFC 8058): every notification mail links to /unsubscribe/<signed token>. GET shows a
// page with one button; POST (the button, or a mail client's one-click request with the form body
// `List-Unsubscribe=One-Click`) stops all notification mail for that member. No session needed: the signed
// token says who; a forged or damaged one gets 404.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { escapeHtml } from '../../../shared/html-escape.js';
import { problems } from '../../../shared/schemas/common.js';
import { notFound } from '../../errors.js';
import type { NotificationService } from './service.js';

const TokenParams = Type.Object({ token: Type.String({ minLength: 40, maxLength: 200, pattern: '^[0-9A-Za-z_.-]+$' }) });

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
  `<title>${escapeHtml(title)} · Stoa</title><style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font:inherit;padding:.6rem 1.2rem}</style></head>` +
  `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

export const unsubscribeRoutes: FastifyPluginAsyncTypebox<{
  notifications: NotificationService;
  verify: (token: string) => Promise<string | null>;
}> = async (app, { notifications, verify }) => {
  // Mail clients send the one-click request as a form; nothing in it is needed beyond the token in the path.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_request, _body, done) => done(null, {}));

  const memberOf = async (token: string) => {
    const userId = await verify(token);
    if (!userId) throw notFound('Unsubscribe link');
    return userId;
  };

  app.get(
    '/unsubscribe/:token',
    {
      schema: {
        tags: ['notifications'],
        operationId: 'unsubscribePage',
        summary: 'The page a mail\'s unsubscribe link opens: one button that stops all notification mail',
        params: TokenParams,
        response: { 200: { description: 'An HTML page', content: { 'text/html': { schema: Type.String() } } }, ...problems(404) },
      },
    },
    async (request, reply) => {
      await memberOf(request.params.token);
      return reply
        .type('text/html; charset=utf-8')
        .send(
          page(
            'Stop mail from Stoa',
            `<p>You will get no more notification mail from Stoa. Notifications stay on your notifications page, and you can turn mail on again there.</p>` +
              `<form method="post"><button type="submit">Stop all mail</button></form>`,
          ),
        );
    },
  );

  app.post(
    '/unsubscribe/:token',
    {
      schema: {
        tags: ['notifications'],
        operationId: 'unsubscribe',
        summary: 'One-click unsubscribe (RFC 8058): no more notification mail for the member the token names',
        params: TokenParams,
        response: { 200: { description: 'An HTML page', content: { 'text/html': { schema: Type.String() } } }, ...problems(404) },
      },
      config: { csrfExempt: true },
    },
    async (request, reply) => {
      await notifications.stopMail(await memberOf(request.params.token));
      return reply.type('text/html; charset=utf-8').send(page('Unsubscribed', '<p>Done: Stoa will not mail you notifications any more.</p>'));
    },
  );
};
