// Every environment variable the server reads, validated once at start-up.
// A wrong value stops start-up with a message that names the variable.
import { join } from 'node:path';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { availableParallelism } from 'node:os';
import type { PostingLimits } from './domain/posting-limits.js';
import { chooseLogFormat, type LogFormat } from './logging.js';

const Env = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^/]+' })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  ADMIN_EMAIL: Type.Optional(Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$' })),
  ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 10 })),
  DEMO: Type.Optional(Type.Union([Type.Literal('0'), Type.Literal('1')])),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  /** pretty (one readable line per request) or json; unset: json when NODE_ENV=production or LOG_LEVEL is debug/trace. */
  LOG_FORMAT: Type.Optional(Type.Union([Type.Literal('pretty'), Type.Literal('json')])),
  NODE_ENV: Type.Optional(Type.String()),
  TRUST_PROXY: Type.Optional(Type.String({ minLength: 1 })),
  REPORT_PARALLELISM: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 })),
  /** One or more comma-separated secrets (≥ 32 characters each) that sign device cookies. */
  COOKIE_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  SIGNIN_FAILURES_PER_ADDRESS: Type.Integer({ minimum: 10, maximum: 1_000_000, default: 300 }),
  /** smtp://user:pass@host:587 or smtps://…:465; unset: mail goes as .eml files into DATA_DIR/outbox/. */
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://[^/]+' })),
  /** The From of every mail, e.g. `Stoa <stoa@example.org>`; unset: stoa@ the PUBLIC_URL's host. */
  MAIL_FROM: Type.Optional(Type.String({ minLength: 3, pattern: '@' })),
  /** Reply by email: notification mails carry reply+<signed token>@REPLY_TO_DOMAIN, which Stoa's own SMTP
   *  listener on INBOUND_SMTP_PORT receives (the domain's MX must point there). Both or neither. */
  REPLY_TO_DOMAIN: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$|^localhost$' })),
  INBOUND_SMTP_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  // Posting limits per member (server/domain/posting-limits.ts); 0 turns one off.
  POST_INTERVAL_SECONDS: Type.Integer({ minimum: 0, maximum: 3600, default: 5 }),
  POSTS_PER_HOUR: Type.Integer({ minimum: 0, maximum: 100_000, default: 60 }),
  TOPIC_INTERVAL_SECONDS: Type.Integer({ minimum: 0, maximum: 3600, default: 15 }),
  TOPICS_PER_HOUR: Type.Integer({ minimum: 0, maximum: 100_000, default: 10 }),
  PREMODERATED_LIMIT_FACTOR: Type.Integer({ minimum: 1, maximum: 100, default: 6 }),
  // Markdown rendering in worker threads (server/domain/markdown-pool.ts).
  MARKDOWN_THREADS: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
  MARKDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 2000 }),
  /** Topic views are noted in memory and recorded in batches this often (0: as each topic is opened). */
  VIEW_FLUSH_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 5000 }),
});

/** Outgoing mail (server/mail/): where it goes and how the delivery jobs behave. */
export interface MailConfig {
  smtpUrl: string | undefined;
  from: string;
  /** Where mails go without SMTP_URL. */
  outboxDir: string;
  pollMs: number;
  retryBaseMs: number;
  maxAttempts: number;
  leaseMs: number;
  /** Reply by email (both set) or not (undefined). */
  inbound: { replyToDomain: string; port: number; host: string } | undefined;
}

/** At most `maxFailures` failed sign-ins within `windowMs`; the next attempt is refused (429) until one ages out. */
export interface SignInLimit {
  maxFailures: number;
  windowMs: number;
}

