// The mail queue against a real SMTP server (smtp-server on a free port) and the real database (PGlite or PostgreSQL).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db/client.js';
import { createMailWorker, enqueueMail, type MailWorker } from '../../server/mail/queue.js';
import { newMessageId, threadMessageId, type MailMessage } from '../../server/mail/message.js';
import { createMailTransport, listOutbox } from '../../server/mail/transport.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { createTestApp, testConfig } from '../helpers/app.js';

const PUBLIC_URL = 'http://stoa.test';
const silent = { error() {}, warn() {}, info() {}, debug() {}, trace() {}, fatal() {}, child: () => silent, level: 'silent' } as unknown as FastifyBaseLogger;

let testDb: TestDatabase;
let smtp: TestSmtpServer;
const workers: MailWorker[] = [];

function worker(db = testDb.database, overrides: { retryBaseMs?: number; maxAttempts?: number; leaseMs?: number } = {}) {
  const w = createMailWorker({
    db: db.db,
    transport: createMailTransport({ smtpUrl: smtp.url, from: 'Stoa <stoa@stoa.test>', outboxDir: '' }),
    log: silent,
    pollMs: 60_000,
    retryBaseMs: overrides.retryBaseMs ?? 50,
    maxAttempts: overrides.maxAttempts ?? 5,
    leaseMs: overrides.leaseMs ?? 60_000,
  });
  workers.push(w);
  return w;
}

function message(subject: string, extra: Partial<MailMessage> = {}): MailMessage {
  return { subject, text: `${subject} (text)`, html: `<p>${subject} (html)</p>`, messageId: newMessageId(PUBLIC_URL), ...extra };
}

async function jobs() {
  const result = (await testDb.database.db.execute(sql`select id, status, attempts, last_error from mail_jobs order by id`)) as unknown as {
    rows: Array<{ id: number; status: string; attempts: number; last_error: string | null }>;
  };
  return result.rows;
}

/** Runs the worker until the job is no longer pending (retries are due within milliseconds here). */
async function drainUntilSettled(w: MailWorker, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await w.drain();
    const open = (await jobs()).filter((j) => j.status === 'pending' || j.status === 'sending');
    if (open.length === 0) return;
    if (Date.now() > deadline) throw new Error(`jobs still open: ${JSON.stringify(open)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(async () => {
  await testDb.close();
});
beforeEach(async () => {
  smtp = await startTestSmtpServer();
  await testDb.database.db.execute(sql`truncate mail_jobs`);
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await smtp.close();
});

describe('mail queue', () => {
  it('sends a queued mail once, with text and HTML parts and the threading and unsubscribe headers', async () => {
    const root = threadMessageId(PUBLIC_URL, 'topic', 'abc');
    await enqueueMail(testDb.database.db, {
      kind: 'notification',
      to: 'maria@example.org',
      message: message('New reply in “Feedback on lesson plans”', {
        inReplyTo: root,
        references: [root],
        headers: { 'List-Unsubscribe': `<${PUBLIC_URL}/unsubscribe/t1>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      }),
    });
    const w = worker();
    expect(await w.drain()).toBe(1);
    expect(await w.drain()).toBe(0);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual(['maria@example.org']);
    expect(mail.parsed.subject).toBe('New reply in “Feedback on lesson plans”');
    expect(mail.parsed.text?.trim()).toBe('New reply in “Feedback on lesson plans” (text)');
    expect(mail.parsed.html).toContain('<p>New reply in “Feedback on lesson plans” (html)</p>');
    expect(mail.parsed.inReplyTo).toBe(root);
    expect(mail.parsed.references).toBe(root);
    expect(mail.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(mail.raw).toMatch(/^List-Unsubscribe: <http:\/\/stoa\.test\/unsubscribe\/t1>/m);
    expect((await jobs()).map((j) => [j.status, j.attempts])).toEqual([['sent', 1]]);
  });

  it('queues a mail only when its transaction commits', async () => {
    await testDb.database.db
      .transaction(async (tx) => {
        await enqueueMail(tx, { kind: 'notification', to: 'a@example.org', message: message('rolled back') });
        throw new Error('the request failed');
      })
      .catch(() => undefined);
    expect(await jobs()).toEqual([]);
    expect(await worker().drain()).toBe(0);
    expect(smtp.received).toHaveLength(0);
  });

  it('does not queue the same dedupe key twice', async () => {
    const job = { kind: 'digest', to: 'a@example.org', dedupeKey: 'digest:u1:2026-12-06', message: message('Daily digest') };
    expect(await enqueueMail(testDb.database.db, job)).toBe(true);
    expect(await enqueueMail(testDb.database.db, job)).toBe(false);
    await worker().drain();
    expect(smtp.received).toHaveLength(1);
  });

  it('retries with backoff while the SMTP server refuses for now, then sends once', async () => {
    smtp.refuseWith(451);
    await enqueueMail(testDb.database.db, { kind: 'notification', to: 'a@example.org', message: message('Refused first') });
    const w = worker(testDb.database, { retryBaseMs: 1500 });
    await w.drain();
    let [job] = await jobs();
    expect(job!.status).toBe('pending');
    expect(job!.attempts).toBe(1);
    expect(job!.last_error).toMatch(/451/);
    // Backoff: not due again at once.
    expect(await w.drain()).toBe(0);
    expect((await jobs())[0]!.attempts).toBe(1);
    smtp.refuseWith(null);
    await drainUntilSettled(w);
    [job] = await jobs();
    expect(job!.status).toBe('sent');
    expect(job!.attempts).toBe(2);
    expect(smtp.received.map((m) => m.parsed.subject)).toEqual(['Refused first']);
  });

  it('retries while the SMTP server is down, and sends once it is back', async () => {
    await smtp.stop();
    await enqueueMail(testDb.database.db, { kind: 'notification', to: 'a@example.org', message: message('Server down') });
    const w = worker(testDb.database, { retryBaseMs: 20 });
    await w.drain();
    await w.drain();
    const down = (await jobs())[0]!;
    expect(down.status).toBe('pending');
    expect(down.attempts).toBeGreaterThanOrEqual(1);
    expect(down.last_error).toMatch(/ECONNREFUSED|connect/i);
    await smtp.start();
    await drainUntilSettled(w);
    expect((await jobs())[0]!.status).toBe('sent');
    expect(smtp.received.map((m) => m.parsed.subject)).toEqual(['Server down']);
  });

  it('gives up on a permanent refusal and keeps the reason', async () => {
    smtp.refuseWith(550);
    await enqueueMail(testDb.database.db, { kind: 'notification', to: 'nobody@example.org', message: message('No such mailbox') });
    const w = worker();
    await w.drain();
    smtp.refuseWith(null);
    expect(await w.drain()).toBe(0);
    const [job] = await jobs();
    expect(job!.status).toBe('failed');
    expect(job!.attempts).toBe(1);
    expect(job!.last_error).toMatch(/550/);
    expect(smtp.received).toHaveLength(0);
  });

  it('survives a restart: a job queued while no worker ran is sent by the next one', async () => {
    await enqueueMail(testDb.database.db, { kind: 'notification', to: 'a@example.org', message: message('Queued before the restart') });
    const before = worker();
    await before.stop(); // the process went away before sending
    await worker().drain();
    expect(smtp.received.map((m) => m.parsed.subject)).toEqual(['Queued before the restart']);
  });

  it('takes back a job whose claim ran out (its process died while sending)', async () => {
    await enqueueMail(testDb.database.db, { kind: 'notification', to: 'a@example.org', message: message('Orphaned') });
    await testDb.database.db.execute(sql`update mail_jobs set status = 'sending', attempts = 1, lease_until = now() - interval '1 second'`);
    await worker().drain();
    expect((await jobs()).map((j) => [j.status, j.attempts])).toEqual([['sent', 2]]);
    expect(smtp.received).toHaveLength(1);
  });

  it('sends each mail once when several workers (and, on PostgreSQL, several connection pools) run at once', async () => {
    const count = 40;
    for (let i = 0; i < count; i++) {
      await enqueueMail(testDb.database.db, { kind: 'notification', to: `m${i}@example.org`, message: message(`Mail ${i}`) });
    }
    // On PostgreSQL a second pool stands for a second process; PGlite is one process by nature.
    const second: Database | undefined = testDb.url ? await openDatabase({ databaseUrl: testDb.url }) : undefined;
    try {
      const ws = [worker(), worker(), worker(second ?? testDb.database), worker(second ?? testDb.database)];
      await Promise.all(ws.map((w) => w.drain()));
      const subjects = smtp.received.map((m) => m.parsed.subject).sort();
      expect(subjects).toHaveLength(count);
      expect(new Set(subjects).size).toBe(count);
      expect((await jobs()).every((j) => j.status === 'sent' && j.attempts === 1)).toBe(true);
    } finally {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      await second?.close();
    }
  });
});

