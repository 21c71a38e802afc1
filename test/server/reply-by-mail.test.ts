// Reply by email: a notification mail's Reply-To is a signed, single-member address; a reply sent there (to
// Stoa's own SMTP listener) is posted as that member in the right place, through every rule of the web path.
import nodemailer from 'nodemailer';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyText } from '../../server/mail/inbound.js';
import { createTestApp, testConfig, type TestApp } from '../helpers/app.js';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

let t: TestApp;
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  const base = testConfig();
  t = await createTestApp({
    mail: { ...base.mail, smtpUrl: smtp.url, retryBaseMs: 50, inbound: { replyToDomain: 'reply.stoa.test', port: 0, host: '127.0.0.1' } },
    notificationMailSettleMs: 0,
  });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

async function settle() {
  await t.app.notifier.drain();
  await t.app.notificationMailer.drain();
  await t.app.mail.drain();
}

/** Sends a mail to Stoa's listener as a member's mail client would. */
function send(from: string, to: string, text: string, messageId?: string) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: t.app.inboundSmtpPort()!, secure: false, ignoreTLS: true });
  return transport.sendMail({ from, to, subject: 'Re: notification', text, ...(messageId ? { messageId } : {}) });
}

async function posts(topicId: string) {
  return t.testDb.database.rows<{ body_md: string; parent_id: string | null; author_id: string }>(
    sql`select body_md, parent_id, author_id from posts where topic_id = ${topicId} order by created_at, id`,
  );
}

describe('reply by email', () => {
  it('posts the reply as the member under the post the mail was about, once; forged or foreign senders are refused; a refused reply bounces', async () => {
    const community = await t.makeCommunity();
    const ana = await t.makeMember(community.id, [], { displayName: 'Ana Mailer' });
    const ben = await t.makeMember(community.id, [], { displayName: 'Ben Poster' });
    await t.testDb.database.rows(sql`update users set email_preference = 'immediate', email_verified_at = now() where id = ${ana.id}`);
    const anaAgent = await t.as(ana);
    const topic = (await anaAgent.post(`/api/communities/${community.id}/topics`, { kind: 'problem', title: 'Mail replies', body: 'Q' })).json();
    const benPost = (await (await t.as(ben)).post(`/api/topics/${topic.id}/posts`, { body: 'Ben asks back' })).json();
    await settle();
    const [mail] = smtp.received.filter((m) => m.to.includes(ana.email));
    const replyTo = mail!.parsed.replyTo!.value[0]!.address!;
    expect(replyTo).toMatch(/^reply\+p[A-Za-z0-9_-]+.[A-Za-z0-9_-]{12}@reply\.stoa\.test$/);
    expect(replyTo.split('@')[0]!.length).toBeLessThanOrEqual(64);
    expect(mail!.parsed.text).toContain('Reply above this line');

    const text = 'I answer by mail.\n\nOn Mon, 7 Dec 2026, Stoa wrote:\n> ## Reply above this line to answer by email ##\n> Ben Poster replied';
    await send(ana.email, replyTo, text, '<reply-1@mail.example.org>');
    await send(ana.email, replyTo, text, '<reply-1@mail.example.org>'); // the same message again
    expect((await posts(topic.id)).filter((p) => p.author_id === ana.id)).toEqual([{ body_md: 'I answer by mail.', parent_id: benPost.id, author_id: ana.id }]);

    // A damaged token is refused at RCPT TO; another member's address gets nowhere.
    const forged = replyTo.replace(/\.(.)/, (_m, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
    await expect(send(ana.email, forged, 'Forged')).rejects.toThrow(/550/);
    await send(ben.email, replyTo, 'Ben pretending to be Ana', '<reply-2@mail.example.org>');
    expect((await posts(topic.id)).map((p) => p.body_md)).not.toContain('Ben pretending to be Ana');

    // The web path's rules apply: a watched word that blocks refuses it, and Ana gets a bounce saying why.
    const moderator = await t.as(await t.makeMember(community.id, ['moderator']));
    await moderator.put(`/api/communities/${community.id}/watched-words`, { words: [{ phrase: 'forbidden', action: 'block' }] });
    smtp.received.length = 0;
    await send(ana.email, replyTo, 'A forbidden word', '<reply-3@mail.example.org>');
    await t.app.mail.drain();
    const bounce = smtp.received.find((m) => m.to.includes(ana.email));
    expect(bounce?.parsed.subject).toBe('Not posted: your reply');
    expect(bounce?.parsed.text).toContain('This community does not allow "forbidden". Please reword your post.');
    expect((await posts(topic.id)).map((p) => p.body_md)).not.toContain('A forbidden word');
  });

  it('keeps only the member\'s words: quoted lines, "On … wrote:" and signatures go', () => {
    expect(replyText('Yes.\r\n\r\n-- \r\nAna\r\n')).toBe('Yes.');
    expect(replyText('First line\n> quoted\nSecond line\n\nOn Tue, Ben wrote:\n> old')).toBe('First line\nSecond line');
    expect(replyText('## Reply above this line ##\nHello')).toBe('');
  });
});
