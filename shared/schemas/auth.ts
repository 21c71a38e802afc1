import { Type, type Static } from 'typebox';
import { LIMITS } from '../limits.js';
import { Body, IsoDateTime, Line, RoleName, Uuid } from './common.js';

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
  /** While suspended: the moderator's reason and when it ends (null: until a moderator lifts it). */
  suspension: Type.Union([Type.Object({ reason: Type.String(), until: Type.Union([IsoDateTime, Type.Null()]) }), Type.Null()]),
});

/** An @handle as typed: letters, digits and underscores (stored lower-case). */
export const Handle = Type.String({ minLength: 3, maxLength: 30, pattern: '^[A-Za-z0-9_]+$' });
/** Plain text of a profile (bio, expertise): several lines allowed. */
const ProfileText = Type.String({ maxLength: LIMITS.bioMax });

export const User = Type.Object({
  id: Uuid,
  email: Type.String(),
  displayName: Type.String(),
  handle: Type.String(),
  isAdmin: Type.Boolean(),
});

export const Me = Type.Object({
  ...User.properties,
  bio: Type.String(),
  expertise: Type.String(),
  /** false until the member follows the link mailed at registration; no notification mail goes out before. */
  emailVerified: Type.Boolean(),
  memberships: Type.Array(MembershipSummary),
});

export const ProfileBody = Body({
  displayName: Type.Optional(Line(LIMITS.displayNameMax)),
  handle: Type.Optional(Handle),
  bio: Type.Optional(ProfileText),
  expertise: Type.Optional(ProfileText),
});
export const ChangePasswordBody = Body({ currentPassword: Type.String({ maxLength: LIMITS.passwordMax }), newPassword: Password });
export const ChangeEmailBody = Body({ email: Email, currentPassword: Type.String({ maxLength: LIMITS.passwordMax }) });
export const PasswordResetBody = Body({ email: Type.String({ maxLength: LIMITS.emailMax }) });
const MailedToken = Type.String({ minLength: 10, maxLength: 200 });
export const PasswordResetConfirmBody = Body({ token: MailedToken, password: Password });
export const VerifyEmailBody = Body({ token: MailedToken });
export const EmailVerified = Type.Object({ email: Type.String(), emailVerified: Type.Boolean() });

export type RegisterBody = Static<typeof RegisterBody>;
export type Me = Static<typeof Me>;
export type ProfileBody = Static<typeof ProfileBody>;
export type MembershipSummary = Static<typeof MembershipSummary>;