describe('mail outbox (no SMTP_URL)', () => {
  it('writes each mail as an .eml file into the outbox folder, listed newest first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stoa-outbox-'));
    try {
      const w = createMailWorker({
        db: testDb.database.db,
        transport: createMailTransport({ smtpUrl: undefined, from: 'Stoa <stoa@stoa.test>', outboxDir: dir }),
        log: silent,
        pollMs: 60_000,
        retryBaseMs: 50,
        maxAttempts: 3,
        leaseMs: 60_000,
      });
      workers.push(w);
      await enqueueMail(testDb.database.db, { kind: 'digest', to: 'a@example.org', message: message('Your daily digest') });
      expect(await w.drain()).toBe(1);
      const files = await listOutbox(dir);
      expect(files).toHaveLength(1);
      const raw = await readFile(join(dir, files[0]!.name), 'utf8');
      expect(raw).toMatch(/^To: a@example\.org$/m);
      expect(raw).toMatch(/^Subject: Your daily digest$/m);
      expect(raw).toContain('Content-Type: text/html');
      expect(raw).toContain('Content-Type: text/plain');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the outbox page (admins)', () => {
  it('lists what the embedded default wrote and shows one mail; a non-admin gets 403, a bad name 404', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stoa-outbox-app-'));
    const t = await createTestApp({ mail: { ...testConfig().mail, outboxDir: dir } });
    try {
      const admin = await t.as(await t.makeUser({ isAdmin: true }));
      const member = await t.as(await t.makeUser());
      await enqueueMail(t.testDb.database.db, { kind: 'notification', to: 'a@example.org', message: message('Shown to the admin') });
      await t.app.mail.drain();
      const list = await admin.get('/api/admin/outbox');
      expect(list.statusCode).toBe(200);
      expect(list.json().delivery).toBe('outbox');
      expect(list.json().items).toHaveLength(1);
      const one = await admin.get(`/api/admin/outbox/${list.json().items[0].name}`);
      expect(one.statusCode).toBe(200);
      expect(one.body).toMatch(/^Subject: Shown to the admin$/m);
      expect((await member.get('/api/admin/outbox')).statusCode).toBe(403);
      expect((await admin.get('/api/admin/outbox/..%2Fsecrets.eml')).statusCode).toBe(404);
    } finally {
      await t.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
