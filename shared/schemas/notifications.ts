import { Type, type Static } from 'typebox';
import { Body, IsoDateTime, Uuid } from './common.js';

export const NotificationKind = Type.Union([
  Type.Literal('reply'),
  Type.Literal('mention'),
  Type.Literal('post'),
  Type.Literal('topic'),
  Type.Literal('prompt'),
  Type.Literal('helpful'),
  Type.Literal('solution'),
  Type.Literal('moderation'),
  Type.Literal('invitation'),
]);
export const WatchLevel = Type.Union([Type.Literal('watching'), Type.Literal('tracking'), Type.Literal('normal'), Type.Literal('muted')]);
export const EmailPreference = Type.Union([Type.Literal('immediate'), Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('never')]);

export const Notification = Type.Object({
  id: Type.Integer(),
  kind: NotificationKind,
  /** One line saying what happened, e.g. "Ana Lima replied to your post in “Feedback that lands”". */
  text: Type.String(),
  /** A moderator's note to the author (moderation outcomes), or the facilitator's note (invitations). */
  note: Type.Union([Type.String(), Type.Null()]),
  /** In-app path to the exact post (or the topic). */
  url: Type.String(),
  community: Type.Object({ id: Uuid, slug: Type.String(), name: Type.String() }),
  topicId: Type.Union([Uuid, Type.Null()]),
  postId: Type.Union([Uuid, Type.Null()]),
  actor: Type.Union([Type.Object({ id: Uuid, displayName: Type.String(), handle: Type.String() }), Type.Null()]),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  read: Type.Boolean(),
});
export type Notification = Static<typeof Notification>;

export const NotificationPage = Type.Object({
  items: Type.Array(Notification),
  unreadCount: Type.Integer(),
  /** Pass as ?cursor= for older notifications; null at the end. */
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type NotificationPage = Static<typeof NotificationPage>;

export const NotificationsQuery = Type.Object({
  unread: Type.Optional(Type.Boolean()),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

export const MarkNotificationsReadBody = Body({
  ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 200 })),
  all: Type.Optional(Type.Literal(true)),
});

export const WatchBody = Body({ level: WatchLevel });
export const Watch = Type.Object({
  level: WatchLevel,
  /** false: the level follows from the defaults (nothing chosen for this topic or community). */
  chosen: Type.Boolean(),
});
export type Watch = Static<typeof Watch>;

export type EmailPreference = Static<typeof EmailPreference>;
export const Preferences = Type.Object({ email: EmailPreference });
export const PreferencesBody = Body({ email: EmailPreference });
export type Preferences = Static<typeof Preferences>;

export const InviteReadersBody = Body({
  /** Silent readers to invite (members who read the topic but never posted); or all of them with readers: true. */
  userIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 500 })),
  readers: Type.Optional(Type.Literal(true)),
  note: Type.String({ minLength: 1, maxLength: 2000 }),
});
export const InvitationResult = Type.Object({ invited: Type.Integer() });
export const TopicInvitations = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Uuid,
      createdAt: IsoDateTime,
      note: Type.String(),
      invitedBy: Type.String(),
      invited: Type.Integer(),
      /** Invited readers who have published a post in the topic since. */
      postedAfterwards: Type.Integer(),
    }),
  ),
});
export type TopicInvitations = Static<typeof TopicInvitations>;
