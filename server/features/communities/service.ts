// Communities, membership, roles and invites.
import type { Db, DbOrTx } from '../../db/client.js';
import type { Config } from '../../config.js';
import { conflict, forbidden, invalid, notFound, unauthorized, unprocessable } from '../../errors.js';
import { authorize, can, type Actor, type CommunityRole } from '../../policy/policy.js';
import { hashToken, newToken } from '../../tokens.js';
import type { CommunityAccessDeps, AuditLogDeps, OutboxDeps, UsersDeps } from '../../domain/deps.js';
import type { CommunityAccess, CommunityRow } from '../../domain/community-access.js';
import * as q from './queries.js';

const present = (c: CommunityRow, memberCount: number, myRoles: CommunityRole[] | null) => ({
  id: c.id,
  slug: c.slug,
  name: c.name,
  description: c.description,
  joinPolicy: c.joinPolicy,
  memberCount,
  myRoles,
  createdAt: c.createdAt.toISOString(),
});

/** A member as this viewer may see them: the email address only when the policy allows it (members.readEmail). */
const presentMember = (m: q.MemberRow, showEmail: boolean) => ({
  ...m,
  email: showEmail ? m.email : null,
  roles: m.roles as CommunityRole[],
  joinedAt: m.joinedAt.toISOString(),
});

const seesEmails = (access: CommunityAccess & { actor: Actor }) =>
  can(access.actor, 'members.readEmail', { community: access.community, membership: access.membership });

export interface CommunityServiceDeps {
  db: Db;
  config: Pick<Config, 'publicUrl'>;
  access: Pick<CommunityAccessDeps, 'requireCommunity'>;
  audit: Pick<AuditLogDeps, 'insertLogEntry'>;
  outbox: Pick<OutboxDeps, 'recordEvent'>;
  users: Pick<UsersDeps, 'findUserById'>;
}

