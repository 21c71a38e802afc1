// The append-only audit log (moderation_log): every moderation action, hold and membership removal
// appends one row in the transaction that makes the change.
import { and, desc, eq } from 'drizzle-orm';
import { moderationLog } from '../db/schema.js';
import type { DbOrTx } from '../db/client.js';
import type { LogAction } from '../../shared/schemas/moderation.js';

export interface LogEntryInput {
  communityId: string;
  actorId: string | null;
  action: LogAction;
  targetType: 'post' | 'member' | 'topic' | 'community';
  targetId: string;
  reason?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Appends one audit-log row. Call inside the transaction that makes the change. */
export async function insertLogEntry(db: DbOrTx, entry: LogEntryInput) {
  const [row] = await db
    .insert(moderationLog)
    .values({
      communityId: entry.communityId,
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      reason: entry.reason ?? null,
      before: entry.before ?? null,
      after: entry.after ?? null,
    })
    .returning({ id: moderationLog.id });
  return row!.id;
}

/** The most recent entry of `action` on a post or topic (a restore reads the state kept by the removal). */
export async function latestLogEntry(db: DbOrTx, target: { type: 'post' | 'topic'; id: string }, action: LogAction) {
  const [row] = await db
    .select({ id: moderationLog.id, before: moderationLog.before })
    .from(moderationLog)
    .where(and(eq(moderationLog.targetType, target.type), eq(moderationLog.targetId, target.id), eq(moderationLog.action, action)))
    .orderBy(desc(moderationLog.id))
    .limit(1);
  return row ?? null;
}
