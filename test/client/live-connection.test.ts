// The client's LiveConnection against a real listening server, with `ws` standing in for the browser's WebSocket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import WebSocket from 'ws';
import { LiveConnection, LiveCoverage, type LiveStatus, type SocketLike } from '../../client/api/live-connection.js';
import type { EventMessage } from '../../shared/schemas/live.js';
import { recordEvent, type EventPayload } from '../../server/domain/outbox.js';
import { SESSION_COOKIE } from '../../server/plugins/session.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let url: string;
beforeAll(async () => {
  t = await createTestApp({ liveHeartbeatMs: 60_000, liveSessionCheckMs: 60_000 });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address() as { port: number };
  url = `ws://127.0.0.1:${address.port}/api/live`;
});
afterAll(async () => t?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, what: string, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function setup(options: { heartbeatMs?: number; heartbeatTimeoutMs?: number; deaf?: () => boolean } = {}) {
  const community = await t.makeCommunity();
  const user = await t.makeMember(community.id, []);
  const agent = await t.as(user);
  const opened: WebSocket[] = [];
  let pongsHeard = 0;
  const connection = new LiveConnection({
    url,
    initialBackoffMs: 20,
    maxBackoffMs: 200,
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs, heartbeatTimeoutMs: options.heartbeatTimeoutMs } : {}),
    createSocket: (u) => {
      const ws = new WebSocket(u, { headers: { cookie: `${SESSION_COOKIE}=${agent.cookie}` }, origin: t.config.publicOrigin });
      opened.push(ws);
      if (!options.deaf) return ws as unknown as SocketLike;
      // A network that silently stops delivering: while deaf() the client hears nothing the server sends.
      const socket = ws as unknown as SocketLike;
      let handler: SocketLike['onmessage'] = null;
      ws.on('message', (data) => {
        if (options.deaf!()) return;
        if ((JSON.parse(data.toString()) as { type?: string }).type === 'pong') pongsHeard++;
        handler?.({ data: data.toString() });
      });
      return new Proxy(socket, {
        get: (target, key) => (key === 'onmessage' ? handler : typeof (target as never)[key] === 'function' ? ((target as never)[key] as Function).bind(target) : (target as never)[key]),
        set: (target, key, value) => {
          if (key === 'onmessage') handler = value;
          else (target as unknown as Record<string | symbol, unknown>)[key] = value;
          return true;
        },
      });
    },
  });
  const statuses: LiveStatus[] = [];
  connection.addEventListener('status', (e) => statuses.push((e as CustomEvent<LiveStatus>).detail));
  const channel = `community:${community.id}`;
  const record = (n: number) =>
    t.app.db.transaction((tx) => recordEvent(tx, { communityId: community.id, name: 'topic.updated', data: { n } as unknown as EventPayload<'topic.updated'> }));
  return { community, agent, connection, statuses, channel, record, opened, pongsHeard: () => pongsHeard };
}