export function createCommunityService({ db, config, access, audit, outbox, users }: CommunityServiceDeps) {
  const { requireCommunity } = access;
  return {
    async create(actor: Actor | null, input: { name: string; slug: string; description: string; joinPolicy: 'open' | 'invite' }) {
      authorize(actor, 'community.create');
      if (input.name.trim() === '') throw invalid('name', 'name must not be blank.', 'empty_text');
      const row = await q.insertCommunity(db, input);
      if (!row) throw conflict('slug_taken', `The address "${input.slug}" is already used by another community.`, { field: 'slug' });
      return present(row, 0, null);
    },

    async list(actor: Actor | null) {
      const me = authorize(actor, 'community.read', { community: { id: '', joinPolicy: 'open' } });
      const rows = await q.listVisibleCommunities(db, me.id, me.isAdmin);
      return rows.map((r) => present(r, r.memberCount, r.myRoles));
    },

    async get(actor: Actor | null, communityId: string) {
      const { community, membership } = await requireCommunity(db, actor, communityId, 'community.read');
      return present(community, await q.countMembers(db, communityId), membership?.roles ?? null);
    },

    async join(actor: Actor | null, communityId: string) {
      const { community, membership, actor: me } = await requireCommunity(db, actor, communityId, 'community.read');
      if (membership) throw conflict('already_member', 'You are already a member of this community.');
      authorize(me, 'community.join', { community, membership });
      await q.upsertMembership(db, communityId, me.id, []);
      return present(community, await q.countMembers(db, communityId), []);
    },

    async createInvite(actor: Actor | null, communityId: string, input: { roles: CommunityRole[]; email?: string | undefined; expiresInDays?: number | undefined }) {
      const { community, membership, actor: me } = await requireCommunity(db, actor, communityId, 'community.invite');
      if (input.roles.length > 0) authorize(me, 'community.inviteWithRoles', { community, membership });
      const token = newToken();
      const expiresAt = new Date(Date.now() + (input.expiresInDays ?? 14) * 86_400_000);
      await q.insertInvite(db, {
        communityId,
        tokenHash: hashToken(token),
        roles: input.roles,
        email: input.email?.toLowerCase() ?? null,
        expiresAt,
        createdBy: me.id,
      });
      return {
        token,
        url: `${config.publicUrl}/invite/${token}`,
        expiresAt: expiresAt.toISOString(),
        singleUse: input.roles.length > 0 || input.email !== undefined,
      };
    },

    /** Trusted set-up without an actor (the demo seed), in the caller's transaction: a community (null: slug taken). */
    async seedCommunity(tx: DbOrTx, input: { name: string; slug: string; description: string; joinPolicy: 'open' | 'invite' }) {
      return q.insertCommunity(tx, input);
    },

    /** Trusted set-up without an actor (the demo seed), in the caller's transaction: a member with these roles. */
    async seedMembership(tx: DbOrTx, communityId: string, userId: string, roles: CommunityRole[]) {
      await q.upsertMembership(tx, communityId, userId, roles);
    },

    /** Used by accept-invite and by registration with an invite token (inside its transaction). */
    async acceptInvite(tx: DbOrTx, token: string, user: { id: string; email: string }) {
      const invite = await q.findUsableInviteForUpdate(tx, hashToken(token));
      if (!invite) throw unprocessable('invite_invalid', 'This invite link is unknown, used or expired.');
      if (invite.email && invite.email !== user.email) {
        throw forbidden('This invite was sent to another email address.', 'invite_wrong_account');
      }
      await q.upsertMembership(tx, invite.communityId, user.id, invite.roles as CommunityRole[]);
      await q.markInviteAccepted(tx, invite.id, user.id);
      return invite.communityId;
    },

    async acceptInviteAsActor(actor: Actor | null, token: string) {
      const me = authorize(actor, 'community.read', { community: { id: '', joinPolicy: 'open' } });
      const user = await users.findUserById(db, me.id);
      if (!user) throw unauthorized();
      const email = user.email;
      const communityId = await db.transaction((tx) => this.acceptInvite(tx, token, { id: me.id, email }));
      return this.get(me, communityId);
    },

    /** The communities a user belongs to, with their roles (for "who am I"). */
    async membershipsOf(userId: string) {
      const rows = await q.membershipsOfUser(db, userId);
      // A suspended member is told why and until when (the suspend dialog promises them that).
      return rows.map(({ suspensionReason, suspensionUntil, ...m }) => ({
        ...m,
        roles: m.roles as CommunityRole[],
        suspension: m.suspended && suspensionReason !== null ? { reason: suspensionReason, until: suspensionUntil } : null,
      }));
    },

    async listMembers(actor: Actor | null, communityId: string) {
      const access = await requireCommunity(db, actor, communityId, 'members.list');
      const showEmail = seesEmails(access);
      return (await q.listMembers(db, communityId)).map((m) => presentMember(m, showEmail));
    },

    async setRoles(actor: Actor | null, communityId: string, userId: string, roles: CommunityRole[]) {
      const access = await requireCommunity(db, actor, communityId, 'members.setRoles');
      if (!(await q.setMemberRoles(db, communityId, userId, [...roles].sort()))) throw notFound('Member');
      return presentMember((await q.findMember(db, communityId, userId))!, seesEmails(access));
    },

    async removeMember(actor: Actor | null, communityId: string, userId: string) {
      await db.transaction(async (tx) => {
        const { actor: me } = await requireCommunity(tx, actor, communityId, 'members.remove');
        if (!(await q.markMembershipRemoved(tx, communityId, userId))) throw notFound('Member');
        // Audited like every moderation action; the live feature ends the member's subscriptions.
        await audit.insertLogEntry(tx, { communityId, actorId: me.id, action: 'member.remove', targetType: 'member', targetId: userId, before: { member: true }, after: { member: false } });
        await outbox.recordEvent(tx, { communityId, name: 'member.removed', data: { userId } });
      });
    },
  };
}

export type CommunityService = ReturnType<typeof createCommunityService>;
