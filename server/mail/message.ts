// What a queued mail holds: enough to build it again at send time, nothing that depends on the sending process.
import { randomUUID } from 'node:crypto';

export interface MailMessage {
  subject: string;
  text: string;
  html: string;
  /** `<…@host>`; fixed when the mail is queued so a retry sends the same Message-ID. */
  messageId: string;
  /** Threading: a mail client groups one topic's mails under its root Message-ID. */
  inReplyTo?: string;
  references?: string[];
  replyTo?: string;
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
  headers?: Record<string, string>;
}

/** A fresh Message-ID on the public host. */
export function newMessageId(publicUrl: string, prefix = 'mail'): string {
  return `<${prefix}.${randomUUID()}@${new URL(publicUrl).hostname}>`;
}

/** A stable Message-ID for a thing (e.g. a topic's root), so every mail about it can reference the same one. */
export function threadMessageId(publicUrl: string, kind: string, id: string): string {
  return `<${kind}.${id}@${new URL(publicUrl).hostname}>`;
}
