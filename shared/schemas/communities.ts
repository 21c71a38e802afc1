import { Type, type Static } from 'typebox';
import { LIMITS } from '../limits.js';
import { Body, IsoDateTime, Line, RoleName, Uuid } from './common.js';

export { RoleName };

export const JoinPolicy = Type.Union([Type.Literal('open'), Type.Literal('invite')]);

export const CreateCommunityBody = Body({
  name: Line(LIMITS.communityNameMax),
  slug: Type.String({ minLength: 2, maxLength: LIMITS.slugMax, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }),
  description: Type.String({ maxLength: LIMITS.descriptionMax }),
  joinPolicy: JoinPolicy,
});

export const Community = Type.Object({
  id: Uuid,
  slug: Type.String(),
  name: Type.String(),
  description: Type.String(),
  joinPolicy: JoinPolicy,
  memberCount: Type.Integer(),
  /** The caller's roles here; null when not a member. */
  myRoles: Type.Union([Type.Array(RoleName), Type.Null()]),
  createdAt: IsoDateTime,
});

export const CreateInviteBody = Body({
  roles: Type.Array(RoleName, { maxItems: 3, uniqueItems: true }),
  email: Type.Optional(Type.String({ maxLength: LIMITS.emailMax, pattern: '^[^@\\s]+@[^@\\s]+$' })),
  expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
});
export const Invite = Type.Object({
  token: Type.String(),
  url: Type.String(),
  expiresAt: IsoDateTime,
  /** The link works once: it is for one email address or it grants roles. Otherwise anyone may join with it until it expires. */
  singleUse: Type.Boolean(),
});

export const Member = Type.Object({
  userId: Uuid,
  displayName: Type.String(),
  handle: Type.String(),
  /** Shown to the community's managers and to admins only; null for facilitators and moderators. */
  email: Type.Union([Type.String(), Type.Null()]),
  roles: Type.Array(RoleName),
  joinedAt: IsoDateTime,
  suspended: Type.Boolean(),
});

export const UpdateMemberBody = Body({ roles: Type.Array(RoleName, { maxItems: 3, uniqueItems: true }) });

export type Community = Static<typeof Community>;
export type Member = Static<typeof Member>;
