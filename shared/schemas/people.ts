import { Type, type Static } from 'typebox';
import { IsoDateTime, Uuid } from './common.js';

export const Profile = Type.Object({
  id: Uuid,
  displayName: Type.String(),
  handle: Type.String(),
  bio: Type.String(),
  /** "What I can help with". */
  expertise: Type.String(),
  /** The communities the viewer and this member both belong to. */
  sharedCommunities: Type.Array(Type.Object({ id: Uuid, slug: Type.String(), name: Type.String() })),
  /** Their latest posts that the viewer may see, newest first. */
  recentPosts: Type.Array(
    Type.Object({
      id: Uuid,
      topicId: Uuid,
      topicTitle: Type.String(),
      communitySlug: Type.String(),
      bodyHtml: Type.String(),
      createdAt: IsoDateTime,
    }),
  ),
});
export type Profile = Static<typeof Profile>;

export const ProfileParams = Type.Object({
  /** A member's id, or their @handle (without the @). */
  user: Type.String({ minLength: 3, maxLength: 36, pattern: '^[A-Za-z0-9_-]+$' }),
});

export const MemberSearchQuery = Type.Object({ q: Type.String({ maxLength: 30, pattern: '^[^\\u0000-\\u001F]*$' }) });
export const MemberMatches = Type.Object({
  items: Type.Array(Type.Object({ id: Uuid, handle: Type.String(), displayName: Type.String() })),
});
export type MemberMatches = Static<typeof MemberMatches>;
