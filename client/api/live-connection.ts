// The live-update connection shared by every view of a tab (protocol: docs/live-protocol.md).
// One WebSocket per tab; reconnects with exponential backoff and jitter; tells the truth about the
// connection: "connecting" while the first socket opens, "offline" as soon as the browser says so (online/
// offline events, navigator.onLine), and "reconnecting" when a ping goes unanswered (a silently dead network); resubscribes each channel with
// `since` = the last event id seen on it, so nothing is missed or seen twice; on `resync` it calls the
// channel's refetch callbacks. Views subscribe through LiveSubscription (a Lit ReactiveController) below.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LIVE_CLOSE, type EventMessage, type ServerMessage } from '../../shared/schemas/live.js';

/** connecting: the first socket is opening; reconnecting: a later one; offline: the browser is offline (or stopped). */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** The part of the WebSocket API this class uses (the browser's WebSocket, or `ws` in tests). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface ChannelListener {
  /** Every event of the channel, in id order, once. */
  onEvent(event: EventMessage): void;
  /**
   * The server confirmed the subscription this listener joined (it joined before the channel had a cursor):
   * events with ids above `lastEventId` will arrive. See LiveCoverage.
   */
  onStart?(lastEventId: number): void;
  /** History was lost (offline too long): refetch this channel's state over HTTP. */
  onResync?(): void;
  /** The server refused or ended the subscription (not_found, forbidden, member_suspended, access_revoked). */
  onError?(code: string, message: string): void;
}

export interface LiveConnectionOptions {
  /** Default: ws(s)://<this origin>/api/live. */
  url?: string;
  /** Default: the browser's WebSocket. Tests pass one built on the `ws` package. */
  createSocket?: (url: string) => SocketLike;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
  /** How often an open socket is pinged (application `ping`); default 25 s. */
  heartbeatMs?: number;
  /** A socket that sends nothing this long after a ping is taken as dead; default 10 s. */
  heartbeatTimeoutMs?: number;
  /** Default: navigator.onLine (true where there is no navigator). */
  isOnline?: () => boolean;
}

const OPEN = 1;
const REFUSALS = new Set(['not_found', 'forbidden', 'member_suspended', 'access_revoked']);

export class LiveConnection extends EventTarget {
  status: LiveStatus = 'offline';
  private socket: SocketLike | null = null;
  private readonly listeners = new Map<string, Set<ChannelListener>>();
  /** channel → last event id seen (or the `lastEventId` of its last `subscribed`). */
  private readonly cursors = new Map<string, number>();
  /** Listeners that joined a channel before it had a cursor: told where their feed starts by `subscribed`. */
  private readonly awaitingStart = new Map<string, Set<ChannelListener>>();
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private readonly url: string;
  private readonly createSocket: (url: string) => SocketLike;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly random: () => number;
  private readonly heartbeatMs: number;
  private readonly heartbeatTimeoutMs: number;
  private readonly isOnline: () => boolean;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  /** Set when a ping is sent; cleared by any message: if it fires, the socket is dead. */
  private silence: ReturnType<typeof setTimeout> | null = null;

  constructor(options: LiveConnectionOptions = {}) {
    super();
    this.url = options.url ?? defaultUrl();
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.initialBackoffMs = options.initialBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.random = options.random ?? Math.random;
    this.heartbeatMs = options.heartbeatMs ?? 25_000;
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 10_000;
    this.isOnline = options.isOnline ?? (() => globalThis.navigator?.onLine ?? true);
    this.onOnline = this.onOnline.bind(this);
    this.onOffline = this.onOffline.bind(this);
  }

  /** Opens the socket (idempotent). */
  start() {
    if (this.running) return;
    this.running = true;
    globalThis.addEventListener?.('online', this.onOnline);
    globalThis.addEventListener?.('offline', this.onOffline);
    if (!this.isOnline()) return this.setStatus('offline'); // the 'online' event connects
    this.setStatus('connecting');
    this.connect();
  }

  /** Closes the socket and stops reconnecting. */
  stop() {
    this.running = false;
    globalThis.removeEventListener?.('online', this.onOnline);
    globalThis.removeEventListener?.('offline', this.onOffline);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dropSocket('bye');
    this.setStatus('offline');
  }

