// Stoa's own SMTP listener for reply by email (smtp-server; mailparser reads the message). It accepts mail only
// for addresses its `accepts` check signs off (reply+<token>@REPLY_TO_DOMAIN): anything else is refused at
// RCPT TO with 550, so forged addresses never get as far as the data.
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { FastifyBaseLogger } from 'fastify';

export interface InboundMail {
  /** The recipient address that was accepted (as sent: a local part is case-sensitive). */
  to: string;
  /** The envelope sender and the From header's address (lower-case). */
  envelopeFrom: string;
  from: string;
  messageId: string | undefined;
  text: string;
}

export interface InboundOptions {
  port: number;
  host: string;
  log: FastifyBaseLogger;
  /** Is this an address we take mail for? */
  accepts(address: string): Promise<boolean>;
  /** Handles one accepted message before it is acknowledged; its errors are logged (a refusal is bounced by mail). */
  handle(mail: InboundMail): Promise<void>;
  maxBytes?: number;
}

export async function startInboundSmtp(options: InboundOptions) {
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: maxBytes,
    onRcptTo(address, _session, callback) {
      options
        .accepts(address.address)
        .then((ok) => callback(ok ? undefined : Object.assign(new Error('No such recipient'), { responseCode: 550 })))
        .catch(() => callback(Object.assign(new Error('Try again later'), { responseCode: 451 })));
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          if ((stream as { sizeExceeded?: boolean }).sizeExceeded) return callback(Object.assign(new Error('Message too large'), { responseCode: 552 }));
          // Handled before the 250: a sender whose connection drops retries, and the Message-ID keeps that to one post.
          const from = parsed.from?.value[0]?.address?.toLowerCase() ?? '';
          for (const rcpt of session.envelope.rcptTo) {
            await options
              .handle({
                to: rcpt.address,
                envelopeFrom: (session.envelope.mailFrom || { address: '' }).address.toLowerCase(),
                from,
                messageId: parsed.messageId,
                text: parsed.text ?? '',
              })
              .catch((err) => options.log.error({ err }, 'mail: a reply by email failed'));
          }
          callback();
        })
        .catch((err) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type InboundSmtp = Awaited<ReturnType<typeof startInboundSmtp>>;

/** Where the member's words end: our marker, a client's "On … wrote:", a signature, or quoted lines. */
export function replyText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  for (const line of lines) {
    if (/^#+ ?Reply above this line/i.test(line.trim())) break;
    if (/^On .+wrote:\s*$/.test(line.trim()) || /^-{2,}\s*Original Message/i.test(line.trim()) || line.trim() === '--') break;
    if (/^>/.test(line)) continue;
    out.push(line);
  }
  return out.join('\n').trim();
}