/** Sign-in throttling (features/auth/sign-in-limits.ts, OWASP's device-cookie pattern). */
export interface SignInLimits {
  /** One account guessed from one address by a browser without that account's device cookie. */
  accountAddress: SignInLimit;
  /** One account from one trusted browser (its device cookie): only that browser waits. */
  accountDevice: SignInLimit;
  /** One account from everywhere without its device cookie (slows guessing from many addresses). */
  accountUntrusted: SignInLimit;
  /** One address, every account, browsers without a device cookie for the account they try. */
  address: SignInLimit;
}

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  publicOrigin: string;
  secureCookies: boolean;
  databaseUrl: string | undefined;
  dataDir: string;
  admin: { email: string; password: string } | undefined;
  demo: boolean;
  logLevel: string;
  /** pretty: readable lines for a terminal; json: pino's JSON lines for a log collector (server/logging.ts). */
  logFormat: LogFormat;
  /** false, true, a hop count, or a comma-separated list of trusted addresses (Fastify's trustProxy). */
  trustProxy: boolean | number | string;
  /** Statements the per-topic engagement report runs side by side on PostgreSQL (about the server's cores); unset: 2. */
  reportParallelism: number | undefined;
  /** Secrets that sign device cookies: the first signs, every one verifies (rotation). Unset: one generated
   *  on first use and kept in the database (`server_secrets`), shared by all processes and restarts. */
  cookieSecrets: string[] | undefined;
  signInLimits: SignInLimits;
  /** How fast a member may create replies and topics; null: no limits (demo seeding). */
  postingLimits: PostingLimits | null;
  /** Markdown is rendered in this many worker threads; a text that takes longer than timeoutMs → 422. */
  markdown: { threads: number; timeoutMs: number };
  /** Interval of the scheduled-prompt release loop; tests shorten it. */
  scheduleIntervalMs: number;
  /** Live updates: WebSocket ping interval (a socket that missed the previous pong is terminated). */
  liveHeartbeatMs: number;
  /** Live updates: how often open sockets re-check their session and memberships. */
  liveSessionCheckMs: number;
  /** Live updates: a socket whose unsent data exceeds this many bytes is closed (1013) as too slow. */
  liveSendBufferBytes: number;
  /** How often events older than the retention window are pruned from the event log. */
  eventPruneIntervalMs: number;
  mail: MailConfig;
  /** How often the notifier reads new events into notifications. */
  notifierIntervalMs: number;
  /** How often noted topic views are recorded (0: at once, in the request). */
  viewFlushMs: number;
  /** Immediate mail: how long one member's notifications for a topic gather before they go in one mail. */
  notificationMailSettleMs: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(Env.properties)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const withDefaults = Value.Convert(Env, Value.Default(Env, known));
  const errors = [...Value.Errors(Env, withDefaults)];
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const variable = e.instancePath.replace(/^\//, '') || String((e.params as { requiredProperties?: string[] }).requiredProperties ?? '');
      return `${variable}: ${e.message} (got ${JSON.stringify(known[variable] ?? null)})`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const v = withDefaults as Static<typeof Env>;
  if ((v.REPLY_TO_DOMAIN === undefined) !== (v.INBOUND_SMTP_PORT === undefined)) {
    throw new ConfigError('Invalid configuration:\n  REPLY_TO_DOMAIN and INBOUND_SMTP_PORT must be set together');
  }
  if ((v.ADMIN_EMAIL === undefined) !== (v.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('Invalid configuration:\n  ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  const cookieSecrets = v.COOKIE_SECRET?.split(',').map((secret) => secret.trim());
  if (cookieSecrets?.some((secret) => secret.length < 32)) {
    throw new ConfigError('Invalid configuration:\n  COOKIE_SECRET: each comma-separated secret must have at least 32 characters');
  }
  const publicUrl = (v.PUBLIC_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, '');
  let publicOrigin: string;
  try {
    publicOrigin = new URL(publicUrl).origin;
  } catch {
    throw new ConfigError(`Invalid configuration:\n  PUBLIC_URL: not a URL (got ${JSON.stringify(publicUrl)})`);
  }
  return {
    port: v.PORT,
    host: v.HOST,
    publicUrl,
    publicOrigin,
    secureCookies: publicOrigin.startsWith('https:'),
    databaseUrl: v.DATABASE_URL,
    dataDir: v.DATA_DIR,
    admin: v.ADMIN_EMAIL && v.ADMIN_PASSWORD ? { email: v.ADMIN_EMAIL.toLowerCase(), password: v.ADMIN_PASSWORD } : undefined,
    demo: v.DEMO === undefined ? v.DATABASE_URL === undefined : v.DEMO === '1',
    logLevel: v.LOG_LEVEL,
    logFormat: chooseLogFormat(v, v.LOG_LEVEL),
    trustProxy: parseTrustProxy(v.TRUST_PROXY),
    reportParallelism: v.REPORT_PARALLELISM,
    cookieSecrets,
    signInLimits: {
      accountAddress: { maxFailures: 5, windowMs: 15 * 60_000 },
      accountDevice: { maxFailures: 5, windowMs: 15 * 60_000 },
      accountUntrusted: { maxFailures: 10, windowMs: 15 * 60_000 },
      address: { maxFailures: v.SIGNIN_FAILURES_PER_ADDRESS, windowMs: 60 * 60_000 },
    },
    postingLimits: {
      post: { intervalSeconds: v.POST_INTERVAL_SECONDS, perHour: v.POSTS_PER_HOUR },
      topic: { intervalSeconds: v.TOPIC_INTERVAL_SECONDS, perHour: v.TOPICS_PER_HOUR },
      premoderatedFactor: v.PREMODERATED_LIMIT_FACTOR,
    },
    // Unset: one core is left to the request thread (which must stay responsive), at most 4 threads.
    markdown: { threads: v.MARKDOWN_THREADS ?? Math.max(1, Math.min(4, availableParallelism() - 1)), timeoutMs: v.MARKDOWN_TIMEOUT_MS },
    scheduleIntervalMs: 15_000,
    liveHeartbeatMs: 30_000,
    liveSessionCheckMs: 30_000,
    liveSendBufferBytes: 1024 * 1024,
    eventPruneIntervalMs: 60 * 60_000,
    notifierIntervalMs: 2_000,
    viewFlushMs: v.VIEW_FLUSH_MS,
    notificationMailSettleMs: 45_000,
    mail: {
      smtpUrl: v.SMTP_URL,
      from: v.MAIL_FROM ?? `Stoa <stoa@${new URL(publicUrl).hostname}>`,
      outboxDir: join(v.DATA_DIR, 'outbox'),
      pollMs: 5_000,
      retryBaseMs: 30_000,
      maxAttempts: 8,
      leaseMs: 10 * 60_000,
      inbound: v.REPLY_TO_DOMAIN && v.INBOUND_SMTP_PORT !== undefined ? { replyToDomain: v.REPLY_TO_DOMAIN, port: v.INBOUND_SMTP_PORT, host: v.HOST } : undefined,
    },
  };
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value; // addresses or CIDR ranges, as Fastify's trustProxy accepts
}
