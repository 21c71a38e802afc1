// The live feed: LISTEN → NOTIFY (a range of event positions) → load the batch → dispatch each event in position order → deliver
// it to each subscriber the filter (filter.ts) lets see it. Also used by replay (subscriptions.ts), which
// delivers logged events through the same deliver().
import type { FastifyBaseLogger } from 'fastify';
import type { Database, Db } from '../../db/client.js';
import { LIVE_CLOSE, NOTIFICATIONS_CHANNEL, type EventMessage, type LiveErrorCode, type ServerMessage } from '../../../shared/schemas/live.js';
import { isUuid } from '../../../shared/schemas/common.js';
import { EVENTS_CHANNEL } from '../../domain/outbox.js';
import { postAuthorId, visibleTo, type EventContext, type Visibility } from './filter.js';
import * as q from './queries.js';
import { findPostStatuses } from './queries.js';
import { findTopic, type TopicCore } from '../../domain/topic-access.js';
import type { Connection, Connections, Subscription } from './connection.js';

const CACHE_MAX = 10_000;

export function createDelivery({ database, connections, log }: { database: Database; connections: Connections; log: FastifyBaseLogger }) {
  const db: Db = database.db;
  const topicCache = new Map<string, TopicCore | null>();
  const promptCache = new Map<string, boolean | null>();

  /** Positions NOTIFYed and not yet loaded (batches are consecutive, so one range covers them). */
  let pending: { first: number; last: number } | undefined;
  let draining = false;
  /** The batch being dispatched: shutdown waits for it before the database pool closes. */
  let drainDone: Promise<void> = Promise.resolve();
  let stopped = false;

  // ---- context for the filter ----------------------------------------------------------------

  /** The topic, cached; dispatch() drops the entry when an event says the topic changed. */
  async function topicInfo(topicId: string): Promise<TopicCore | null> {
    if (topicCache.has(topicId)) return topicCache.get(topicId)!;
    const info = await findTopic(db, topicId);
    if (topicCache.size > CACHE_MAX) topicCache.clear();
    topicCache.set(topicId, info);
    return info;
  }

  function memo<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    let value = map.get(key);
    if (!value) map.set(key, (value = load()));
    return value;
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

  /**
   * What the filter needs to know about each event; the posts' current statuses come in one query for all.
   * `fresh` (replay): the topics and prompts are read now, not from the cache, which only learns of a change
   * when its event is dispatched: a replay that starts between a removal's commit and its dispatch must
   * already treat the topic as removed, as the HTTP routes do.
   */
  async function eventContexts(events: q.EventRow[], { fresh = false }: { fresh?: boolean } = {}): Promise<EventContext[]> {
    const statuses = await findPostStatuses(db, [...new Set(events.map(statusPostId).filter((id): id is string => id !== null))]);
    const topics = new Map<string, Promise<TopicCore | null>>();
    const prompts = new Map<string, Promise<boolean>>();
    const topicNow = (topicId: string) => (fresh ? memo(topics, topicId, () => findTopic(db, topicId)) : topicInfo(topicId));
    const answerFirstNow = (promptId: string) =>
      fresh ? memo(prompts, promptId, async () => (await q.findPromptAnswerFirst(db, promptId)) ?? false) : promptAnswerFirst(promptId);
    const out: EventContext[] = [];
    for (const event of events) {
      const data = (event.data ?? {}) as { promptId?: unknown };
      const postId = statusPostId(event);
      out.push({
        topic: event.topicId ? await topicNow(event.topicId) : null,
        promptAnswerFirst: event.name.startsWith('post.') && typeof data.promptId === 'string' ? await answerFirstNow(data.promptId) : false,
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

  // ---- delivery ------------------------------------------------------------------------------

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
        // The row was written by the typed recordEvent(): its name and data are a catalogue pair (shared/events.ts).
        const message = { type: 'event', id: event.id, channel: sub.channel, name: event.name, data: v.data } as EventMessage;
        text = JSON.stringify(message satisfies ServerMessage);
        perChannel.set(v.data, text);
      }
      connections.sendText(sub.conn, text);
    }
  }

  // ---- the live feed: NOTIFY → load → dispatch -----------------------------------------------

  /** The sequencer's NOTIFY: positions `first,last` were given, in commit order. */
  function onNotify(payload: string) {
    if (stopped) return;
    const [first, last] = payload.split(',').map(Number);
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first! <= 0 || last! < first!) return;
    if (connections.all.size === 0 && !draining && !pending) {
      // Nobody is connected to this process: nothing to deliver, and a client that connects later replays from the
      // log. Only the cached topic and prompt facts would miss the change: forget them instead of loading the batch.
      topicCache.clear();
      promptCache.clear();
      return;
    }
    pending = pending ? { first: Math.min(pending.first, first!), last: Math.max(pending.last, last!) } : { first: first!, last: last! };
    if (!draining) drainDone = drain();
  }

  async function drain(): Promise<void> {
    draining = true;
    try {
      while (pending && !stopped) {
        const { first, last } = pending;
        pending = undefined;
        const rows = await q.findEventsByPositions(db, first, last);
        for (const event of rows) {
          if (stopped) break; // shutting down: the sockets are closing and the pool is about to
          await dispatch(event);
        }
      }
    } catch (err) {
      // A lost batch means subscribers may have missed events: make them resume from the log.
      log.error({ err }, 'live: dispatching events failed; asking clients to reconnect');
      connections.closeAll(LIVE_CLOSE.tryAgainLater, 'server error');
    } finally {
      draining = false;
      if (pending && !stopped) drainDone = drain();
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
      for (const conn of connections.ofUser(data.userId)) {
        for (const sub of [...conn.subscriptions.values()]) {
          if (sub.communityId === event.communityId) connections.revoke(sub, code, 'You no longer have access to this community’s live updates.');
        }
      }
    }
    if (event.name === 'post.created' && typeof data.promptId === 'string') {
      const authorId = postAuthorId(data);
      for (const conn of authorId ? connections.ofUser(authorId) : []) conn.answeredPrompts.set(data.promptId, true);
    }

    const channelsOfEvent = [`community:${event.communityId}`, ...(event.topicId ? [`topic:${event.topicId}`] : [])];
    if (!channelsOfEvent.some(connections.isWatched)) return; // nobody here watches it: no look-ups
    const [ctx] = await eventContexts([event]);
    // Sort the subscribers only now, after the await: one that was replaying a moment ago may have gone
    // live meanwhile, and an event pushed to the buffer of a live subscription would never be sent.
    const targets: Subscription[] = [];
    for (const channel of channelsOfEvent) {
      for (const sub of connections.ofChannel(channel)) {
        if (sub.state === 'replaying') sub.buffer.push({ event, ctx: ctx! });
        else if (sub.state === 'live') targets.push(sub);
      }
    }
    if (targets.length > 0) await deliver(event, ctx!, targets);
  }

  /** The members named got new notifications: their sockets on this process (only theirs) are told to ask again. */
  function tellMembers(payload: string) {
    for (const userId of payload.split(',')) {
      for (const conn of connections.ofUser(userId)) connections.send(conn, { type: 'notifications' });
    }
  }

  /** NOTIFYs sent while this process was not listening are lost: make every client resume from the log. */
  function resumeEveryone(why: string) {
    if (connections.all.size > 0) log.warn(`live: ${why}; asking clients to resume with since`);
    connections.closeAll(LIVE_CLOSE.tryAgainLater, 'resume');
  }

  /**
   * LISTENs on the events channel. If the database is unreachable at start-up the app still starts
   * (HTTP answers 503) and this keeps retrying in the background with capped backoff.
   */
  async function listen(attempt = 0): Promise<void> {
    if (stopped) return;
    try {
      await database.listen(EVENTS_CHANNEL, onNotify, () => resumeEveryone('LISTEN connection re-established'));
      await database.listen(NOTIFICATIONS_CHANNEL, tellMembers);
      if (attempt > 0) resumeEveryone('LISTEN established late');
    } catch (err) {
      log.warn({ err, attempt }, 'live: cannot LISTEN yet; retrying');
      const retry = setTimeout(() => void listen(attempt + 1), Math.min(250 * 2 ** attempt, 5000));
      retry.unref();
    }
  }

  return {
    topicInfo,
    eventContexts,
    deliver,
    /** LISTEN (retrying in the background until the database answers). */
    start() {
      stopped = false;
      return listen();
    },
    /** Stops the feed; resolves once the event batch in flight, if any, has stopped using the database. */
    stop() {
      stopped = true;
      return drainDone;
    },
    isStopped: () => stopped,
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
