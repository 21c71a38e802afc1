// Notifications by mail, as each member chose (users.email_preference): immediately (what arrives for one topic
// within a minute goes in one mail), a daily or weekly digest, or never. Only to confirmed addresses, only what
// the member may still see. Mails are queued as jobs (server/mail/queue.ts) with their notifications marked
// mailed in the same transaction, so nothing is mailed twice; every mail carries a one-click unsubscribe
// (RFC 8058) and threading headers, so a mail client groups one topic's mails.
import type { FastifyBaseLogger } from 'fastify';
import type { Db, DbOrTx } from '../../db/client.js';
import { createMac, secretSource, type SecretSource } from '../../domain/signing.js';
import { renderMailBody } from '../../mail/layout.js';
import { newMessageId, threadMessageId } from '../../mail/message.js';
import { enqueueMail } from '../../mail/queue.js';
import { notificationPath, presentNotification } from './present.js';
import * as mail from './mail-queries.js';

export interface NotificationMailerOptions {
  db: Db;
  log: FastifyBaseLogger;
  publicUrl: string;
  intervalMs: number;
  /** How long a (member, topic) group waits for more before its immediate mail goes. */
  settleMs: number;
  /** Wakes the mail worker after mails were queued. */
  mailQueued: () => void;
  /** Reply by email: the member's signed reply address for a post or topic (absent: replies are not taken). */
  replyAddress?: (target: { userId: string; kind: 'p' | 't'; id: string }) => Promise<string>;
  now?: () => Date;
}

const DAY = 86_400_000;
/** The hour (UTC) from which the day's digests go out. */
const DIGEST_HOUR = 7;

/** Signs "unsubscribe this member" so a link cannot be forged or pointed at someone else. */
export function unsubscribeTokens(secrets: SecretSource) {
  const mac = createMac(secrets, { purpose: 'unsubscribe' });
  return {
    async issue(userId: string) {
      return `${userId}.${await mac.sign(userId)}`;
    },
    /** The member the token is for, or null for a forged or damaged one. */
    async verify(token: string): Promise<string | null> {
      const [userId, sig] = token.split('.');
      if (!userId || !sig || !/^[0-9a-f-]{36}$/i.test(userId)) return null;
      return (await mac.verify(userId, sig)) ? userId : null;
    },
  };
}

