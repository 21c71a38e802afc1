// Topic views without a write on the read path: opening a topic notes the view in memory, and a flush
// every few seconds records the batch in one statement (queries.recordViews) — the way Discourse buffers
// views in Redis. Each process remembers what it recorded today, so a member reopening a topic costs
// nothing. Views wait in memory for at most one interval; closing the app flushes what is left, and a
// failed flush (database away) keeps the views for the next one.
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import { recordViews, type TopicView } from './queries.js';

/** Entries of `recorded` kept per process before the oldest day's are dropped (a bound, not a rule). */
const RECORDED_MAX = 200_000;

export function createViewBuffer({ db, flushMs, log }: { db: Db; flushMs: number; log?: FastifyBaseLogger | undefined }) {
  let pending = new Map<string, TopicView>();
  const recorded = new Set<string>();
  let recordedDay = '';
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  const keyOf = (v: TopicView) => `${v.day}|${v.topicId}|${v.userId}`;

  async function flushNow() {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    try {
      await recordViews(db, [...batch.values()]);
      for (const key of batch.keys()) if (key.startsWith(recordedDay)) recorded.add(key);
      if (recorded.size > RECORDED_MAX) recorded.clear();
    } catch (err) {
      // Keep them for the next flush (newer notes of the same views win nothing: they are equal).
      for (const [key, view] of batch) if (!pending.has(key)) pending.set(key, view);
      log?.warn({ err, views: batch.size }, 'topic views: flush failed, will retry');
      throw err;
    }
  }

  /** One flush at a time: a timer tick and a shutdown never record the same batch twice. */
  function flush(): Promise<void> {
    flushing = flushing.catch(() => {}).then(flushNow);
    return flushing;
  }

  return {
    /** Notes that the member opened the topic now. With flushMs 0 it is recorded before this returns. */
    async record(view: Omit<TopicView, 'day'>, now = new Date()) {
      const day = now.toISOString().slice(0, 10);
      if (day !== recordedDay) {
        recorded.clear();
        recordedDay = day;
      }
      const entry = { ...view, day };
      const key = keyOf(entry);
      if (recorded.has(key) || pending.has(key)) return;
      pending.set(key, entry);
      if (flushMs === 0) await flush();
    },
    flush,
    /** Views noted and not yet recorded (for tests and the shutdown log). */
    get pendingCount() {
      return pending.size;
    },
    start() {
      if (flushMs > 0 && !timer) {
        timer = setInterval(() => void flush().catch(() => {}), flushMs);
        timer.unref();
      }
    },
    /** Stops the timer and records what is left (a graceful shutdown loses no view). */
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await flush();
    },
  };
}

export type ViewBuffer = ReturnType<typeof createViewBuffer>;
