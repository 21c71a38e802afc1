// Server-side secrets kept in the database (server_secrets), so every process and every restart agrees:
// created from a random candidate on first use, read back by everyone after. What they sign: signing.ts.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';

export async function serverSecret(db: DbOrTx, name: string): Promise<string> {
  await db.execute(sql`insert into server_secrets (name, value) values (${name}, ${randomBytes(32).toString('base64url')}) on conflict (name) do nothing`);
  const result = (await db.execute(sql`select value from server_secrets where name = ${name}`)) as unknown as { rows: Array<{ value: string }> };
  return result.rows[0]!.value;
}
