// What admins may see of outgoing mail: the outbox of the embedded default (SMTP_URL unset).
import type { MailConfig } from '../../config.js';
import { notFound } from '../../errors.js';
import { listOutbox, readOutboxFile } from '../../mail/transport.js';
import { authorize, type Actor } from '../../policy/policy.js';

export function createMailService({ mail }: { mail: Pick<MailConfig, 'smtpUrl' | 'outboxDir'> }) {
  return {
    async outbox(actor: Actor | null) {
      authorize(actor, 'mail.outbox');
      return { delivery: mail.smtpUrl ? ('smtp' as const) : ('outbox' as const), items: mail.smtpUrl ? [] : await listOutbox(mail.outboxDir) };
    },

    async outboxFile(actor: Actor | null, name: string) {
      authorize(actor, 'mail.outbox');
      const raw = mail.smtpUrl ? undefined : await readOutboxFile(mail.outboxDir, name);
      if (raw === undefined) throw notFound('Mail');
      return raw;
    },
  };
}

export type MailService = ReturnType<typeof createMailService>;
