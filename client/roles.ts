// How roles read to people, and which controls to show. Every member is a practitioner; the stored roles
// are the added ones. The server's policy module stays the authority: these only decide what to offer.
import { ROLES, type Role } from '../shared/limits.js';

export { ROLES, type Role };

export const ROLE_LABELS: Record<Role, string> = {
  facilitator: 'facilitator',
  moderator: 'moderator',
  manager: 'manager',
};

/** ['facilitator'] → ['practitioner', 'facilitator'] */
export function roleNames(roles: readonly Role[]): string[] {
  return ['practitioner', ...ROLES.filter((r) => roles.includes(r)).map((r) => ROLE_LABELS[r])];
}

export const canInvite = (roles: readonly Role[] | null, isAdmin: boolean) =>
  isAdmin || !!roles?.some((r) => r === 'facilitator' || r === 'manager');
/** Inviting someone straight into an added role: managers and admins (facilitators invite practitioners). */
export const canInviteWithRoles = (roles: readonly Role[] | null, isAdmin: boolean) => isAdmin || !!roles?.includes('manager');
export const canListMembers = (roles: readonly Role[] | null, isAdmin: boolean) => isAdmin || !!roles?.length;
export const canSetRoles = (roles: readonly Role[] | null, isAdmin: boolean) => isAdmin || !!roles?.includes('manager');
/** Moderators (and admins) remove/restore/approve posts, read the queue, suspend members, edit watched words. */
export const canModerate = (roles: readonly Role[] | null, isAdmin: boolean) => isAdmin || !!roles?.includes('moderator');
/** The audit log: moderators and managers. */
export const canReadModerationLog = (roles: readonly Role[] | null, isAdmin: boolean) =>
  isAdmin || !!roles?.some((r) => r === 'moderator' || r === 'manager');
/** Community settings (watched words, thresholds): moderators and managers. */
export const canEditModerationSettings = canReadModerationLog;
/** The community's engagement dashboard: managers and admins (facilitators get their own topics' figures). */
export const canSeeEngagement = (roles: readonly Role[] | null, isAdmin: boolean) => isAdmin || !!roles?.includes('manager');
/** Removing a membership: managers and admins. */
export const canRemoveMembers = canSetRoles;