  /**
   * Listens to a channel; `since` (optional) is the last event id the caller already has, e.g. from a
   * page it rendered earlier. Returns the function that stops listening.
   */
  subscribe(channel: string, listener: ChannelListener, since?: number): () => void {
    let set = this.listeners.get(channel);
    const first = !set;
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    if (since !== undefined && !this.cursors.has(channel)) this.cursors.set(channel, since);
    // With a cursor, this listener's feed starts there, and the cursor is at most what a read made from now
    // on will contain. Without one, the feed starts wherever the server's `subscribed` says.
    if (!this.cursors.has(channel)) {
      let waiting = this.awaitingStart.get(channel);
      if (!waiting) this.awaitingStart.set(channel, (waiting = new Set()));
      waiting.add(listener);
    }
    if (first && this.socket?.readyState === OPEN) this.sendSubscribe(channel);
    return () => {
      this.awaitingStart.get(channel)?.delete(listener);
      const current = this.listeners.get(channel);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(channel);
      this.cursors.delete(channel);
      this.awaitingStart.delete(channel);
      if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify({ type: 'unsubscribe', channel }));
    };
  }

  lastEventId(channel: string): number | undefined {
    return this.cursors.get(channel);
  }

  private connect() {
    if (!this.running) return;
    let socket: SocketLike;
    try {
      socket = this.createSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.setStatus('live');
      this.startHeartbeat(socket);
      for (const channel of this.listeners.keys()) this.sendSubscribe(channel);
    };
    socket.onmessage = (ev) => {
      if (this.socket !== socket) return;
      this.heard();
      this.onMessage(typeof ev.data === 'string' ? ev.data : String(ev.data));
    };
    socket.onerror = () => {}; // a close always follows
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopHeartbeat();
      if (ev.code === LIVE_CLOSE.sessionEnded) {
        // Signed out: reconnecting would only be refused. The app starts again after sign-in.
        this.running = false;
        this.setStatus('offline');
        this.dispatchEvent(new Event('session-ended'));
        return;
      }
      if (ev.code === LIVE_CLOSE.policyViolation) this.attempt = Math.max(this.attempt, 4);
      this.scheduleReconnect();
    };
  }

  /** Pings the open socket every heartbeatMs; no answer (no message at all) within heartbeatTimeoutMs: it is dead. */
  private startHeartbeat(socket: SocketLike) {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      if (this.socket !== socket) return;
      try {
        socket.send(JSON.stringify({ type: 'ping' }));
      } catch {
        // not open any more: the close handler reconnects
      }
      this.silence ??= setTimeout(() => {
        this.silence = null;
        if (this.socket !== socket) return;
        this.dropSocket('no answer to ping');
        this.scheduleReconnect();
      }, this.heartbeatTimeoutMs);
    }, this.heartbeatMs);
  }

  private heard() {
    if (this.silence) clearTimeout(this.silence);
    this.silence = null;
  }

  private stopHeartbeat() {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.heard();
  }

  /** Forgets the current socket (its late events are ignored) and closes it. */
  private dropSocket(reason: string) {
    const socket = this.socket;
    this.socket = null;
    this.stopHeartbeat();
    if (!socket) return;
    try {
      socket.close(1000, reason);
    } catch {
      // already closing
    }
  }

  private sendSubscribe(channel: string) {
    const since = this.cursors.get(channel);
    this.socket?.send(JSON.stringify({ type: 'subscribe', channel, ...(since !== undefined ? { since } : {}) }));
  }

  private onMessage(text: string) {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      return;
    }
    switch (message.type) {
      case 'event': {
        const cursor = this.cursors.get(message.channel);
        if (cursor !== undefined && message.id <= cursor) return; // already seen
        this.cursors.set(message.channel, message.id);
        for (const l of this.listeners.get(message.channel) ?? []) l.onEvent(message);
        return;
      }
      case 'subscribed': {
        this.cursors.set(message.channel, Math.max(this.cursors.get(message.channel) ?? 0, message.lastEventId));
        const waiting = this.awaitingStart.get(message.channel);
        this.awaitingStart.delete(message.channel);
        for (const l of waiting ?? []) l.onStart?.(message.lastEventId);
        return;
      }
      case 'pong':
        return; // heard() already noted it
      case 'notifications':
        // My notifications changed (the server sends this to my sockets only): the bell asks again.
        this.dispatchEvent(new Event('notifications'));
        return;
      case 'resync':
        for (const l of this.listeners.get(message.channel) ?? []) l.onResync?.();
        return;
      case 'error':
        if (message.channel && REFUSALS.has(message.code)) {
          for (const l of this.listeners.get(message.channel) ?? []) l.onError?.(message.code, message.message);
        }
        return;
      default:
        return;
    }
  }

  private scheduleReconnect() {
    if (!this.running) return this.setStatus('offline');
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.isOnline()) return this.setStatus('offline'); // the 'online' event reconnects
    this.setStatus('reconnecting');
    // Exponential backoff with "equal jitter": between half and all of the capped exponential delay,
    // so a server restart is not met by every tab at the same instant.
    const ceiling = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** this.attempt);
    const delay = ceiling / 2 + this.random() * (ceiling / 2);
    this.attempt += 1;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  /** The browser came back online: try now instead of waiting out the backoff. */
  private onOnline() {
    if (!this.running || this.socket) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.attempt = 0;
    this.setStatus('reconnecting');
    this.connect();
  }

  /** The browser went offline: say so now (a socket can look open for a minute), and wait for 'online'. */
  private onOffline() {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dropSocket('offline');
    this.setStatus('offline');
  }

  private setStatus(status: LiveStatus) {
    if (this.status === status) return;
    this.status = status;
    this.dispatchEvent(new CustomEvent<LiveStatus>('status', { detail: status }));
  }
}

