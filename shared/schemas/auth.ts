import { Type, type Static } from 'typebox';
import { LIMITS } from '../limits.js';
import { Body, Line, RoleName, Uuid } from './common.js';

export const Email = Type.String({ maxLength: LIMITS.emailMax, pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' });
export const Password = Type.String({ minLength: LIMITS.passwordMin, maxLength: LIMITS.passwordMax });

export const RegisterBody = Body({
  email: Email,
  password: Password,
  displayName: Line(LIMITS.displayNameMax),
  /** An invite token from a link: the new account joins that community at once. */
  inviteToken: Type.Optional(Type.String({ minLength: 10, maxLength: 200 })),
});
export const LoginBody = Body({ email: Type.String({ maxLength: LIMITS.emailMax }), password: Type.String({ maxLength: LIMITS.passwordMax }) });

export const MembershipSummary = Type.Object({
  communityId: Uuid,
  slug: Type.String(),
  name: Type.String(),
  roles: Type.Array(RoleName),
  suspended: Type.Boolean(),
});

export const User = Type.Object({
  id: Uuid,
  email: Type.String(),
  displayName: Type.String(),
  isAdmin: Type.Boolean(),
});

export const Me = Type.Object({
  ...User.properties,
  memberships: Type.Array(MembershipSummary),
});

export type RegisterBody = Static<typeof RegisterBody>;
export type Me = Static<typeof Me>;
export type MembershipSummary = Static<typeof MembershipSummary>;
