// Builds the Fastify application: infrastructure plugins, then one plugin per feature. No listen() here —
// main.ts listens, tests import buildApp().
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { LIMITS } from '../shared/limits.js';
import { openApiOptions } from './openapi.js';
import dbPlugin from './plugins/db.js';
import errorsPlugin, { frameworkErrors } from './plugins/errors.js';
import validationPlugin from './plugins/validation.js';
import { buildLazySerializer } from './plugins/lazy-compile.js';
import sessionPlugin from './plugins/session.js';
import staticClient from './plugins/static-client.js';
import securityHeaders from './plugins/security-headers.js';
import { createServices, type Services } from './services.js';
import { acquireMarkdownPool, warmUpMarkdownPool } from './domain/markdown-pool.js';
import { healthRoutes } from './features/health/routes.js';
import { authRoutes } from './features/auth/routes.js';
import { accountRoutes } from './features/auth/account-routes.js';
import { communityRoutes } from './features/communities/routes.js';
import websocket from '@fastify/websocket';
import { createLiveHub, type LiveHub } from './features/live/hub.js';
import { liveRoutes, websocketOptions } from './features/live/routes.js';
import { startLiveScheduler } from './features/live/scheduler.js';
import { topicRoutes } from './features/topics/routes.js';
import { postRoutes } from './features/posts/routes.js';
import { moderationRoutes } from './features/moderation/routes.js';
import { topicModerationRoutes } from './features/topics/moderation-routes.js';
import { engagementRoutes } from './features/engagement/routes.js';
import { mailRoutes } from './features/mail/routes.js';
import { peopleRoutes } from './features/people/routes.js';
import { searchRoutes } from './features/search/routes.js';
import { notificationRoutes } from './features/notifications/routes.js';
import { createNotifier, type Notifier } from './features/notifications/notifier.js';
import { createEventSequencer, type EventSequencer } from './domain/event-sequencer.js';
import { createNotificationMailer, type NotificationMailer } from './features/notifications/mailer.js';
import { unsubscribeRoutes } from './features/notifications/unsubscribe-routes.js';
import { createReplyByMail, replyAddresses, type ReplyTarget } from './features/mail/replies.js';
import { startInboundSmtp, type InboundSmtp } from './mail/inbound.js';
import { secretSource } from './domain/signing.js';
import { users } from './domain/deps.js';
import { createMailWorker, type MailWorker } from './mail/queue.js';
import { createMailTransport } from './mail/transport.js';
import { OneLinePerRequest, loggerOptions } from './logging.js';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    /** Live updates hub; `app.live.endSession(id)` closes a signed-out session's sockets. */
    live: LiveHub;
    /** Outgoing mail delivery; `app.mail.poke()` after queueing a mail that should go now. */
    mail: MailWorker;
    /** Turns recorded events into notifications; `app.notifier.drain()` in tests. */
    notifier: Notifier;
    /** Gives committed events their positions; `app.eventSequencer.settle()` in tests. */
    eventSequencer: EventSequencer;
    /** Mails notifications as members chose (immediate, digests); `drain()` in tests. */
    notificationMailer: NotificationMailer;
    /** The reply-by-email listener's port (tests start it on port 0); undefined when it is off. */
    inboundSmtpPort: () => number | undefined;
  }
}

export interface BuildOptions {
  database: Database;
  /** Close the database when the app closes (main.ts: yes; tests that share one database: no). */
  closeDatabase?: boolean;
  /** scrypt cost exponent; tests lower it. */
  passwordCost?: number;
  logger?: boolean | object;
}

