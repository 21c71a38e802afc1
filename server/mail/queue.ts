// Outgoing mail as durable jobs in the database (table mail_jobs), on PGlite and PostgreSQL alike.
//
// Why a table of our own rather than pg-boss or graphile-worker: both need a real PostgreSQL server (their own
// schemas, LISTEN, several connections), and the embedded default is PGlite; one small table with
// `FOR UPDATE SKIP LOCKED` runs the same code on both.
//
// Guarantees:
//  - durable: a job is a row, written in the caller's transaction, so it survives restarts and is queued only
//    if what it announces was committed;
//  - never holds up a request: requests only insert; sending happens in the worker, outside any transaction;
//  - retried with backoff when the SMTP server refuses (4xx) or cannot be reached; a permanent refusal (5xx) or
//    too many attempts marks the job failed, with the last error kept;
//  - one sender per job across processes: a worker claims due jobs with SKIP LOCKED and a lease, and marks a job
//    sent only under its own claim. The one window for a second copy is a process that dies after the SMTP server
//    accepted a mail and before the row says so: after the lease (MAIL_LEASE) another worker sends it again,
//    with the same Message-ID. Losing a mail would be worse than that.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { selectRows, type Db, type DbOrTx } from '../db/client.js';
import { mailJobs } from '../db/schema.js';
import type { MailMessage } from './message.js';
import type { MailTransport } from './transport.js';

export interface NewMailJob {
  /** What the mail is, for the admin view and tests: 'notification', 'digest', 'password_reset', … */
  kind: string;
  to: string;
  userId?: string | null;
  message: MailMessage;
  /** Enqueueing the same key twice is a no-op (e.g. one digest per member and period). */
  dedupeKey?: string;
  /** Not before this time (default: now). */
  runAt?: Date;
}

/** Queues a mail; call it inside the transaction that makes the mail true. Returns false for a duplicate key. */
export async function enqueueMail(db: DbOrTx, job: NewMailJob): Promise<boolean> {
  const inserted = await db
    .insert(mailJobs)
    .values({
      kind: job.kind,
      toAddress: job.to,
      userId: job.userId ?? null,
      message: job.message,
      dedupeKey: job.dedupeKey ?? null,
      ...(job.runAt ? { runAt: job.runAt } : {}),
    })
    .onConflictDoNothing({ target: mailJobs.dedupeKey })
    .returning({ id: mailJobs.id });
  return inserted.length > 0;
}

export interface MailWorkerOptions {
  db: Db;
  transport: MailTransport;
  log: FastifyBaseLogger;
  /** How often the worker looks for due jobs (it is also woken by poke()). */
  pollMs: number;
  /** First retry after this long, doubling each attempt, at most an hour. */
  retryBaseMs: number;
  maxAttempts: number;
  /** How long a claim holds before another worker may take the job again. */
  leaseMs: number;
  batchSize?: number;
}

export interface MailWorker {
  start(): void;
  stop(): Promise<void>;
  /** Look for due jobs now (after enqueueing an immediate mail). */
  poke(): void;
  /** Runs ticks until no job is due (tests; the demo seed). Returns how many were sent. */
  drain(): Promise<number>;
}

interface ClaimedJob {
  id: number;
  to_address: string;
  message: MailMessage;
  attempts: number;
  claim_token: string;
}


export function createMailWorker(options: MailWorkerOptions): MailWorker {
  const { db, transport, log } = options;
  const batch = options.batchSize ?? 20;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = true;

  async function claim(): Promise<ClaimedJob[]> {
    const token = randomUUID();
    return selectRows<ClaimedJob>(
      db,
      sql`update mail_jobs set status = 'sending', claim_token = ${token}, attempts = attempts + 1,
            lease_until = now() + ${options.leaseMs}::bigint * interval '1 millisecond'
          where id in (
            select id from mail_jobs
            where (status = 'pending' and run_at <= now()) or (status = 'sending' and lease_until < now())
            order by run_at, id
            limit ${batch}
            for update skip locked)
          returning id, to_address, message, attempts, claim_token`,
    );
  }

  async function deliver(job: ClaimedJob): Promise<boolean> {
    try {
      await transport.send(job.to_address, job.message);
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      const permanent = code !== undefined && code >= 500;
      const failed = permanent || job.attempts >= options.maxAttempts;
      const delayMs = Math.min(options.retryBaseMs * 2 ** (job.attempts - 1), 60 * 60_000);
      const message = err instanceof Error ? err.message : String(err);
      await db.execute(sql`
        update mail_jobs set status = ${failed ? 'failed' : 'pending'}, last_error = ${message.slice(0, 1000)},
          lease_until = null, claim_token = null,
          run_at = now() + ${delayMs}::bigint * interval '1 millisecond'
        where id = ${job.id} and claim_token = ${job.claim_token}`);
      log[failed ? 'error' : 'warn']({ jobId: job.id, attempts: job.attempts, code, err: message }, failed ? 'mail: gave up' : 'mail: will retry');
      return false;
    }
    await db.execute(sql`
      update mail_jobs set status = 'sent', sent_at = now(), lease_until = null, last_error = null
      where id = ${job.id} and claim_token = ${job.claim_token}`);
    return true;
  }

  async function tick(): Promise<number> {
    let sent = 0;
    for (;;) {
      const jobs = await claim();
      for (const job of jobs) if (await deliver(job)) sent++;
      if (jobs.length < batch) return sent;
    }
  }

  /** One tick at a time; a poke during a tick runs another one after it. */
  function run(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = tick()
      .catch((err) => {
        log.error({ err }, 'mail: delivery tick failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          void run();
        }
      });
    return running;
  }

  return {
    start() {
      stopped = false;
      timer = setInterval(() => void run(), options.pollMs);
      timer.unref();
      void run();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
      transport.close();
    },
    poke() {
      if (!stopped) void run();
    },
    async drain() {
      let total = 0;
      while (running) await running;
      for (;;) {
        const sent = await tick();
        total += sent;
        const [due] = await selectRows<{ n: number }>(db, sql`select count(*)::int as n from mail_jobs where status = 'pending' and run_at <= now()`);
        if (!due || Number(due.n) === 0) return total;
      }
    },
  };
}
