// Account lookups several features need (who is this user?).
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { users } from '../db/schema.js';

export async function findUserById(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ id: users.id, email: users.email, displayName: users.displayName, isAdmin: users.isAdmin })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return row ?? null;
}