/** The application with its type provider: routes declared on it get their TypeBox types. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export async function buildApp(config: Config, options: BuildOptions): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config.logLevel, config.logFormat),
    // Readable logs: one line per request instead of Fastify's two.
    ...(config.logFormat === 'pretty' ? { logController: new OneLinePerRequest() } : {}),
    bodyLimit: LIMITS.requestBodyBytes,
    trustProxy: config.trustProxy as boolean | string, // a hop count works at run time too
    // Over the limit → 413; `__proto__`/`constructor` keys are refused outright.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors,
    ajv: { customOptions: { strict: false } },
    // Response serializers compile on first use, not at start-up (plugins/lazy-compile.ts).
    schemaController: { compilersFactory: { buildSerializer: buildLazySerializer } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(errorsPlugin);
  await app.register(validationPlugin);
  await app.register(dbPlugin, { database: options.database, closeOnShutdown: options.closeDatabase ?? true });
  await app.register(securityHeaders, { secureCookies: config.secureCookies });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, openApiOptions());
  // Outgoing mail: requests queue it in their transaction, this worker sends it (every process runs one).
  const mailTransport = createMailTransport(config.mail);
  const mailWorker = createMailWorker({ db: options.database.db, transport: mailTransport, log: app.log, ...config.mail });
  app.decorate('mail', mailWorker);
  app.addHook('onReady', async () => {
    app.log.info(`mail: sending through ${mailTransport.describe()}`);
    mailWorker.start();
  });
  app.addHook('preClose', async () => mailWorker.stop());

  const services = createServices({ db: options.database.db, config, passwordCost: options.passwordCost, databaseKind: options.database.kind, mailWorker });
  app.decorate('services', services);
  // Topic views: recorded in batches while ready; closing records what is left before the database goes.
  app.addHook('onReady', async () => services.views.start());
  app.addHook('preClose', async () => services.views.stop().catch((err) => app.log.error({ err }, 'topic views: last flush failed')));
  await app.register(sessionPlugin, { config, findSession: services.auth.findSession });
  // Live updates: the WebSocket plugin must come before the routes; the LISTEN and the scheduler run while ready.
  const live = createLiveHub({ database: options.database, config, log: app.log });
  app.decorate('live', live);
  await app.register(websocket, websocketOptions(live));
  let liveScheduler: ReturnType<typeof startLiveScheduler> | undefined;
  // Events get their commit-ordered positions from the sequencer (one process at a time leads it).
  const sequencer = createEventSequencer({ database: options.database, log: app.log });
  app.decorate('eventSequencer', sequencer);
  app.addHook('onReady', async () => {
    await live.start(); // LISTEN first: the positions the sequencer gives when it starts are delivered
    await sequencer.start();
    liveScheduler = startLiveScheduler({ db: options.database.db, config, log: app.log });
  });
  app.addHook('preClose', async () => {
    await liveScheduler?.stop();
    await sequencer.stop();
  });

  // Markdown renders in worker threads (server/domain/markdown-pool.ts), shared by the apps of this process.
  const markdownPool = acquireMarkdownPool(config.markdown);
  // Threads start with the app, in the background: the first member's post must not wait for them.
  app.addHook('onReady', async () => void warmUpMarkdownPool().catch((err) => app.log.error({ err }, 'markdown workers failed to start')));
  app.addHook('onClose', async () => markdownPool.release());
  await app.register(healthRoutes);
  await app.register(authRoutes, { auth: services.auth, config });
  await app.register(accountRoutes, { accounts: services.accounts, auth: services.auth });
  await app.register(communityRoutes, { communities: services.communities });
  await app.register(liveRoutes, { hub: live, config });
  await app.register(topicRoutes, { topics: services.topics, revisions: services.topicRevisions });
  await app.register(postRoutes, { posts: services.posts });
  await app.register(moderationRoutes, { moderation: services.moderation });
  await app.register(topicModerationRoutes, { moderation: services.topicModeration });
  await app.register(engagementRoutes, { engagement: services.engagement });
  await app.register(mailRoutes, { mail: services.mail });
  await app.register(peopleRoutes, { people: services.people });
  await app.register(searchRoutes, { search: services.search });
  await app.register(notificationRoutes, { notifications: services.notifications, invitations: services.invitations });

  // Notifications: every process runs the notifier; a community's events are read by one process at a time.
  const notifier = createNotifier({ db: options.database.db, log: app.log, intervalMs: config.notifierIntervalMs, settle: () => sequencer.settle() });
  app.decorate('notifier', notifier);
  // Reply by email (REPLY_TO_DOMAIN + INBOUND_SMTP_PORT): signed reply addresses, and our SMTP listener.
  const inbound = config.mail.inbound;
  const addresses = inbound ? replyAddresses(secretSource(options.database.db, 'reply'), inbound.replyToDomain) : undefined;
  const notificationMailer = createNotificationMailer({
    db: options.database.db,
    log: app.log,
    publicUrl: config.publicUrl,
    intervalMs: config.notifierIntervalMs,
    settleMs: config.notificationMailSettleMs,
    mailQueued: () => mailWorker.poke(),
    ...(addresses ? { replyAddress: (target: ReplyTarget) => addresses.address(target) } : {}),
  });
  let inboundSmtp: InboundSmtp | undefined;
  if (inbound && addresses) {
    const replies = createReplyByMail({
      db: options.database.db,
      log: app.log,
      publicUrl: config.publicUrl,
      addresses,
      users,
      posts: services.posts,
      mailQueued: () => mailWorker.poke(),
    });
    app.addHook('onReady', async () => {
      inboundSmtp = await startInboundSmtp({ port: inbound.port, host: inbound.host, log: app.log, accepts: replies.accepts, handle: replies.handle });
      app.log.info(`mail: taking replies by email on port ${inboundSmtp.port} for ${inbound.replyToDomain}`);
    });
    app.addHook('preClose', async () => inboundSmtp?.close());
  }
  app.decorate('inboundSmtpPort', () => inboundSmtp?.port);
  app.decorate('notificationMailer', notificationMailer);
  await app.register(unsubscribeRoutes, { notifications: services.notifications, verify: notificationMailer.tokens.verify });
  app.addHook('onReady', async () => {
    notifier.start();
    notificationMailer.start();
  });
  app.addHook('preClose', async () => {
    await notifier.stop();
    await notificationMailer.stop();
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(staticClient);
  return app;
}
