// Notifications by mail through a real SMTP server: immediate mail grouped per topic, sent once, threaded;
// digests with what they should hold and nothing hidden; one-click unsubscribe without a session.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, testConfig, type Agent, type TestApp, type TestUser } from '../helpers/app.js';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

let t: TestApp;
let smtp: TestSmtpServer;
let communityId: string;

async function member(name: string, email: 'immediate' | 'daily' | 'weekly' | 'never', verified = true) {
  const user = await t.makeMember(communityId, [], { displayName: name });
  await t.testDb.database.rows(sql`update users set email_preference = ${email}, email_verified_at = ${verified ? sql`now()` : null} where id = ${user.id}`);
  return { user, agent: await t.as(user) };
}

/** Notifier, mailer and mail worker, each once: what would happen within a minute. */
async function settle() {
  await t.app.notifier.drain();
  await t.app.notificationMailer.drain();
  await t.app.mail.drain();
}

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  t = await createTestApp({ mail: { ...testConfig().mail, smtpUrl: smtp.url, retryBaseMs: 50 }, notificationMailSettleMs: 0 });
  communityId = (await t.makeCommunity({ name: 'ELT Teacher Trainers' })).id;
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});
beforeEach(async () => {
  await settle();
  smtp.received.length = 0;
});

describe('immediate mail', () => {
  let ana: { user: TestUser; agent: Agent };
  let ben: { user: TestUser; agent: Agent };
  beforeAll(async () => {
    ana = await member('Ana Immediate', 'immediate');
    ben = await member('Ben Writer', 'never');
  });

  it('puts what arrived for one topic in one mail, sent once, threaded, with one-click unsubscribe', async () => {
    const topic = (await ana.agent.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Late trainees', body: 'What works?' })).json();
    await ben.agent.post(`/api/topics/${topic.id}/posts`, { body: 'Start on time anyway.' });
    await ben.agent.post(`/api/topics/${topic.id}/posts`, { body: 'And a second thought.' });
    await settle();
    await settle();
    const toAna = smtp.received.filter((m) => m.to.includes(ana.user.email));
    expect(toAna).toHaveLength(1);
    const mail = toAna[0]!;
    expect(mail.parsed.subject).toBe('Late trainees (ELT Teacher Trainers)');
    expect(mail.parsed.text).toContain('Ben Writer replied to you in “Late trainees”');
    expect(mail.parsed.text!.match(/replied to you/g)).toHaveLength(2);
    expect(mail.parsed.html).toContain('Ben Writer replied to you in “Late trainees”');
    const root = `<topic.${topic.id}@${new URL(t.config.publicUrl).hostname}>`;
    expect(mail.parsed.inReplyTo).toBe(root);
    expect(mail.parsed.references).toBe(root);
    expect(mail.parsed.messageId).toMatch(/^<n\..+@/);
    expect(mail.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    const unfolded = mail.raw.replace(/\r?\n[ \t]+/g, ' '); // long headers are folded
    expect(unfolded).toMatch(new RegExp(`^List-Unsubscribe: <${t.config.publicUrl}/unsubscribe/[^>]+>\r?$`, 'm'));
  });

  it('sends nothing to an address that is not confirmed, or to a member who chose never', async () => {
    const unconfirmed = await member('Una Unconfirmed', 'immediate', false);
    const topic = (await unconfirmed.agent.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Unconfirmed', body: 'Q' })).json();
    const mine = (await ben.agent.post(`/api/topics/${topic.id}/posts`, { body: 'A reply to Una' })).json();
    await unconfirmed.agent.post(`/api/topics/${topic.id}/posts`, { body: 'A reply to Ben', parentId: mine.id });
    await settle();
    expect(smtp.received.filter((m) => m.to.includes(unconfirmed.user.email) || m.to.includes(ben.user.email))).toEqual([]);
  });
});

describe('digests', () => {
  it('a daily digest holds new topics and replies, not what a moderator removed since; one per day', async () => {
    const cai = await member('Cai Digest', 'daily');
    const dee = await member('Dee Facilitator', 'never');
    await settle();
    smtp.received.length = 0;
    const kept = (await dee.agent.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Feedback sandwiches', body: 'Useful?' })).json();
    const removed = (await dee.agent.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Names a trainee', body: 'Oops' })).json();
    await t.app.notifier.drain();
    const moderator = await t.as(await t.makeMember(communityId, ['moderator']));
    expect((await moderator.post(`/api/topics/${removed.id}/removal`, { reason: 'Names a trainee' })).statusCode).toBe(200);
    await settle();
    const digest = smtp.received.filter((m) => m.to.includes(cai.user.email));
    expect(digest).toHaveLength(1);
    expect(digest[0]!.parsed.subject).toBe('Today in ELT Teacher Trainers');
    expect(digest[0]!.parsed.text).toContain('New topics');
    expect(digest[0]!.parsed.text).toContain('“Feedback sandwiches”');
    expect(digest[0]!.parsed.text).toContain(`/t/${kept.id}`);
    expect(digest[0]!.parsed.text).not.toContain('Names a trainee');
    expect(digest[0]!.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);

    // Later the same day: no second daily digest.
    await dee.agent.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Another one', body: 'Q' });
    await settle();
    expect(smtp.received.filter((m) => m.to.includes(cai.user.email))).toHaveLength(1);
  });
});

describe('one-click unsubscribe', () => {
  it('stops all mail from a link in the mail, without a session; a forged link is refused', async () => {
    const eve = await member('Eve Unsubscriber', 'immediate');
    const writer = await member('Fay Writer', 'never');
    const topic = (await eve.agent.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Unsubscribing', body: 'Q' })).json();
    await writer.agent.post(`/api/topics/${topic.id}/posts`, { body: 'First reply' });
    await settle();
    const [mail] = smtp.received.filter((m) => m.to.includes(eve.user.email));
    const url = /List-Unsubscribe: <(http[^>]+\/unsubscribe\/[^>]+)>/.exec(mail!.raw.replace(/\r?\n[ \t]+/g, ' '))![1]!;
    const path = new URL(url).pathname;

    const forged = path.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await t.anonymous.request('POST', forged, 'List-Unsubscribe=One-Click', { 'content-type': 'application/x-www-form-urlencoded' })).statusCode).toBe(404);
    const pageRes = await t.anonymous.get(path);
    expect(pageRes.statusCode).toBe(200);
    expect(pageRes.body).toContain('Stop all mail');
    // A mail client posts from anywhere: no session, no Origin of ours.
    const res = await t.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://mail.example.com' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(res.statusCode).toBe(200);
    expect((await eve.agent.get('/api/me/preferences')).json()).toEqual({ email: 'never' });

    smtp.received.length = 0;
    await writer.agent.post(`/api/topics/${topic.id}/posts`, { body: 'Second reply' });
    await settle();
    expect(smtp.received.filter((m) => m.to.includes(eve.user.email))).toEqual([]);
    // Still told in the app.
    expect((await eve.agent.get('/api/notifications?unread=true')).json().unreadCount).toBeGreaterThan(0);
  });
});

describe("inviting a topic's silent readers", () => {
  it('invites readers who never posted once, with the note, by notification and one mail; counts who posted afterwards', async () => {
    const facilitator = await t.as(await t.makeMember(communityId, ['facilitator'], { displayName: 'Fran Facilitator' }));
    const reader = await member('Rita Reader', 'daily');
    const quiet = await member('Quinn Quiet', 'never');
    const poster = await member('Pat Poster', 'never');
    const topic = (await facilitator.post(`/api/communities/${communityId}/topics`, { kind: 'cpd', title: 'Dialogic feedback', article: 'Read.', prompts: [{ body: 'Your view?' }] })).json();
    for (const who of [reader, quiet, poster]) expect((await who.agent.get(`/api/topics/${topic.id}`)).statusCode).toBe(200); // a read
    await poster.agent.post(`/api/topics/${topic.id}/posts`, { body: 'I posted.' });
    await settle();
    smtp.received.length = 0;

    expect((await reader.agent.post(`/api/topics/${topic.id}/invitations`, { readers: true, note: 'Join us' })).statusCode).toBe(403);
    const blank = await facilitator.post(`/api/topics/${topic.id}/invitations`, { readers: true, note: '  ' });
    expect(blank.json()).toMatchObject({ status: 400, code: 'empty_text', field: 'note' });

    const sent = await facilitator.post(`/api/topics/${topic.id}/invitations`, { readers: true, note: 'Your practice in rural schools would help us here.' });
    expect(sent.statusCode).toBe(201);
    expect(sent.json()).toEqual({ invited: 2 });
    await settle();
    const mails = smtp.received.filter((m) => m.parsed.subject === 'Fran Facilitator invites you to “Dialogic feedback”');
    expect(mails.map((m) => m.to)).toEqual([[reader.user.email]]); // Quinn chose no mail
    expect(mails[0]!.parsed.text).toContain('Your practice in rural schools would help us here.');
    for (const who of [reader, quiet]) {
      const [n] = (await who.agent.get('/api/notifications?unread=true')).json().items;
      expect(n).toMatchObject({ kind: 'invitation', text: 'Fran Facilitator invites you to join the discussion in “Dialogic feedback”', note: 'Your practice in rural schools would help us here.' });
    }
    expect((await poster.agent.get('/api/notifications?unread=true')).json().items.filter((n: { kind: string }) => n.kind === 'invitation')).toEqual([]);

    const again = await facilitator.post(`/api/topics/${topic.id}/invitations`, { readers: true, note: 'Again' });
    expect(again.statusCode).toBe(429);
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(80_000);

    await reader.agent.post(`/api/topics/${topic.id}/posts`, { body: 'Thank you for asking: here is what we do.' });
    const report = (await facilitator.get(`/api/topics/${topic.id}/invitations`)).json();
    expect(report.items).toHaveLength(1);
    expect(report.items[0]).toMatchObject({ invited: 2, postedAfterwards: 1, invitedBy: 'Fran Facilitator' });
  });
});
