// The live hub's bookkeeping (server/features/live/connection.ts) with fake sockets: what the slow-consumer
// close and the message rate limit do to the indexes and to the other connections, without a database.
// The end-to-end behaviour over real sockets is in live.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { Connection, Subscription, createConnections, handleMessage, type MessageHandlers } from '../../server/features/live/connection.js';
import type { Actor } from '../../server/policy/policy.js';
import { LIVE_CLOSE, LIVE_LIMITS } from '../../shared/schemas/live.js';

const SEND_LIMIT = 1000;

class FakeSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  closedWith: [number, string] | null = null;
  terminated = false;
  send(text: string) {
    this.sent.push(text);
  }
  close(code: number, reason: string) {
    this.closedWith = [code, reason];
    this.readyState = 2;
  }
  terminate() {
    this.terminated = true;
    this.readyState = 3;
  }
}

const actor = (id: string) => ({ id, isAdmin: false }) as unknown as Actor;
const CHANNEL = 'topic:0b6f6d1c-5d1e-4c1b-9a51-3f4d2b1a0c9e';

function open(connections: ReturnType<typeof createConnections>, userId: string, channels: string[] = []) {
  const socket = new FakeSocket();
  const conn = new Connection(socket as unknown as WebSocket, actor(userId), `session-${userId}`);
  connections.add(conn);
  for (const channel of channels) {
    const sub = new Subscription(conn, channel, { kind: 'topic', id: channel.split(':')[1]! });
    conn.subscriptions.set(channel, sub);
    sub.state = 'live';
    connections.joinChannel(sub);
  }
  return { socket, conn };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('live connections: sending', () => {
  it('closes a slow reader with 1013 and drops it from every index; a reader on the same channel still gets the message', () => {
    const connections = createConnections({ liveSendBufferBytes: SEND_LIMIT });
    const slow = open(connections, 'u1', [CHANNEL]);
    const fast = open(connections, 'u2', [CHANNEL]);
    expect([...connections.ofChannel(CHANNEL)]).toHaveLength(2);

    slow.socket.bufferedAmount = SEND_LIMIT + 1;
    for (const sub of [...connections.ofChannel(CHANNEL)]) connections.sendText(sub.conn, 'event');

    expect(slow.socket.closedWith).toEqual([LIVE_CLOSE.tryAgainLater, 'send buffer full']);
    expect(slow.socket.sent).toEqual([]);
    expect(slow.conn.closed).toBe(true);
    expect([...connections.ofUser('u1')]).toEqual([]);
    expect([...connections.ofChannel(CHANNEL)].map((s) => s.conn)).toEqual([fast.conn]);
    expect(connections.all.size).toBe(1);
    expect(fast.socket.sent).toEqual(['event']);

    // Nothing more goes to a closed connection, and closing twice does nothing.
    connections.sendText(slow.conn, 'later');
    connections.close(slow.conn, LIVE_CLOSE.goingAway, 'again');
    expect(slow.socket.sent).toEqual([]);
    expect(slow.socket.closedWith).toEqual([LIVE_CLOSE.tryAgainLater, 'send buffer full']);
  });

  it('forgets the last subscription of a channel with the channel itself', () => {
    const connections = createConnections({ liveSendBufferBytes: SEND_LIMIT });
    const a = open(connections, 'u1', [CHANNEL]);
    expect(connections.isWatched(CHANNEL)).toBe(true);
    connections.revoke(a.conn.subscriptions.get(CHANNEL)!, 'access_revoked', 'gone');
    expect(connections.isWatched(CHANNEL)).toBe(false);
    expect(connections.channelCount()).toBe(0);
    expect(a.conn.subscriptions.size).toBe(0);
    expect(JSON.parse(a.socket.sent[0]!)).toEqual({ type: 'error', code: 'access_revoked', message: 'gone', channel: CHANNEL });
  });
});

describe('live connections: incoming messages', () => {
  const handlers = () => {
    const calls: string[] = [];
    const h: MessageHandlers = {
      subscribe: async (_conn, channel, since) => void calls.push(`subscribe ${channel} ${since}`),
      unsubscribe: (_conn, channel) => void calls.push(`unsubscribe ${channel}`),
    };
    return { h, calls };
  };
  const message = (value: unknown) => Buffer.from(JSON.stringify(value));

  it('hands on a valid message with its channel in lower case', () => {
    const connections = createConnections({ liveSendBufferBytes: SEND_LIMIT });
    const { socket, conn } = open(connections, 'u1');
    const { h, calls } = handlers();
    handleMessage(connections, h, conn, message({ type: 'subscribe', channel: CHANNEL.toUpperCase().replace('TOPIC', 'topic'), since: 7 }), false);
    handleMessage(connections, h, conn, message({ type: 'unsubscribe', channel: CHANNEL }), false);
    expect(calls).toEqual([`subscribe ${CHANNEL} 7`, `unsubscribe ${CHANNEL}`]);
    expect(socket.sent).toEqual([]);
  });

  it('answers the first refused message of a burst with rate_limited, closes with 1008 after the flood limit, and refills with time', () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const connections = createConnections({ liveSendBufferBytes: SEND_LIMIT });
    const { h, calls } = handlers();
    const unsubscribe = message({ type: 'unsubscribe', channel: CHANNEL });

    const calm = open(connections, 'u1');
    for (let i = 0; i < LIVE_LIMITS.messageBurst + 3; i++) handleMessage(connections, h, calm.conn, unsubscribe, false);
    expect(calls).toHaveLength(LIVE_LIMITS.messageBurst);
    expect(calm.socket.sent.map((s) => JSON.parse(s).code)).toEqual(['rate_limited']);
    // A second later the bucket holds messagesPerSecond tokens again.
    vi.advanceTimersByTime(1000);
    calls.length = 0;
    for (let i = 0; i < LIVE_LIMITS.messagesPerSecond + 1; i++) handleMessage(connections, h, calm.conn, unsubscribe, false);
    expect(calls).toHaveLength(LIVE_LIMITS.messagesPerSecond);
    expect(calm.socket.closedWith).toBeNull();

    const flood = open(connections, 'u2');
    calls.length = 0;
    for (let i = 0; i < LIVE_LIMITS.messageBurst + LIVE_LIMITS.floodCloseAfter; i++) handleMessage(connections, h, flood.conn, unsubscribe, false);
    expect(calls).toHaveLength(LIVE_LIMITS.messageBurst);
    expect(flood.socket.closedWith).toEqual([LIVE_CLOSE.policyViolation, 'too many messages']);
    expect([...connections.ofUser('u2')]).toEqual([]);
  });
});
