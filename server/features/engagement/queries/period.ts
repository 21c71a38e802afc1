// A report's period, and how report statements run.
import { sql, type SQL } from 'drizzle-orm';
import { selectRows, type DbOrTx } from '../../../db/client.js';

/** One period of a report: whole days d0..d1 in time zone tz, i.e. the instants [t0, t1). */
export interface Period {
  communityId: string;
  d0: string;
  d1: string;
  /** ISO instants: start (inclusive) and end (exclusive). */
  t0: string;
  t1: string;
  tz: string;
  days: number;
}

/** Raw SQL → rows (db/client.ts), as every report statement reads them. */
export const rows = selectRows;

/**
 * A report statement hashes a period's posts and views (hundreds of thousands of rows at scale);
 * with PostgreSQL's default work_mem (4 MB) those hashes and materialised CTEs spill to temporary
 * files, which doubled their time on the bench data. JIT compilation of a report's expressions cost
 * up to half a second, more than it saved. SET LOCAL keeps both to this statement.
 */
export async function reportRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  return db.transaction(async (tx) => {
    // One round trip for both settings (set_config(..., true) is SET LOCAL). The server's pool has JIT off
    // already (db/client.ts); saying it here keeps reports right on a connection opened otherwise.
    await tx.execute(sql`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`);
    return rows<T>(tx, query);
  });
}

/** Start-of-day instants (epoch ms) of the given dates in the time zone; throws if PostgreSQL does not know the zone. */
export async function dayStarts(db: DbOrTx, tz: string, days: string[]): Promise<number[]> {
  const list = sql.join(
    days.map((d) => sql`(extract(epoch from (${d}::date)::timestamp at time zone ${tz}) * 1000)::float8`),
    sql`, `,
  );
  const [row] = await rows<{ starts: number[] }>(db, sql`select array[${list}] as starts`);
  return row!.starts.map(Number);
}
