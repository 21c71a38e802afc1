// Suspensions: a moderator suspends a member of the community (until a time, or until lifted) and lifts it.
// Both stay on record; the live feature drops a suspended member's write abilities on the event.
import { AppError, conflict, invalid, notFound } from '../../errors.js';
import type { Actor } from '../../policy/policy.js';
import { iso, requireText, type ModerationDeps } from './context.js';
import * as q from './queries.js';

export function createSuspensionActions({ db, communities, audit, outbox }: Pick<ModerationDeps, 'db' | 'communities' | 'audit' | 'outbox'>) {
  return {
    async suspend(actor: Actor | null, communityId: string, userId: string, input: { reason: string; until?: string | undefined }) {
      requireText('reason', input.reason);
      const until = input.until ? new Date(input.until) : null;
      if (until && until.getTime() <= Date.now()) throw invalid('until', 'until must be in the future.');
      return db.transaction(async (tx) => {
        const { actor: me } = await communities.requireCommunity(tx, actor, communityId, 'moderation.suspend');
        if (userId === me.id) throw new AppError(409, 'cannot_suspend_self', 'You cannot suspend yourself.');
        if (!(await q.findActiveMembershipForUpdate(tx, communityId, userId))) throw notFound('Member');
        // PUT replaces: an active suspension is lifted and the new one takes its place (both stay on record).
        const active = await q.findActiveSuspensions(tx, communityId, userId);
        await q.liftSuspensions(tx, active.map((s) => s.id));
        const row = await q.insertSuspension(tx, { communityId, userId, reason: input.reason, until, createdBy: me.id });
        const previous = active[0];
        await audit.insertLogEntry(tx, {
          communityId,
          actorId: me.id,
          action: 'member.suspend',
          targetType: 'member',
          targetId: userId,
          reason: input.reason,
          before: previous ? { suspended: true, until: iso(previous.until), reason: previous.reason } : { suspended: false },
          after: { suspended: true, until: iso(until) },
        });
        // The live feature drops the member's write abilities / subscriptions on this event.
        await outbox.recordEvent(tx, { communityId, name: 'member.suspended', data: { userId, until: iso(until) } });
        return { id: row.id, userId, reason: row.reason, until: iso(row.until), createdAt: row.createdAt.toISOString() };
      });
    },

    async lift(actor: Actor | null, communityId: string, userId: string) {
      return db.transaction(async (tx) => {
        const { actor: me } = await communities.requireCommunity(tx, actor, communityId, 'moderation.suspend');
        if (!(await q.findActiveMembershipForUpdate(tx, communityId, userId))) throw notFound('Member');
        const active = await q.findActiveSuspensions(tx, communityId, userId);
        if (active.length === 0) throw conflict('not_suspended', 'This member is not suspended.');
        await q.liftSuspensions(tx, active.map((s) => s.id));
        await audit.insertLogEntry(tx, {
          communityId,
          actorId: me.id,
          action: 'member.unsuspend',
          targetType: 'member',
          targetId: userId,
          before: { suspended: true, until: iso(active[0]!.until), reason: active[0]!.reason },
          after: { suspended: false },
        });
        await outbox.recordEvent(tx, { communityId, name: 'member.unsuspended', data: { userId } });
      });
    },
  };
}
