// For concurrency tests on PostgreSQL: the sentinel that a statement is blocked, instead of a pause.
import pg from 'pg';
import { vi } from 'vitest';

/** Resolves once a session of this database waits on a lock (pg_stat_activity), e.g. a write behind an open transaction's row lock. */
export async function untilBlockedOnLock(url: string, timeoutMs = 5_000): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await vi.waitFor(
      async () => {
        const { rows } = await client.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
        );
        if (rows[0]!.n < 1) throw new Error('no session waits on a lock yet');
      },
      { timeout: timeoutMs, interval: 10 },
    );
  } finally {
    await client.end();
  }
}