export function createNotificationMailer(options: NotificationMailerOptions) {
  const { db, log, publicUrl } = options;
  const now = options.now ?? (() => new Date());
  const tokens = unsubscribeTokens(secretSource(db, 'unsubscribe'));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function unsubscribeHeaders(userId: string) {
    const url = `${publicUrl}/unsubscribe/${await tokens.issue(userId)}`;
    return { url, headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } };
  }

  const footer = (unsubscribeUrl: string, why: string) => [
    why,
    `Choose how Stoa mails you on your notifications page: ${publicUrl}/notifications`,
    `Stop all mail from Stoa: ${unsubscribeUrl}`,
  ];

  async function immediate(): Promise<number> {
    const items = await mail.dueImmediate(db, options.settleMs, 50);
    const groups = new Map<string, mail.MailableNotification[]>();
    for (const n of items) {
      const key = `${n.user_id}|${n.topic_id ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), n]);
    }
    for (const group of groups.values()) {
      const first = group[0]!;
      const { url, headers } = await unsubscribeHeaders(first.user_id);
      const lines = group.map((n) => presentNotification(n));
      const root = first.topic_id ? threadMessageId(publicUrl, 'topic', first.topic_id) : undefined;
      const subject = first.topic_title ? `${first.topic_title} (${first.community_name})` : `News in ${first.community_name}`;
      const last = group.at(-1)!;
      const replyTo = options.replyAddress && last.topic_id
        ? await options.replyAddress({ userId: first.user_id, kind: last.post_id ? 'p' : 't', id: last.post_id ?? last.topic_id })
        : undefined;
      const body = renderMailBody({
        paragraphs: [
          ...(replyTo ? ['## Reply above this line to answer by email ##'] : []),
          `Hello ${first.display_name},`,
          ...lines.map((n) => `${n.text}${n.note ? ` — moderator's note: ${n.note}` : ''}`),
        ],
        action: { label: lines.length === 1 ? 'Open it' : 'Open the topic', url: `${publicUrl}${lines[0]!.url}` },
        footer: footer(url, 'You get this mail at once because you chose immediate mail.'),
      });
      await db.transaction(async (tx) => {
        await enqueueMail(tx, {
          kind: 'notification',
          to: first.email,
          userId: first.user_id,
          message: { subject, ...body, messageId: newMessageId(publicUrl, 'n'), ...(root ? { inReplyTo: root, references: [root] } : {}), ...(replyTo ? { replyTo } : {}), headers },
        });
        await mail.markMailed(tx, group.map((n) => Number(n.id)));
      });
    }
    return groups.size;
  }

  async function digests(kind: 'daily' | 'weekly'): Promise<number> {
    // Digests go out from DIGEST_HOUR UTC: daily ones each day, weekly ones on Mondays (or the first tick after,
    // if no process ran then). One per member and period (the job's dedupe key names the period's day).
    const t = now().getTime();
    let periodStart = new Date(Math.floor((t - DIGEST_HOUR * 3_600_000) / DAY) * DAY);
    if (kind === 'weekly') periodStart = new Date(periodStart.getTime() - ((periodStart.getUTCDay() + 6) % 7) * DAY);
    const since = new Date(now().getTime() - (kind === 'daily' ? 1 : 7) * DAY);
    let sent = 0;
    for (const member of await mail.dueDigests(db, kind, periodStart, 50)) {
      const items = await mail.digestItems(db, member.id, new Date(since.getTime() - 7 * DAY));
      if (items.length === 0) continue;
      const helpful = await mail.mostHelpful(db, member.id, since, 3);
      const { url, headers } = await unsubscribeHeaders(member.id);
      const communities = [...new Set(items.map((n) => n.community_name))];
      const section = (title: string, kinds: string[]) => {
        const lines = items.filter((n) => kinds.includes(n.kind)).map((n) => `• ${presentNotification(n).text} — ${publicUrl}${presentNotification(n).url}`);
        return lines.length ? [`${title}\n${lines.join('\n')}`] : [];
      };
      const body = renderMailBody({
        paragraphs: [
          `Hello ${member.display_name},`,
          `Your ${kind === 'daily' ? 'day' : 'week'} in ${communities.join(', ')}:`,
          ...section('Waiting for your answer', ['reply', 'mention']),
          ...section('New topics', ['topic']),
          ...section('Prompts now open', ['prompt']),
          ...section('In topics you watch', ['post']),
          ...section('About your posts', ['helpful', 'solution', 'moderation']),
          ...(helpful.length
            ? [
                `Most helpful this ${kind === 'daily' ? 'day' : 'week'}\n${helpful
                  .map((h) => `• ${h.author_name} in “${h.topic_title}” (${h.helpful_count} found it helpful) — ${publicUrl}${notificationPath(h.community_slug, h.topic_id, h.post_id)}`)
                  .join('\n')}`,
              ]
            : []),
        ],
        action: { label: 'Open your notifications', url: `${publicUrl}/notifications` },
        footer: footer(url, `You get this ${kind} digest because you chose it (daily is the default).`),
      });
      const dedupeKey = `digest:${kind}:${member.id}:${periodStart.toISOString().slice(0, 10)}`;
      await db.transaction(async (tx: DbOrTx) => {
        const queued = await enqueueMail(tx, {
          kind: 'digest',
          to: member.email,
          userId: member.id,
          dedupeKey,
          message: {
            subject: kind === 'daily' ? `Today in ${communities[0]}${communities.length > 1 ? ' and more' : ''}` : `This week in ${communities[0]}${communities.length > 1 ? ' and more' : ''}`,
            ...body,
            messageId: newMessageId(publicUrl, 'digest'),
            headers,
          },
        });
        if (queued) await mail.markMailed(tx, items.map((n) => Number(n.id)));
      });
      sent++;
    }
    return sent;
  }

  async function tick() {
    const queued = (await immediate()) + (await digests('daily')) + (await digests('weekly'));
    if (queued > 0) options.mailQueued();
  }

  function run(): Promise<void> {
    running ??= tick()
      .catch((err) => log.error({ err }, 'notifications: mailing failed'))
      .finally(() => (running = undefined));
    return running;
  }

  return {
    tokens,
    start() {
      timer = setInterval(() => void run(), options.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
    /** One pass (tests). */
    async drain() {
      while (running) await running;
      await tick();
    },
  };
}

export type NotificationMailer = ReturnType<typeof createNotificationMailer>;
