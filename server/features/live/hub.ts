// The live hub: one per process. It owns every WebSocket connection of this process, the channel →
// subscriptions index, and the single LISTEN on `stoa_events`.
//
// Fan-out: NOTIFY carries only an event id. Ids that arrive together are loaded in ONE query, then each
// event is dispatched in id order: its topic/prompt context is loaded once (cached), the filter
// (filter.ts) decides per subscriber, and each distinct (channel, data) message is serialised once and
// the same string is sent to every subscriber who may see it.
//
// Exactly-once, in order, none lost: a new subscription joins the channel index FIRST (live events are
// buffered), then replays the log `WHERE id > since ORDER BY id`, then flushes the buffer, dropping ids
// ≤ the last id it handled. recordEvent() makes one community's ids commit in order (see events.ts).
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket, RawData } from 'ws';
import { Value } from 'typebox/value';
import type { Config } from '../../config.js';
import type { Database, Db } from '../../db/client.js';
import { isDatabaseUnavailable } from '../../db/errors.js';
import { AppError, notFound } from '../../errors.js';
import { parseJsonText } from '../../json-input.js';
import { authorize, can, topicContext, type Actor, type MembershipContext } from '../../policy/policy.js';
import { requireCommunity } from '../../domain/community-access.js';
import {
  CHANNEL_PATTERN,
  LIVE_CLOSE,
  LIVE_LIMITS,
  SubscribeMessage,
  UnsubscribeMessage,
  type LiveErrorCode,
  type ServerMessage,
} from '../../../shared/schemas/live.js';
import { isUuid } from '../../../shared/schemas/common.js';
import { EVENTS_CHANNEL } from '../../domain/outbox.js';
import { postAuthorId, visibleTo, type EventContext, type Viewer, type Visibility } from './filter.js';
import * as q from './queries.js';
import { findPostStatuses } from './queries.js';
import { findTopic, type TopicCore } from '../../domain/topic-access.js';

const channelRegex = new RegExp(CHANNEL_PATTERN);

