// The client's LiveConnection against a real listening server, with `ws` standing in for the browser's WebSocket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import WebSocket from 'ws';
import { LiveConnection, type LiveStatus, type SocketLike } from '../../client/api/live-connection.js';
import type { EventMessage } from '../../shared/schemas/live.js';
import { recordEvent } from '../../server/features/live/events.js';
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

async function setup() {
  const community = await t.makeCommunity();
  const user = await t.makeMember(community.id, []);
  const agent = await t.as(user);
  const opened: WebSocket[] = [];
  const connection = new LiveConnection({
    url,
    initialBackoffMs: 20,
    maxBackoffMs: 200,
    createSocket: (u) => {
      const ws = new WebSocket(u, { headers: { cookie: `${SESSION_COOKIE}=${agent.cookie}` }, origin: t.config.publicOrigin });
      opened.push(ws);
      return ws as unknown as SocketLike;
    },
  });
  const statuses: LiveStatus[] = [];
  connection.addEventListener('status', (e) => statuses.push((e as CustomEvent<LiveStatus>).detail));
  const channel = `community:${community.id}`;
  const record = (n: number) =>
    t.app.db.transaction((tx) => recordEvent(tx, { communityId: community.id, name: 'topic.updated', data: { n } }));
  return { community, agent, connection, statuses, channel, record, opened };
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
    await sleep(50);
    expect(got.map((e) => e.id)).toEqual([a, b, c, d]);
    expect(got.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3, 4]);
    expect(s.opened.length).toBeGreaterThanOrEqual(2);
    expect(s.statuses).toEqual(['live', 'reconnecting', 'live']);
    s.connection.stop();
    expect(s.connection.status).toBe('offline');
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
});