describe('LiveConnection (client)', () => {
  it('goes live, reconnects after the socket drops, and resumes with since: every event once, in order', async () => {
    const s = await setup();
    const got: EventMessage[] = [];
    s.connection.subscribe(s.channel, { onEvent: (e) => got.push(e) });
    s.connection.start();
    await until(() => s.connection.status === 'live', 'live');
    await until(() => s.connection.lastEventId(s.channel) !== undefined, 'subscribed');
    const a = await s.record(1);
    await until(() => got.length === 1, 'first event');

    // The network drops; events happen meanwhile.
    for (const ws of s.opened) ws.terminate();
    await until(() => s.statuses.includes('reconnecting'), 'reconnecting');
    const b = await s.record(2);
    const c = await s.record(3);
    await until(() => s.connection.status === 'live' && got.length === 3, 'missed events after reconnect');
    const d = await s.record(4);
    await until(() => got.length === 4, 'live event after reconnect');
    // Nothing more (no duplicate) came before a last event recorded as a sentinel: events arrive in order.
    const sentinel = await s.record(5);
    await until(() => got.some((e) => e.id === sentinel), 'the sentinel event');
    expect(got.map((e) => e.id)).toEqual([a, b, c, d, sentinel]);
    expect(got.map((e) => (e.data as unknown as { n: number }).n)).toEqual([1, 2, 3, 4, 5]); // test events carry a counter, not a catalogue payload
    expect(s.opened.length).toBeGreaterThanOrEqual(2);
    expect(s.statuses).toEqual(['connecting', 'live', 'reconnecting', 'live']);
    s.connection.stop();
    expect(s.connection.status).toBe('offline');
  });

  it('pings the open socket; when nothing answers, it says "reconnecting" and opens a new socket', async () => {
    let deaf = false;
    // A timeout well above a pong's round trip on a loaded machine (150 ms once made a slow pong a reconnect).
    const s = await setup({ heartbeatMs: 200, heartbeatTimeoutMs: 600, deaf: () => deaf });
    s.connection.start();
    await until(() => s.connection.status === 'live', 'live');
    // Pongs keep it live over several heartbeats (each one's timeout passes without a reconnect).
    await until(() => s.pongsHeard() >= 4, 'four pongs');
    expect(s.connection.status).toBe('live');
    expect(s.opened.length).toBe(1);
    // The network goes quiet (the socket still looks open): within a heartbeat and its timeout, not a minute.
    deaf = true;
    await until(() => s.statuses.includes('reconnecting'), 'reconnecting', 3000);
    deaf = false;
    await until(() => s.connection.status === 'live' && s.opened.length >= 2, 'live on a new socket');
    expect(s.statuses.slice(0, 4)).toEqual(['connecting', 'live', 'reconnecting', 'live']);
    s.connection.stop();
  });

  it('calls the refetch callback on resync', async () => {
    const s = await setup();
    const first = await s.record(1);
    await s.record(2);
    await s.record(3);
    await t.app.db.execute(sql`update events set created_at = now() - interval '9 days' where id <= ${first + 1}`);
    await t.app.db.execute(sql`delete from events where created_at < now() - interval '8 days'`);
    let resyncs = 0;
    s.connection.subscribe(s.channel, { onEvent: () => {}, onResync: () => resyncs++ }, first - 1);
    s.connection.start();
    await until(() => resyncs === 1, 'resync');
    s.connection.stop();
  });

  it('goes offline and stops reconnecting when the session ends', async () => {
    const s = await setup();
    let ended = false;
    s.connection.addEventListener('session-ended', () => (ended = true));
    s.connection.subscribe(s.channel, { onEvent: () => {} });
    s.connection.start();
    await until(() => s.connection.status === 'live', 'live');
    expect((await s.agent.post('/api/auth/logout')).statusCode).toBe(204);
    await until(() => ended, 'session-ended');
    expect(s.connection.status).toBe('offline');
    await sleep(300);
    expect(s.opened).toHaveLength(1);
  });

  // A page subscribes before it reads, but on a full page load the socket opens after the read: a topic
  // created in between would be in neither the list nor the feed. The read's liveCursor and the
  // subscription's start tell the page to read again.
  it('tells a view to read again when its subscription started after its read, and only then', async () => {
    const s = await setup();
    const newestEventId = async () =>
      Number(((await t.app.db.execute(sql`select coalesce(max(id), 0) as id from events where community_id = ${s.community.id}`)) as unknown as { rows: Array<{ id: string }> }).rows[0]!.id);
    const readList = async () => {
      const res = await s.agent.get(`/api/communities/${s.community.id}/topics`);
      expect(res.statusCode).toBe(200);
      return res.json() as { items: Array<{ title: string }>; liveCursor: number };
    };
    let gaps = 0;
    const coverage = new LiveCoverage(() => gaps++);
    s.connection.subscribe(s.channel, { onEvent: () => {}, onStart: (id) => coverage.started(s.channel, id) });

    await s.record(1);
    const first = await readList();
    expect(first.liveCursor).toBe(await newestEventId()); // the read's cursor is the community's newest event
    coverage.read(s.channel, first.liveCursor);
    const created = await s.agent.post(`/api/communities/${s.community.id}/topics`, { kind: 'problem', title: 'Made in the gap', body: 'Between the read and the socket.' });
    expect(created.statusCode).toBe(201);
    s.connection.start(); // the socket opens only now
    await until(() => s.connection.lastEventId(s.channel) !== undefined, 'subscribed');
    expect(gaps).toBe(1);
    const again = await readList();
    expect(again.items.map((i) => i.title)).toContain('Made in the gap');
    coverage.read(s.channel, again.liveCursor);
    expect(gaps).toBe(1);
    s.connection.stop();

    // Subscribed first, read afterwards: nothing can fall between them.
    const other = await setup();
    let otherGaps = 0;
    const otherCoverage = new LiveCoverage(() => otherGaps++);
    other.connection.subscribe(other.channel, { onEvent: () => {}, onStart: (id) => otherCoverage.started(other.channel, id) });
    await other.record(1);
    other.connection.start();
    await until(() => other.connection.lastEventId(other.channel) !== undefined, 'subscribed');
    otherCoverage.read(other.channel, (await other.agent.get(`/api/communities/${other.community.id}/topics`)).json<{ liveCursor: number }>().liveCursor);
    expect(otherGaps).toBe(0);
    other.connection.stop();
  });
});