class Connection {
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

class Subscription {
  state: 'authorizing' | 'replaying' | 'live' | 'closed' = 'authorizing';
  communityId = '';
  lastSentId = 0;
  /** Live events that arrived while replaying. */
  buffer: Array<{ event: q.EventRow; ctx: EventContext }> = [];
  viewer: Viewer;
  /** A method, not a field test, because the state changes while subscribe() awaits. */
  isClosed() {
    return this.state === 'closed';
  }
  constructor(
    readonly conn: Connection,
    readonly channel: string,
    readonly key: q.ChannelKey,
  ) {
    this.viewer = { actor: conn.actor, membership: null, answeredPrompts: conn.answeredPrompts };
  }
}

export interface LiveHubOptions {
  database: Database;
  config: Config;
  log: FastifyBaseLogger;
}

export function createLiveHub({ database, config, log }: LiveHubOptions) {
  const db: Db = database.db;
  const connections = new Set<Connection>();
  const byUser = new Map<string, Set<Connection>>();
  const channels = new Map<string, Set<Subscription>>();
  const topicCache = new Map<string, TopicCore | null>();
  const promptCache = new Map<string, boolean | null>();
  const CACHE_MAX = 10_000;

  let pendingIds: number[] = [];
  let draining = false;
  /** The batch being dispatched: shutdown waits for it before the database pool closes. */
  let drainDone: Promise<void> = Promise.resolve();
  let stopped = false;
  let heartbeat: NodeJS.Timeout | undefined;
  let accessCheck: NodeJS.Timeout | undefined;

  // ---- sending -------------------------------------------------------------------------------

  function sendText(conn: Connection, text: string) {
    const socket = conn.socket;
    if (conn.closed || socket.readyState !== socket.OPEN) return;
    // A slow reader must not make the process hold unbounded data: drop it, it resumes with `since`.
    if (socket.bufferedAmount > config.liveSendBufferBytes) {
      closeConnection(conn, LIVE_CLOSE.tryAgainLater, 'send buffer full');
      return;
    }
    socket.send(text);
  }

  const send = (conn: Connection, message: ServerMessage) => sendText(conn, JSON.stringify(message));

  function sendError(conn: Connection, code: LiveErrorCode, message: string, channel?: string) {
    send(conn, { type: 'error', code, message, ...(channel ? { channel } : {}) });
  }

  function closeConnection(conn: Connection, code: number, reason: string) {
    if (conn.closed) return;
    conn.closed = true;
    forget(conn);
    conn.socket.close(code, reason);
    // The close frame may be stuck behind a full buffer: do not wait for it forever.
    setTimeout(() => conn.socket.terminate(), 2000).unref();
  }

  // ---- bookkeeping ---------------------------------------------------------------------------

  function forget(conn: Connection) {
    connections.delete(conn);
    const mine = byUser.get(conn.actor.id);
    mine?.delete(conn);
    if (mine?.size === 0) byUser.delete(conn.actor.id);
    for (const sub of conn.subscriptions.values()) removeSubscription(sub);
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

  // ---- context for the filter ----------------------------------------------------------------

  async function topicInfo(topicId: string): Promise<TopicCore | null> {
    if (topicCache.has(topicId)) return topicCache.get(topicId)!;
    const info = await findTopic(db, topicId);
    if (topicCache.size > CACHE_MAX) topicCache.clear();
    topicCache.set(topicId, info);
    return info;
  }

  async function promptAnswerFirst(promptId: string): Promise<boolean> {
    if (!promptCache.has(promptId)) {
      if (promptCache.size > CACHE_MAX) promptCache.clear();
      promptCache.set(promptId, await q.findPromptAnswerFirst(db, promptId));
    }
    return promptCache.get(promptId) ?? false;
  }

  /** The post an event carries, when its status matters to the filter (post events with a status). */
  function statusPostId(event: q.EventRow): string | null {
    const data = (event.data ?? {}) as { id?: unknown; status?: unknown };
    return event.name.startsWith('post.') && typeof data.id === 'string' && isUuid(data.id) && typeof data.status === 'string' ? data.id : null;
  }

  /** What the filter needs to know about each event; the posts' current statuses come in one query for all. */
  async function eventContexts(events: q.EventRow[]): Promise<EventContext[]> {
    const statuses = await findPostStatuses(db, [...new Set(events.map(statusPostId).filter((id): id is string => id !== null))]);
    const out: EventContext[] = [];
    for (const event of events) {
      const data = (event.data ?? {}) as { promptId?: unknown };
      const postId = statusPostId(event);
      out.push({
        topic: event.topicId ? await topicInfo(event.topicId) : null,
        promptAnswerFirst: event.name.startsWith('post.') && typeof data.promptId === 'string' ? await promptAnswerFirst(data.promptId) : false,
        // The post's status now: an event (live or replayed) never shows content removed since it was recorded.
        currentPostStatus: postId ? (statuses.get(postId) ?? null) : null,
      });
    }
    return out;
  }

  /** Loads "has answered" for every (connection, prompt) the filter asked about, one query per prompt. */
  async function resolveAnswered(asks: Array<{ sub: Subscription; promptId: string }>) {
    const byPrompt = new Map<string, Set<Connection>>();
    for (const { sub, promptId } of asks) {
      if (sub.conn.answeredPrompts.has(promptId)) continue;
      let set = byPrompt.get(promptId);
      if (!set) byPrompt.set(promptId, (set = new Set()));
      set.add(sub.conn);
    }
    for (const [promptId, conns] of byPrompt) {
      const answered = await q.usersWhoAnsweredPrompt(db, promptId, [...new Set([...conns].map((c) => c.actor.id))]);
      for (const conn of conns) conn.answeredPrompts.set(promptId, answered.has(conn.actor.id));
    }
  }

  /** Decides for each subscription (batching answered-prompt look-ups) and sends; advances lastSentId. */
  async function deliver(event: q.EventRow, ctx: EventContext, subs: Subscription[]) {
    subs = subs.filter((sub) => sub.state !== 'closed' && event.id > sub.lastSentId);
    const decisions = new Map<Subscription, Visibility>();
    const asks: Array<{ sub: Subscription; promptId: string }> = [];
    for (const sub of subs) {
      const v = visibleTo(event, ctx, sub.viewer);
      decisions.set(sub, v);
      if (v.visible === 'unknown') asks.push({ sub, promptId: v.answeredPromptId });
    }
    if (asks.length > 0) {
      await resolveAnswered(asks);
      for (const { sub } of asks) decisions.set(sub, visibleTo(event, ctx, sub.viewer));
    }
    // One JSON string per (channel, data object): the common case serialises once for all subscribers.
    const texts = new Map<string, Map<unknown, string>>();
    for (const sub of subs) {
      if (sub.state === 'closed' || event.id <= sub.lastSentId) continue;
      sub.lastSentId = event.id;
      const v = decisions.get(sub)!;
      if (v.visible !== true) continue;
      let perChannel = texts.get(sub.channel);
      if (!perChannel) texts.set(sub.channel, (perChannel = new Map()));
      let text = perChannel.get(v.data);
      if (text === undefined) {
        text = JSON.stringify({ type: 'event', id: event.id, channel: sub.channel, name: event.name, data: v.data } satisfies ServerMessage);
        perChannel.set(v.data, text);
      }
      sendText(sub.conn, text);
    }
  }

  // ---- the live feed: NOTIFY → load → dispatch -----------------------------------------------

  function onNotify(payload: string) {
    if (stopped) return;
    const id = Number(payload);
    if (!Number.isSafeInteger(id) || id <= 0) return;
    pendingIds.push(id);
    if (!draining) drainDone = drain();
  }

  async function drain(): Promise<void> {
    draining = true;
    try {
      while (pendingIds.length > 0 && !stopped) {
        const ids = pendingIds;
        pendingIds = [];
        const rows = await q.findEventsByIds(db, ids);
        for (const event of rows) {
          if (stopped) break; // shutting down: the sockets are closing and the pool is about to
          await dispatch(event);
        }
      }
    } catch (err) {
      // A lost batch means subscribers may have missed events: make them resume from the log.
      log.error({ err }, 'live: dispatching events failed; asking clients to reconnect');
      for (const conn of [...connections]) closeConnection(conn, LIVE_CLOSE.tryAgainLater, 'server error');
    } finally {
      draining = false;
      if (pendingIds.length > 0 && !stopped) drainDone = drain();
    }
  }

  async function dispatch(event: q.EventRow) {
    const data = (event.data ?? {}) as Record<string, unknown>;
    // Keep cached topic/prompt context true: every change to them records an event that passes here.
    if (event.topicId && (event.name.startsWith('topic.') || event.name.startsWith('prompt.'))) {
      topicCache.delete(event.topicId);
      promptCache.clear();
    }
    if ((event.name === 'member.suspended' || event.name === 'member.removed') && typeof data.userId === 'string') {
      const code: LiveErrorCode = event.name === 'member.suspended' ? 'member_suspended' : 'access_revoked';
      for (const conn of byUser.get(data.userId) ?? []) {
        for (const sub of [...conn.subscriptions.values()]) {
          if (sub.communityId === event.communityId) revoke(sub, code, 'You no longer have access to this community’s live updates.');
        }
      }
    }
    if (event.name === 'post.created' && typeof data.promptId === 'string') {
      const authorId = postAuthorId(data);
      for (const conn of (authorId && byUser.get(authorId)) || []) conn.answeredPrompts.set(data.promptId, true);
    }

    const channelsOfEvent = [`community:${event.communityId}`, ...(event.topicId ? [`topic:${event.topicId}`] : [])];
    if (!channelsOfEvent.some((channel) => (channels.get(channel)?.size ?? 0) > 0)) return; // nobody here watches it: no look-ups
    const [ctx] = await eventContexts([event]);
    // Sort the subscribers only now, after the await: one that was replaying a moment ago may have gone
    // live meanwhile, and an event pushed to the buffer of a live subscription would never be sent.
    const targets: Subscription[] = [];
    for (const channel of channelsOfEvent) {
      for (const sub of channels.get(channel) ?? []) {
        if (sub.state === 'replaying') sub.buffer.push({ event, ctx: ctx! });
        else if (sub.state === 'live') targets.push(sub);
      }
    }
    if (targets.length > 0) await deliver(event, ctx!, targets);
  }

  // ---- subscribe / unsubscribe ---------------------------------------------------------------

  async function authorizeChannel(actor: Actor, key: q.ChannelKey): Promise<{ communityId: string; membership: MembershipContext | null }> {
    if (key.kind === 'community') {
      const { membership } = await requireCommunity(db, actor, key.id, 'live.subscribeCommunity');
      return { communityId: key.id, membership };
    }
    const topic = await findTopic(db, key.id);
    if (!topic) throw notFound('Topic');
    // live.subscribeTopic repeats this community check (in memory, no query). It comes first so that a
    // suspended member hears member_suspended, even about an upcoming topic (which alone would be not_found).
    const { community, membership } = await requireCommunity(db, actor, topic.communityId, 'live.subscribeCommunity');
    authorize(actor, 'live.subscribeTopic', { community, membership, topic: topicContext(topic) });
    return { communityId: topic.communityId, membership };
  }

  async function subscribe(conn: Connection, channel: string, since: number | undefined) {
    if (conn.subscriptions.has(channel)) return sendError(conn, 'already_subscribed', `Already subscribed to ${channel}.`, channel);
    if (conn.subscriptions.size >= LIVE_LIMITS.maxSubscriptionsPerConnection) {
      return sendError(conn, 'too_many_subscriptions', `At most ${LIVE_LIMITS.maxSubscriptionsPerConnection} channels per connection.`, channel);
    }
    const [kind, id] = channel.split(':') as ['community' | 'topic', string];
    const sub = new Subscription(conn, channel, { kind, id: id.toLowerCase() });
    conn.subscriptions.set(channel, sub);
    try {
      const access = await authorizeChannel(conn.actor, sub.key);
      if (sub.isClosed()) return; // unsubscribed or disconnected meanwhile
      sub.communityId = access.communityId;
      sub.viewer.membership = access.membership;
      // 1. Join the live feed first (events buffer from here on) …
      sub.state = 'replaying';
      let set = channels.get(channel);
      if (!set) channels.set(channel, (set = new Set()));
      set.add(sub);
      // 2. … then replay the log …
      let resync = false;
      if (since === undefined) {
        sub.lastSentId = await q.lastChannelEventId(db, sub.key);
      } else {
        const oldest = await q.oldestRetainedEventId(db);
        const tooOld = oldest === null ? since > 0 : since < oldest - 1;
        const missed = tooOld ? [] : await q.findChannelEventsSince(db, sub.key, since, LIVE_LIMITS.maxReplayEvents + 1);
        if (tooOld || missed.length > LIVE_LIMITS.maxReplayEvents) {
          resync = true;
          sub.lastSentId = await q.lastChannelEventId(db, sub.key);
        } else {
          sub.lastSentId = since;
          const contexts = await eventContexts(missed);
          for (const [i, event] of missed.entries()) {
            if (sub.isClosed()) return;
            await deliver(event, contexts[i]!, [sub]);
          }
        }
      }
      if (sub.isClosed()) return;
      if (resync) send(conn, { type: 'resync', channel });
      // 3. … then what arrived meanwhile, without repeats (ids ≤ lastSentId are dropped by deliver()).
      while (sub.buffer.length > 0) {
        const buffered = sub.buffer.sort((a, b) => a.event.id - b.event.id);
        sub.buffer = [];
        for (const { event, ctx } of buffered) await deliver(event, ctx, [sub]);
        if (sub.isClosed()) return;
      }
      sub.state = 'live';
      send(conn, { type: 'subscribed', channel, lastEventId: sub.lastSentId });
    } catch (err) {
      removeSubscription(sub);
      if (err instanceof AppError) {
        const code: LiveErrorCode = err.code === 'member_suspended' ? 'member_suspended' : err.status === 404 ? 'not_found' : 'forbidden';
        sendError(conn, code, err.message, channel);
      } else if (isDatabaseUnavailable(err)) {
        // The client would otherwise sit on a channel it is not subscribed to. Closing makes it reconnect
        // with backoff and resubscribe every channel with `since`, once the database is back.
        log.warn({ err, channel }, 'live: subscribe failed, database unavailable; asking the client to resume later');
        closeConnection(conn, LIVE_CLOSE.tryAgainLater, 'database unavailable');
      } else {
        log.error({ err, channel }, 'live: subscribe failed');
        sendError(conn, 'internal_error', 'Could not subscribe; try again.', channel);
      }
    }
  }

  function unsubscribe(conn: Connection, channel: string) {
    const sub = conn.subscriptions.get(channel);
    if (!sub) return sendError(conn, 'not_subscribed', `Not subscribed to ${channel}.`, channel);
    removeSubscription(sub);
    send(conn, { type: 'unsubscribed', channel });
  }

  // ---- incoming messages ---------------------------------------------------------------------

  /** Token bucket: true if the message may be handled. */
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
    if (conn.refusedInRow >= LIVE_LIMITS.floodCloseAfter) closeConnection(conn, LIVE_CLOSE.policyViolation, 'too many messages');
    else if (conn.refusedInRow === 1) sendError(conn, 'rate_limited', `Too many messages: at most ${LIVE_LIMITS.messagesPerSecond} per second.`);
    return false;
  }

  function onMessage(conn: Connection, raw: RawData, isBinary: boolean) {
    if (conn.closed || !takeToken(conn)) return;
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
    if (type !== 'subscribe' && type !== 'unsubscribe') {
      return sendError(conn, 'unknown_type', `Unknown message type ${JSON.stringify(type ?? null).slice(0, 40)}; expected subscribe or unsubscribe.`);
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
    if (type === 'subscribe') void subscribe(conn, canonical, (message as SubscribeMessage).since);
    else unsubscribe(conn, canonical);
  }

  // ---- periodic checks -----------------------------------------------------------------------

  function pingAll() {
    for (const conn of [...connections]) {
      if (!conn.alive) {
        forget(conn);
        conn.closed = true;
        conn.socket.terminate(); // no pong since the last ping: the peer is gone
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
    }
  }

  /**
   * Re-checks every open socket's session (sign-out in another process, expiry, account suspension →
   * close 4001) and membership (roles refreshed; removed/suspended → subscription revoked).
   * Runs every config.liveSessionCheckMs; sign-out in this process closes at once via endSession().
   */
  async function checkAccess() {
    const open = [...connections];
    if (open.length === 0) return;
    const valid = await q.findValidSessionIds(db, [...new Set(open.map((c) => c.sessionId))]);
    const members = await q.findMembershipsOfUsers(db, [...new Set(open.map((c) => c.actor.id))]);
    for (const conn of open) {
      if (!valid.has(conn.sessionId)) {
        closeConnection(conn, LIVE_CLOSE.sessionEnded, 'session ended');
        continue;
      }
      for (const sub of [...conn.subscriptions.values()]) {
        if (sub.state !== 'live' && sub.state !== 'replaying') continue;
        const membership = members.get(`${sub.communityId}:${conn.actor.id}`) ?? null;
        const topic = sub.key.kind === 'topic' ? await topicInfo(sub.key.id) : null;
        const allowed =
          sub.key.kind === 'community'
            ? can(conn.actor, 'live.subscribeCommunity', { membership })
            : !!topic && can(conn.actor, 'live.subscribeTopic', { membership, topic: topicContext(topic) });
        if (!allowed) revoke(sub, membership?.suspended ? 'member_suspended' : 'access_revoked', 'You no longer have access to this channel.');
        else sub.viewer.membership = membership;
      }
    }
  }

  /** NOTIFYs sent while this process was not listening are lost: make every client resume from the log. */
  function resumeEveryone(why: string) {
    if (connections.size > 0) log.warn(`live: ${why}; asking clients to resume with since`);
    for (const conn of [...connections]) closeConnection(conn, LIVE_CLOSE.tryAgainLater, 'resume');
  }

  /**
   * LISTENs on the events channel. If the database is unreachable at start-up the app still starts
   * (HTTP answers 503) and this keeps retrying in the background with capped backoff.
   */
  async function startListening(attempt = 0): Promise<void> {
    if (stopped) return;
    try {
      await database.listen(EVENTS_CHANNEL, onNotify, () => resumeEveryone('LISTEN connection re-established'));
      if (attempt > 0) resumeEveryone('LISTEN established late');
    } catch (err) {
      log.warn({ err, attempt }, 'live: cannot LISTEN yet; retrying');
      const retry = setTimeout(() => void startListening(attempt + 1), Math.min(250 * 2 ** attempt, 5000));
      retry.unref();
    }
  }

  return {
    /** LISTEN and start the heartbeat and access-check timers (app onReady). */
    async start() {
      stopped = false;
      await startListening();
      heartbeat = setInterval(pingAll, config.liveHeartbeatMs).unref();
      accessCheck = setInterval(() => {
        checkAccess().catch((err) => log.error({ err }, 'live: access check failed'));
      }, config.liveSessionCheckMs).unref();
    },

    /** Takes over an upgraded socket whose handshake was authenticated. */
    attach(socket: WebSocket, actor: Actor, sessionId: string) {
      const conn = new Connection(socket, actor, sessionId);
      if (stopped) {
        socket.close(LIVE_CLOSE.goingAway, 'server shutting down');
        return;
      }
      connections.add(conn);
      let mine = byUser.get(actor.id);
      if (!mine) byUser.set(actor.id, (mine = new Set()));
      mine.add(conn);
      socket.on('message', (raw, isBinary) => onMessage(conn, raw, isBinary));
      socket.on('pong', () => (conn.alive = true));
      socket.on('close', () => {
        conn.closed = true;
        forget(conn);
      });
    },

    /** Closes this process's sockets of a session that just ended (the sign-out route calls it). */
    endSession(sessionId: string) {
      for (const conn of [...connections]) if (conn.sessionId === sessionId) closeConnection(conn, LIVE_CLOSE.sessionEnded, 'session ended');
    },

    /**
     * Graceful shutdown: stop the timers, close every socket with 1001 so clients reconnect elsewhere, and
     * resolve once the event batch in flight, if any, has stopped using the database.
     */
    async stop() {
      stopped = true;
      clearInterval(heartbeat);
      clearInterval(accessCheck);
      for (const conn of [...connections]) closeConnection(conn, LIVE_CLOSE.goingAway, 'server shutting down');
      await drainDone;
    },

    checkAccess,
    /** For tests and the benchmark. */
    stats: () => ({ connections: connections.size, channels: channels.size }),
  };
}

export type LiveHub = ReturnType<typeof createLiveHub>;
