// Background work of the live feature, run by every process (safe to run several at once):
//  - releases scheduled prompts: a prompt whose release_at has come gets a `prompt.released` event;
//  - prunes the event log of events older than the retention window (+1 day of slack).
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { LIVE_LIMITS } from '../../../shared/schemas/live.js';
import { recordEvent } from '../../domain/outbox.js';
import * as q from './queries.js';

/** Marks due prompts released and records one prompt.released event per prompt, in one transaction. */
export async function releaseDuePrompts(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await q.claimDuePrompts(tx);
    // Ordered so that one community's events are recorded together (recordEvent locks per community).
    due.sort((a, b) => a.communityId.localeCompare(b.communityId) || a.topicId.localeCompare(b.topicId) || a.position - b.position);
    for (const prompt of due) {
      await recordEvent(tx, {
        communityId: prompt.communityId,
        topicId: prompt.topicId,
        name: 'prompt.released',
        data: {
          id: prompt.id,
          topicId: prompt.topicId,
          position: prompt.position,
          bodyMd: prompt.bodyMd,
          bodyHtml: prompt.bodyHtml,
          releaseAt: prompt.releaseAt?.toISOString() ?? null,
          answerFirst: prompt.answerFirst,
        },
      });
    }
    return due.length;
  });
}

export function startLiveScheduler({ db, config, log }: { db: Db; config: Config; log: FastifyBaseLogger }) {
  let running = false;
  let lastPrune = 0;

  async function tick() {
    if (running) return; // a slow tick must not overlap the next
    running = true;
    try {
      const released = await releaseDuePrompts(db);
      if (released > 0) log.info({ released }, 'live: released scheduled prompts');
      if (Date.now() - lastPrune >= config.eventPruneIntervalMs) {
        lastPrune = Date.now();
        const pruned = await q.pruneEventsOlderThan(db, LIVE_LIMITS.retentionDays + 1);
        if (pruned > 0) log.info({ pruned }, 'live: pruned old events');
      }
    } catch (err) {
      log.error({ err }, 'live: scheduled work failed');
    } finally {
      running = false;
    }
  }

  const timer = setInterval(() => void tick(), config.scheduleIntervalMs);
  timer.unref();
  void tick();
  return {
    tick,
    async stop() {
      clearInterval(timer);
      // Let a tick in progress finish before the database closes.
      while (running) await new Promise((r) => setTimeout(r, 10));
    },
  };
}
