// A real `ws` client for live-update tests against a listening test app (see test/server/live.test.ts).
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../../server/plugins/session.js';
import type { Agent, TestApp } from './app.js';

export type Msg = { type: string; channel?: string; id?: number; name?: string; data?: any; code?: string; lastEventId?: number };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function liveUrl(app: FastifyInstance) {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening');
  return `ws://127.0.0.1:${address.port}/api/live`;
}

let syncs = 0;

/** Records every server message. */
export class LiveClient {
  readonly messages: Msg[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push(JSON.parse(data.toString()) as Msg));
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }
  send(message: unknown) {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }
  async waitFor(pred: (m: Msg) => boolean, what = 'message', timeoutMs = 8000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(pred);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages).slice(0, 2000)}`);
      await sleep(10);
    }
  }
  /** Subscribes and waits for the server's answer for that channel (subscribed or error). */
  async subscribe(channel: string, since?: number): Promise<Msg> {
    const before = this.messages.length;
    this.send({ type: 'subscribe', channel, ...(since !== undefined ? { since } : {}) });
    const settled = (m: Msg) => m.channel === channel && (m.type === 'subscribed' || m.type === 'error');
    await this.waitFor((m) => this.messages.indexOf(m) >= before && settled(m), `subscribe ${channel}`);
    return this.messages.slice(before).find(settled)!;
  }
  /**
   * A round trip on this socket (an unsubscribe the server refuses: `not_subscribed`, changing nothing).
   * Messages on one socket arrive in order, so everything the server sent before its answer is here: the
   * sentinel for "nothing more came" once another client has seen the event.
   */
  async sync(): Promise<void> {
    const channel = `topic:00000000-0000-4000-8000-${String(++syncs).padStart(12, '0')}`;
    const before = this.messages.length;
    this.send({ type: 'unsubscribe', channel });
    await this.waitFor((m) => this.messages.indexOf(m) >= before && m.channel === channel, 'the round trip');
  }
  events(channel?: string) {
    return this.messages.filter((m) => m.type === 'event' && (channel === undefined || m.channel === channel));
  }
  close() {
    this.ws.close();
    return this.closed;
  }
}

/** Opens a signed-in socket with the right Origin. */
export function connectLive(t: TestApp, agent: Agent): Promise<LiveClient> {
  const ws = new WebSocket(liveUrl(t.app), { headers: { cookie: `${SESSION_COOKIE}=${agent.cookie}` }, origin: t.config.publicOrigin });
  const client = new LiveClient(ws);
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve(client));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.on('error', reject);
  });
}
