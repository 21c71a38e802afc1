// The live-update protocol over the WebSocket at GET /api/live (see docs/live-protocol.md).
// Client → server messages are validated with these schemas; server → client types are shared with the client.
import { Type, type Static } from 'typebox';
import { UUID_PATTERN } from './common.js';

/** `community:<uuid>` or `topic:<uuid>`. */
export const CHANNEL_PATTERN = `^(community|topic):${UUID_PATTERN}$`;
export const Channel = Type.String({ pattern: CHANNEL_PATTERN, maxLength: 50 });

export const SubscribeMessage = Type.Object(
  {
    type: Type.Literal('subscribe'),
    channel: Channel,
    /** The last event id the client saw on this channel; the server replays every later event. */
    since: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  },
  { additionalProperties: false },
);
export const UnsubscribeMessage = Type.Object({ type: Type.Literal('unsubscribe'), channel: Channel }, { additionalProperties: false });
/** Application-level heartbeat: the server answers `pong` (browsers cannot see WebSocket ping frames). */
export const PingMessage = Type.Object({ type: Type.Literal('ping') }, { additionalProperties: false });
export const ClientMessage = Type.Union([SubscribeMessage, UnsubscribeMessage, PingMessage]);

export type SubscribeMessage = Static<typeof SubscribeMessage>;
export type UnsubscribeMessage = Static<typeof UnsubscribeMessage>;
export type ClientMessage = Static<typeof ClientMessage>;

/**
 * On the reads a page keeps live (topic list, topic, posts): the community's newest event id when the read
 * began. A view subscribes before it reads; if its subscription's `subscribed.lastEventId` comes back above
 * this, something happened between the read and the subscription's start: the view reads again.
 */
export const LiveCursor = Type.Integer({
  minimum: 0,
  description: "The community's newest live-event id when this read began; refetch if the live subscription starts after it.",
});

/** Sent once replay is complete: every event with id ≤ lastEventId has been sent (or was not for you). */
export interface SubscribedMessage {
  type: 'subscribed';
  channel: string;
  lastEventId: number;
}
export interface UnsubscribedMessage {
  type: 'unsubscribed';
  channel: string;
}
/**
 * An event as the wire carries it. The payload of each event name is typed in shared/events.ts; its
 * `EventMessage` is this message discriminated by `name`.
 */
/** An `event` message, typed by the event catalogue (shared/events.ts): `name` decides the type of `data`. */
export type { EventMessage } from '../events.js';
import type { EventMessage } from '../events.js';
/** `since` is older than the retained history (or too much was missed): refetch over HTTP, then subscribe without `since`. */
export interface ResyncMessage {
  type: 'resync';
  channel: string;
}
export interface ErrorMessage {
  type: 'error';
  code: LiveErrorCode;
  message: string;
  /** Set when the error concerns one channel (refused or revoked subscription). */
  channel?: string;
}
/**
 * Something new for me in my notifications: sent, unasked, to every socket of that member only (no subscription,
 * no replay: the client asks GET /api/notifications again, and does so after every reconnect anyway).
 */
export interface NotificationsMessage {
  type: 'notifications';
}
/** The answer to a client's `ping`. */
export interface PongMessage {
  type: 'pong';
}
export type ServerMessage = PongMessage | SubscribedMessage | UnsubscribedMessage | EventMessage | ResyncMessage | ErrorMessage | NotificationsMessage;

/** The NOTIFY channel on which the notifier names the members (comma-separated ids) who got something new. */
export const NOTIFICATIONS_CHANNEL = 'stoa_notifications';

export type LiveErrorCode =
  | 'invalid_json'
  | 'invalid_message'
  | 'unknown_type'
  | 'invalid_channel'
  | 'rate_limited'
  | 'not_found'
  | 'forbidden'
  | 'member_suspended'
  | 'access_revoked'
  | 'already_subscribed'
  | 'not_subscribed'
  | 'too_many_subscriptions'
  | 'internal_error';

/** WebSocket close codes the server uses. */
export const LIVE_CLOSE = {
  /** Server shutting down: reconnect (elsewhere) with `since`. */
  goingAway: 1001,
  /** Flooding (or another policy violation): do not reconnect at once. */
  policyViolation: 1008,
  /** A message over the size limit. */
  messageTooBig: 1009,
  /** The client read too slowly (send buffer full): reconnect with `since`. */
  tryAgainLater: 1013,
  /** The session ended (sign-out, expiry, account suspended): sign in again. */
  sessionEnded: 4001,
} as const;

export const LIVE_LIMITS = {
  /** Largest client message, bytes. */
  maxMessageBytes: 16 * 1024,
  /** Token bucket per connection: sustained rate and burst. */
  messagesPerSecond: 20,
  messageBurst: 40,
  /** Refused messages in a row before the connection is closed with 1008. */
  floodCloseAfter: 40,
  maxSubscriptionsPerConnection: 50,
  /** Replays longer than this get `resync` instead. */
  maxReplayEvents: 1000,
  /** Events are kept at least this long (pruned after retentionDays + 1). */
  retentionDays: 7,
} as const;
