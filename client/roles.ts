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
