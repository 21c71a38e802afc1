// The community the engagement report tests seed with random data: a manager who has been a member since
// 2023, and members of whom every fifth joins late and every seventh leaves, on days each test chooses. Also
// the raw-SQL reader those tests use.
import type { SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../server/db/client.js';
import type { TestApp, TestUser } from './app.js';
import { setMembershipDates } from './engagement-factories.js';

/** The rows of a raw SQL query. */
export async function selectRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

export const LONG_AGO = '2023-06-01T00:00:00Z';

/**
 * A new community with a manager ("Manager", a member since LONG_AGO) and `count` members made in order
 * (named by `displayName(i)`): member i with i % 5 === 4 joins at 12:00 UTC on `lateJoinDay(i)`, the others
 * at LONG_AGO; member i with i % 7 === 6 leaves at 08:00 UTC on `leaveDay(i)`. Days are YYYY-MM-DD.
 */
export async function makeEngagementCommunity(
  t: TestApp,
  opts: { count: number; displayName: (i: number) => string; lateJoinDay: (i: number) => string; leaveDay: (i: number) => string },
): Promise<{ communityId: string; manager: TestUser; members: TestUser[] }> {
  const db = t.app.db;
  const communityId = (await t.makeCommunity()).id;
  const manager = await t.makeMember(communityId, ['manager'], { displayName: 'Manager' });
  await setMembershipDates(db, communityId, manager.id, LONG_AGO);
  const members: TestUser[] = [];
  for (let i = 0; i < opts.count; i++) {
    const m = await t.makeMember(communityId, [], { displayName: opts.displayName(i) });
    const joined = i % 5 === 4 ? `${opts.lateJoinDay(i)}T12:00:00Z` : LONG_AGO;
    const removed = i % 7 === 6 ? `${opts.leaveDay(i)}T08:00:00Z` : null;
    await setMembershipDates(db, communityId, m.id, joined, removed);
    members.push(m);
  }
  return { communityId, manager, members };
}
