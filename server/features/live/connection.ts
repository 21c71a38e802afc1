// The hub's bookkeeping: this process's connections (by user), each connection's subscriptions, the
// channel → subscriptions index; sending with the slow-consumer close, and each connection's incoming
// messages with their rate limit. No database here: the rest of the hub builds on these.
import type { WebSocket, RawData } from 'ws';
import { Value } from 'typebox/value';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { parseJsonText } from '../../json-input.js';
import type { Actor } from '../../policy/policy.js';
import {
  CHANNEL_PATTERN,
  LIVE_CLOSE,
  LIVE_LIMITS,
  SubscribeMessage,
  UnsubscribeMessage,
  type LiveErrorCode,
  type ServerMessage,
} from '../../../shared/schemas/live.js';
import type { EventContext, Viewer } from './filter.js';
import type { ChannelKey, EventRow } from './queries.js';

export class Connection {
  readonly subscriptions = new Map<string, Subscription>();
  /** promptId → has this user posted in it (answer-first rule); shared by all this connection's subscriptions. */
  readonly answeredPrompts = new Map<string, boolean>();
  alive = true;
  closed = false;
  tokens: number = LIVE_LIMITS.messageBurst;
  lastRefill = Date.now();
  refusedInRow = 0;
  constructor(
    readonly socket: WebSocket,
    readonly actor: Actor,
    readonly sessionId: string,
  ) {}
}

export class Subscription {
  state: 'authorizing' | 'replaying' | 'live' | 'closed' = 'authorizing';
  communityId = '';
  lastSentId = 0;
  /** Live events that arrived while replaying. */
  buffer: Array<{ event: EventRow; ctx: EventContext }> = [];
  viewer: Viewer;
  /** A method, not a field test, because the state changes while subscribe() awaits. */
  isClosed() {
    return this.state === 'closed';
  }
  constructor(
    readonly conn: Connection,
    readonly channel: string,
    readonly key: ChannelKey,
  ) {
    this.viewer = { actor: conn.actor, membership: null, answeredPrompts: conn.answeredPrompts };
  }
}

export function createConnections(config: Pick<Config, 'liveSendBufferBytes'>) {
  const connections = new Set<Connection>();
  const byUser = new Map<string, Set<Connection>>();
  const channels = new Map<string, Set<Subscription>>();

  function add(conn: Connection) {
    connections.add(conn);
    let mine = byUser.get(conn.actor.id);
    if (!mine) byUser.set(conn.actor.id, (mine = new Set()));
    mine.add(conn);
  }

  /** Drops the connection and its subscriptions from every index (the socket is closed or closing). */
  function forget(conn: Connection) {
    connections.delete(conn);
    const mine = byUser.get(conn.actor.id);
    mine?.delete(conn);
    if (mine?.size === 0) byUser.delete(conn.actor.id);
    for (const sub of conn.subscriptions.values()) removeSubscription(sub);
  }

  function close(conn: Connection, code: number, reason: string) {
    if (conn.closed) return;
    conn.closed = true;
    forget(conn);
    conn.socket.close(code, reason);
    // The close frame may be stuck behind a full buffer: do not wait for it forever.
    setTimeout(() => conn.socket.terminate(), 2000).unref();
  }

  function closeAll(code: number, reason: string) {
    for (const conn of [...connections]) close(conn, code, reason);
  }

  function sendText(conn: Connection, text: string) {
    const socket = conn.socket;
    if (conn.closed || socket.readyState !== socket.OPEN) return;
    // A slow reader must not make the process hold unbounded data: drop it, it resumes with `since`.
    if (socket.bufferedAmount > config.liveSendBufferBytes) {
      close(conn, LIVE_CLOSE.tryAgainLater, 'send buffer full');
      return;
    }
    socket.send(text);
  }

  const send = (conn: Connection, message: ServerMessage) => sendText(conn, JSON.stringify(message));

  function sendError(conn: Connection, code: LiveErrorCode, message: string, channel?: string) {
    send(conn, { type: 'error', code, message, ...(channel ? { channel } : {}) });
  }

  /** Puts the subscription in its channel's index: from here on the live feed reaches it. */
  function joinChannel(sub: Subscription) {
    let set = channels.get(sub.channel);
    if (!set) channels.set(sub.channel, (set = new Set()));
    set.add(sub);
  }

  function removeSubscription(sub: Subscription) {
    sub.state = 'closed';
    sub.buffer = [];
    sub.conn.subscriptions.delete(sub.channel);
    const set = channels.get(sub.channel);
    set?.delete(sub);
    if (set?.size === 0) channels.delete(sub.channel);
  }

  function revoke(sub: Subscription, code: LiveErrorCode, message: string) {
    removeSubscription(sub);
    sendError(sub.conn, code, message, sub.channel);
  }

  /** Token bucket: true if the message may be handled. A flood closes the connection (1008). */
  function takeToken(conn: Connection): boolean {
    const now = Date.now();
    conn.tokens = Math.min(LIVE_LIMITS.messageBurst, conn.tokens + ((now - conn.lastRefill) / 1000) * LIVE_LIMITS.messagesPerSecond);
    conn.lastRefill = now;
    if (conn.tokens >= 1) {
      conn.tokens -= 1;
      conn.refusedInRow = 0;
      return true;
    }
    conn.refusedInRow += 1;
    if (conn.refusedInRow >= LIVE_LIMITS.floodCloseAfter) close(conn, LIVE_CLOSE.policyViolation, 'too many messages');
    else if (conn.refusedInRow === 1) sendError(conn, 'rate_limited', `Too many messages: at most ${LIVE_LIMITS.messagesPerSecond} per second.`);
    return false;
  }

  return {
    /** Every open connection of this process. */
    all: connections as ReadonlySet<Connection>,
    /** The open connections of a user. */
    ofUser: (userId: string): Iterable<Connection> => byUser.get(userId) ?? [],
    /** The subscriptions of a channel (any state but closed). */
    ofChannel: (channel: string): Iterable<Subscription> => channels.get(channel) ?? [],
    isWatched: (channel: string) => (channels.get(channel)?.size ?? 0) > 0,
    channelCount: () => channels.size,
    add,
    forget,
    close,
    closeAll,
    send,
    sendText,
    sendError,
    joinChannel,
    removeSubscription,
    revoke,
    takeToken,
  };
}

