// Per-member posting limits: how fast a member may create replies and topics (Discourse's 1 post per
// 5 s is the reference, plus an hourly cap; members under pre-moderation get stricter limits).
//
// Decided in the database, so the limits hold across every server process on one PostgreSQL: inside the
// creating transaction a per-member advisory lock serialises the member's creations, then the member's
// rows of the last hour are counted by (author_id, created_at) index. A refusal throws 429
// `posting_too_fast` with Retry-After; the transaction rolls back, so an Idempotency-Key is not consumed.
// Call it AFTER the Idempotency-Key claim (a retry of an accepted submit replays it, never 429) and
// before any row lock (the advisory lock comes first in the member's transactions: no lock cycles).
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { AppError } from '../errors.js';

/** One kind of creation: at most one per `intervalSeconds`, at most `perHour` in any hour (0 turns either off). */
export interface PostingLimit {
  intervalSeconds: number;
  perHour: number;
}

export interface PostingLimits {
  post: PostingLimit;
  topic: PostingLimit;
  /** Members under pre-moderation wait this many times longer and get this many times fewer per hour. */
  premoderatedFactor: number;
}

export type PostingKind = keyof Omit<PostingLimits, 'premoderatedFactor'>;

/** First key of the transaction-scoped advisory lock that serialises one member's creations. */
const POSTING_LOCK = 0x5354_4f50; // 'STOP'

/** The limit that applies to a member: pre-moderated members get the stricter one. */
export function effectiveLimit(limits: PostingLimits, kind: PostingKind, premoderated: boolean): PostingLimit {
  const base = limits[kind];
  if (!premoderated || limits.premoderatedFactor <= 1) return base;
  const f = limits.premoderatedFactor;
  return {
    intervalSeconds: Math.min(3600, base.intervalSeconds * f),
    perHour: base.perHour > 0 ? Math.max(1, Math.floor(base.perHour / f)) : 0,
  };
}

export function postingTooFast(retryAfter: number, kind: PostingKind) {
  const wait = retryAfter === 1 ? '1 second' : retryAfter < 120 ? `${retryAfter} seconds` : `${Math.ceil(retryAfter / 60)} minutes`;
  return new AppError(429, 'posting_too_fast', `You are posting quickly: try again in ${wait}.`, { retryAfter, kind });
}

/**
 * Refuses (429) a new reply or topic if the member created one less than the interval ago, or already
 * created `perHour` of them in the last hour. Pass `premoderated` as a function: it is only asked when a
 * limit is on. Call inside the creating transaction.
 */
export async function enforcePostingLimit(
  tx: DbOrTx,
  limits: PostingLimits | null,
  kind: PostingKind,
  authorId: string,
  premoderated: () => Promise<boolean>,
): Promise<void> {
  if (!limits || (limits[kind].intervalSeconds <= 0 && limits[kind].perHour <= 0)) return;
  const { intervalSeconds, perHour } = effectiveLimit(limits, kind, await premoderated());
  await tx.execute(sql`select pg_advisory_xact_lock(${POSTING_LOCK}, hashtext(${authorId}))`);
  // Replies are rows of posts, topics rows of topics (a topic's own text is not a post). All rows count,
  // whatever their status: withdrawing a post does not give its slot back. Times are the database's.
  const table = kind === 'post' ? sql`posts` : sql`topics`;
  const result = (await tx.execute(sql`
    with recent as (
      select created_at from ${table} where author_id = ${authorId} and created_at > now() - interval '1 hour')
    select
      (select extract(epoch from max(created_at) + make_interval(secs => ${intervalSeconds}) - now())::float8 from recent) as interval_wait,
      (select extract(epoch from created_at + interval '1 hour' - now())::float8 from recent
        order by created_at desc offset greatest(${perHour} - 1, 0) limit 1) as hourly_wait`)) as unknown as {
    rows: Array<{ interval_wait: number | string | null; hourly_wait: number | string | null }>;
  };
  const row = result.rows[0]!;
  const waits = [intervalSeconds > 0 ? row.interval_wait : null, perHour > 0 ? row.hourly_wait : null]
    .map((w) => (w === null ? 0 : Number(w)))
    .filter((w) => w > 0);
  if (waits.length > 0) throw postingTooFast(Math.max(1, Math.ceil(Math.max(...waits))), kind);
}
