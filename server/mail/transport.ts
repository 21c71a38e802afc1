// Where outgoing mail goes. With SMTP_URL: that server, through nodemailer. Without it (the embedded default): each
// message is written as an .eml file into DATA_DIR/outbox/, so a newcomer can see what would have been sent.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { MailMessage } from './message.js';

export interface MailTransport {
  /** 'smtp' sends for real; 'outbox' writes files. */
  kind: 'smtp' | 'outbox';
  /** Resolves once the server accepted the message (or the file is written); rejects otherwise. */
  send(to: string, message: MailMessage): Promise<void>;
  /** For the start-up log, without credentials. */
  describe(): string;
  close(): void;
}

export interface MailTransportOptions {
  smtpUrl: string | undefined;
  from: string;
  outboxDir: string;
}

export function createMailTransport(options: MailTransportOptions): MailTransport {
  return options.smtpUrl ? smtpTransport(options.smtpUrl, options.from) : outboxTransport(options.outboxDir, options.from);
}

function smtpTransport(url: string, from: string): MailTransport {
  // No pooled connections: a worker sends a handful of mails per tick, and a fresh connection sees a restarted server.
  const transporter = nodemailer.createTransport(url);
  const where = new URL(url);
  return {
    kind: 'smtp',
    async send(to, message) {
      await transporter.sendMail(toNodemailer(from, to, message));
    },
    describe: () => `SMTP server ${where.hostname}:${where.port || (where.protocol === 'smtps:' ? 465 : 587)}`,
    close: () => transporter.close(),
  };
}

function outboxTransport(dir: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'outbox',
    async send(to, message) {
      const info = await transporter.sendMail(toNodemailer(from, to, message));
      await mkdir(dir, { recursive: true });
      // Sortable by time; the Message-ID's local part keeps names unique and tells which job wrote it.
      const local = message.messageId.replace(/^<|@.*$/g, '').replace(/[^A-Za-z0-9._-]/g, '_');
      await writeFile(join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${local}.eml`), info.message as Buffer);
    },
    describe: () => `the outbox folder ${dir} (SMTP_URL is not set: nothing leaves this machine)`,
    close: () => undefined,
  };
}

function toNodemailer(from: string, to: string, m: MailMessage): SendMailOptions {
  return {
    from,
    to,
    subject: m.subject,
    text: m.text,
    html: m.html,
    messageId: m.messageId,
    ...(m.inReplyTo ? { inReplyTo: m.inReplyTo } : {}),
    ...(m.references?.length ? { references: m.references } : {}),
    ...(m.replyTo ? { replyTo: m.replyTo } : {}),
    headers: m.headers ?? {},
  };
}

export interface OutboxEntry {
  name: string;
  bytes: number;
  writtenAt: string;
}

/** The outbox's files, newest first (the admin page lists them). */
export async function listOutbox(dir: string, limit = 100): Promise<OutboxEntry[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.eml'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  names.sort().reverse();
  return Promise.all(
    names.slice(0, limit).map(async (name) => {
      const s = await stat(join(dir, name));
      return { name, bytes: s.size, writtenAt: s.mtime.toISOString() };
    }),
  );
}

/** One outbox file's raw text; undefined for a name that is not a file of the outbox. */
export async function readOutboxFile(dir: string, name: string): Promise<string | undefined> {
  if (!/^[A-Za-z0-9._-]+\.eml$/.test(name)) return undefined;
  try {
    return await readFile(join(dir, name), 'utf8');
  } catch {
    return undefined;
  }
}
