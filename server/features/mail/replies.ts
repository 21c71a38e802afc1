// Reply by email: a notification mail's Reply-To is reply+<token>@REPLY_TO_DOMAIN, the token signing (member,
// post or topic). A reply that arrives there is posted as that member, in that place, through the posts
// service — so every rule of the web path applies (policy, watched words, pre-moderation, posting limits,
// closed and locked topics). The sender must be the member's own address (a token names one member only); a
// forged or damaged token is refused before the data. A refused reply gets a short bounce saying why. A
// message delivered twice (same Message-ID) is posted once.
import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import type { UsersDeps } from '../../domain/deps.js';
import { createMac, type SecretSource } from '../../domain/signing.js';
import { AppError } from '../../errors.js';
import { renderMailBody } from '../../mail/layout.js';
import { newMessageId } from '../../mail/message.js';
import { enqueueMail } from '../../mail/queue.js';
import { replyText, type InboundMail } from '../../mail/inbound.js';
import type { PostService } from '../posts/service.js';

const uuidToB64 = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex').toString('base64url');
const b64ToUuid = (b: string) => {
  const hex = Buffer.from(b, 'base64url').toString('hex');
  return hex.length === 32 ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : null;
};

export interface ReplyTarget {
  userId: string;
  /** 'p': reply to this post; 't': answer the topic. */
  kind: 'p' | 't';
  id: string;
}

/** reply+<kind><user><id>.<mac>@domain: 64 characters before the @, SMTP's limit (a 72-bit MAC). */
export function replyAddresses(secrets: SecretSource, domain: string) {
  const mac = createMac(secrets, { purpose: 'reply', length: 12 });
  return {
    async address(target: ReplyTarget) {
      const payload = `${target.kind}${uuidToB64(target.userId)}${uuidToB64(target.id)}`;
      return `reply+${payload}.${await mac.sign(payload)}@${domain}`;
    },
    async parse(address: string): Promise<ReplyTarget | null> {
      // The local part is case-sensitive (RFC 5321), as the token is: only the domain is compared in any case.
      const m = /^reply\+([pt])([A-Za-z0-9_-]{22})([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{12})@(.+)$/.exec(address);
      if (!m || m[5]!.toLowerCase() !== domain.toLowerCase()) return null;
      const payload = `${m[1]}${m[2]}${m[3]}`;
      if (!(await mac.verify(payload, m[4]!))) return null;
      const userId = b64ToUuid(m[2]!);
      const id = b64ToUuid(m[3]!);
      return userId && id ? { userId, kind: m[1] as 'p' | 't', id } : null;
    },
  };
}

export function createReplyByMail({
  db,
  log,
  publicUrl,
  addresses,
  users,
  posts,
  mailQueued,
}: {
  db: Db;
  log: FastifyBaseLogger;
  publicUrl: string;
  addresses: ReturnType<typeof replyAddresses>;
  users: Pick<UsersDeps, 'findUserById'>;
  posts: Pick<PostService, 'create' | 'placeOf'>;
  mailQueued: () => void;
}) {
  async function bounce(to: string, userId: string | null, subject: string, why: string) {
    await enqueueMail(db, {
      kind: 'bounce',
      to,
      userId,
      message: { subject: `Not posted: ${subject}`, ...renderMailBody({ paragraphs: ['Your reply by email was not posted.', why], action: { label: 'Open Stoa', url: publicUrl } }), messageId: newMessageId(publicUrl, 'bounce') },
    });
    mailQueued();
  }

  return {
    accepts: async (address: string) => (await addresses.parse(address)) !== null,

    async handle(mail: InboundMail) {
      const target = await addresses.parse(mail.to);
      if (!target) return;
      const user = await users.findUserById(db, target.userId);
      // A token names one member: mail from any other address is not theirs to post (no bounce to a stranger).
      if (!user || (mail.from !== user.email && mail.envelopeFrom !== user.email)) {
        log.warn({ to: mail.to }, 'mail: a reply came from an address that is not the member’s; refused');
        return;
      }
      const body = replyText(mail.text);
      if (!body) return bounce(user.email, user.id, 'an empty reply', 'We found no text above the quoted mail.');
      const place = await posts.placeOf(target);
      if (!place) return bounce(user.email, user.id, 'a reply', 'What you replied to is no longer there.');
      // The same message delivered twice (a retrying mail server) posts once.
      const key = `mail:${createHash('sha256').update(mail.messageId ?? `${mail.to}|${body}`).digest('base64url').slice(0, 40)}`;
      try {
        const actor = { id: user.id, isAdmin: user.isAdmin, displayName: user.displayName };
        await posts.create(actor, place.topicId, { body, ...(place.parentId ? { parentId: place.parentId } : {}) }, key);
      } catch (err) {
        if (err instanceof AppError) return bounce(user.email, user.id, 'your reply', err.message);
        throw err;
      }
    },
  };
}

export type ReplyByMail = ReturnType<typeof createReplyByMail>;