export type Connections = ReturnType<typeof createConnections>;

const channelRegex = new RegExp(CHANNEL_PATTERN);

export interface MessageHandlers {
  subscribe(conn: Connection, channel: string, since: number | undefined): Promise<void>;
  unsubscribe(conn: Connection, channel: string): void;
}

/** Reads one client message: rate limit, then JSON, then the protocol's schemas; hands it on with its channel canonical. */
export function handleMessage(connections: Connections, handlers: MessageHandlers, conn: Connection, raw: RawData, isBinary: boolean) {
  const { sendError } = connections;
  if (conn.closed || !connections.takeToken(conn)) return;
  if (isBinary) return sendError(conn, 'invalid_message', 'Messages are JSON text.');
  let message: unknown;
  try {
    // ws has checked that a text frame is UTF-8; parseJsonText bounds the nesting like a request body's.
    message = parseJsonText(raw.toString());
  } catch (err) {
    return sendError(conn, 'invalid_json', err instanceof AppError ? err.message : 'The message is not valid JSON.');
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return sendError(conn, 'invalid_message', 'A message is a JSON object with a `type`.');
  }
  const { type, channel } = message as { type?: unknown; channel?: unknown };
  // The client's heartbeat: a browser cannot see the protocol-level pings, so it asks and times out itself.
  if (type === 'ping') return connections.send(conn, { type: 'pong' });
  if (type !== 'subscribe' && type !== 'unsubscribe') {
    return sendError(conn, 'unknown_type', `Unknown message type ${JSON.stringify(type ?? null).slice(0, 40)}; expected subscribe, unsubscribe or ping.`);
  }
  if (typeof channel !== 'string' || !channelRegex.test(channel)) {
    return sendError(conn, 'invalid_channel', 'channel must be "community:<uuid>" or "topic:<uuid>".');
  }
  const schema = type === 'subscribe' ? SubscribeMessage : UnsubscribeMessage;
  if (!Value.Check(schema, message)) {
    const first = [...Value.Errors(schema, message)][0];
    const field = first?.instancePath.replace(/^\//, '') || 'message';
    return sendError(conn, 'invalid_message', `${field}: ${first?.message ?? 'invalid'}`);
  }
  // Ids are matched as the database writes them (lowercase): "topic:ABC…" and "topic:abc…" are one channel.
  const canonical = channel.toLowerCase();
  if (type === 'subscribe') void handlers.subscribe(conn, canonical, (message as SubscribeMessage).since);
  else handlers.unsubscribe(conn, canonical);
}
