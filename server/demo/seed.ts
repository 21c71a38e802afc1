// Demo content for a newcomer: seeded into an empty database when DEMO=1.
// Later features add their topics and posts through seedDemoContent's `extend` hooks.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Services } from '../services.js';
import type { CommunityRole } from '../policy/policy.js';
import { hashPassword } from '../features/auth/tokens.js';
import { spreadDemoHistory } from './history.js';
import { seedDemoTopics, type DemoUsers } from './topics.js';

export const DEMO_PASSWORD = 'stoa-demo-2026';

export const DEMO_ACCOUNTS: Array<{ key: string; email: string; displayName: string; roles: CommunityRole[] | 'admin' }> = [
  { key: 'admin', email: 'admin@stoa.example', displayName: 'Ada Admin', roles: 'admin' },
  { key: 'facilitator', email: 'fiona@stoa.example', displayName: 'Fiona Facilitator', roles: ['facilitator'] },
  { key: 'moderator', email: 'mo@stoa.example', displayName: 'Mo Moderator', roles: ['moderator'] },
  { key: 'manager', email: 'maria@stoa.example', displayName: 'Maria Manager', roles: ['manager'] },
  { key: 'priya', email: 'priya@stoa.example', displayName: 'Priya Practitioner', roles: [] },
  { key: 'tomas', email: 'tomas@stoa.example', displayName: 'Tomás Trainer', roles: [] },
  { key: 'amal', email: 'amal@stoa.example', displayName: 'Amal Haddad', roles: [] },
  { key: 'jonas', email: 'jonas@stoa.example', displayName: 'Jonas Berg', roles: [] },
  { key: 'keiko', email: 'keiko@stoa.example', displayName: 'Keiko Sato', roles: [] },
  { key: 'lucia', email: 'lucia@stoa.example', displayName: 'Lucía Romero', roles: [] },
];


/** The demo accounts' password hash (scrypt: about half a second of a libuv thread). */
export const hashDemoPassword = (passwordCost?: number) => hashPassword(DEMO_PASSWORD, passwordCost);

/**
 * Seeds only when there is no community yet. Returns false when the database already had content.
 * `passwordHash`: hashDemoPassword() started earlier by the caller (start.ts, beside opening the database).
 */
export async function seedDemo(db: Db, services: Services, passwordCost?: number, passwordHash?: Promise<string>): Promise<boolean> {
  const existing = (await countCommunities(db))[0]?.n ?? 0;
  if (existing > 0) return false;

  const hash = await (passwordHash ?? hashDemoPassword(passwordCost));
  const seeded = await db.transaction(async (tx) => {
    const community = await services.communities.seedCommunity(tx, {
      name: 'ELT Teacher Trainers',
      slug: 'elt-teacher-trainers',
      description:
        'A community of practice for in-service English language teacher trainers: CPD topics, practice problems and session plans, shared and discussed over time.',
      joinPolicy: 'invite',
    });
    const users: DemoUsers = {};
    for (const account of DEMO_ACCOUNTS) {
      // Verified: demo addresses are example.org, and mail to them lands in the outbox.
      const user = await services.auth.seedAccount(tx, { email: account.email, passwordHash: hash, displayName: account.displayName, isAdmin: account.roles === 'admin' });
      if (!user) continue; // e.g. ADMIN_EMAIL chose the same address
      users[account.key] = user.id;
      if (account.roles !== 'admin') await services.communities.seedMembership(tx, community!.id, user.id, account.roles);
    }
    return { communityId: community!.id, users };
  });
  await seedDemoTopics(services, seeded.communityId, seeded.users);
  await spreadDemoHistory(db, seeded.communityId);
  return true;
}

async function countCommunities(db: Db) {
  const result = (await db.execute(sql`select count(*)::int as n from communities`)) as unknown as { rows: Array<{ n: number }> };
  return result.rows;
}
