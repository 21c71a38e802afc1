// A shutdown does not wait for the notifier to read a long backlog: stop() ends the pass after the batch in
// hand, whose cursor is saved with it, and the next start reads on from there, so nothing is skipped.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../server/features/notifications/notifier.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.ready();
  await t.app.notifier.stop(); // the app's own notifier would read the backlog too
});
afterAll(async () => t?.close());

async function one<T>(query: ReturnType<typeof sql>): Promise<T> {
  const result = (await t.app.db.execute(query)) as unknown as { rows: T[] };
  return result.rows[0]!;
}

describe('notifier shutdown', () => {
  it('stops after the batch in hand, and the next start reads the rest', async () => {
    const community = await t.makeCommunity();
    const backlog = 1000; // five batches of 200
    // Events no rule notifies about: what is measured is how far the cursor goes, not who is told.
    await t.app.db.execute(sql`insert into events (community_id, name, data)
      select ${community.id}::uuid, 'test.unheard', '{}'::jsonb from generate_series(1, ${backlog})`);
    await t.app.eventSequencer.settle();
    const settle = () => t.app.eventSequencer.settle();
    const readSoFar = async () =>
      (
        await one<{ n: number }>(sql`select count(*)::int as n from events e
          where e.community_id = ${community.id}::uuid
            and e.position <= coalesce((select c.last_event_id from notifier_cursors c where c.community_id = e.community_id), 0)`)
      ).n;

    const notifier = createNotifier({ db: t.app.db, log: t.app.log, intervalMs: 60_000, settle });
    notifier.start();
    notifier.poke(); // a pass starts over the backlog
    await notifier.stop();
    const afterStop = await readSoFar();
    expect(afterStop).toBeGreaterThan(0); // the batch in hand was finished and saved
    expect(afterStop).toBeLessThan(backlog); // and the pass did not go on to the end
    notifier.poke();
    expect(await readSoFar()).toBe(afterStop); // stopped: no new pass

    const next = createNotifier({ db: t.app.db, log: t.app.log, intervalMs: 60_000, settle });
    next.start();
    await next.drain();
    await next.stop();
    expect(await readSoFar()).toBe(backlog);
  });
});