function defaultUrl(): string {
  const { protocol, host } = globalThis.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/api/live`;
}

/**
 * Closes the gap between a view's HTTP read and its live feed. The view subscribes before it reads, but
 * the server may start the subscription after the read (the socket was still opening): an event in
 * between would be in neither. Each read reports its `liveCursor`, the subscription its start; when the
 * start is past the read of the same channel, `onGap` reads again (once: that read is newer than the start).
 */
export class LiveCoverage {
  private readAt: { channel: string; id: number } | null = null;
  private startedAt: { channel: string; id: number } | null = null;

  constructor(private readonly onGap: () => void) {}

  /** A read of what `channel` follows came back with this `liveCursor` (for parallel reads, the smallest). */
  read(channel: string, liveCursor: number) {
    this.readAt = { channel, id: liveCursor };
    this.check();
  }

  /** The subscription to `channel` started after `lastEventId` (ChannelListener.onStart). */
  started(channel: string, lastEventId: number) {
    this.startedAt = { channel, id: lastEventId };
    this.check();
  }

  private check() {
    const { readAt, startedAt } = this;
    if (!readAt || !startedAt || readAt.channel !== startedAt.channel) return;
    this.startedAt = null; // only the first read after the start can have a gap
    if (startedAt.id > readAt.id) this.onGap();
  }
}

/**
 * Lit glue: keeps a host subscribed to one channel of the connection it got from context. The host calls
 * sync() whenever the connection or the channel may have changed (e.g. in willUpdate); the subscription
 * moves only when one of them really changed, and stops when the host leaves the page.
 */
export class LiveSubscription implements ReactiveController {
  private current: { connection: LiveConnection; channel: string; stop: () => void } | null = null;

  constructor(
    host: ReactiveControllerHost,
    /** The listener for a channel (made per subscription, so it can close over what the channel is for). */
    private readonly listenerFor: (channel: string) => ChannelListener,
  ) {
    host.addController(this);
  }

  /** Returns true when the subscription changed (the host may reset what it kept for the old channel). */
  sync(connection: LiveConnection | null, channel: string | null): boolean {
    const current = this.current;
    if (current ? current.connection === connection && current.channel === channel : !connection || !channel) return false;
    current?.stop();
    this.current = connection && channel ? { connection, channel, stop: connection.subscribe(channel, this.listenerFor(channel)) } : null;
    return true;
  }

  hostDisconnected() {
    this.sync(null, null);
  }
}
