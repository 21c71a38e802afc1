// Live fan-out latency, in its own process: N WebSocket subscribers on one topic channel, then
// `posts` posts one after another; for each, the time from the HTTP POST's response to the moment
// the LAST subscriber has received the event. The same code measures Stoa (POST /api/topics/:id/posts,
// event post.created on `topic:<id>`) and the bare `ws` baseline (POST /broadcast of the same bytes).
// Input: a JSON FanoutSpec as the first argument. Output: a JSON FanoutResult on stdout.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export interface FanoutSpec {
  mode: 'stoa' | 'bare';
  wsUrl: string;
  postUrl: string;
  channel: string;
  subscribers: number;
  posts: number;
  /** Stoa: session cookie and Origin for the handshake and the POST. */
  headers?: Record<string, string>;
  /** Bare: the message to broadcast; `__MARKER__` is replaced by a unique marker per post. */
  payload?: string;
  timeoutMs: number;
}

export interface FanoutResult {
  available: boolean;
  status?: number;
  connected: number;
  latenciesMs: number[];
  /** Posts whose event reached every subscriber before the POST's response did (latency counted as 0). */
  beforeResponse: number;
  missed: number;
  postErrors: string[];
  /** One received Stoa event, for the baseline to broadcast the same bytes. */
  samplePayload?: string;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as FanoutSpec;
const result: FanoutResult = { available: true, connected: 0, latenciesMs: [], beforeResponse: 0, missed: 0, postErrors: [] };
const sockets: WebSocket[] = [];

let marker = '';
let received = 0;
let allReceivedAt = 0;
let onAllReceived: (() => void) | undefined;

function connect(): Promise<'ok' | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(spec.wsUrl, { headers: spec.headers ?? {}, perMessageDeflate: false });
    const fail = setTimeout(() => {
      socket.terminate();
      resolve(0);
    }, spec.timeoutMs);
    socket.on('unexpected-response', (_request, response) => {
      clearTimeout(fail);
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', () => {
      clearTimeout(fail);
      resolve(0);
    });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'subscribe', channel: spec.channel })));
    socket.on('message', (data) => {
      const text = data.toString();
      const message = JSON.parse(text) as { type?: string };
      if (message.type === 'subscribed') {
        clearTimeout(fail);
        sockets.push(socket);
        resolve('ok');
        return;
      }
      if (marker && text.includes(marker)) {
        if (spec.mode === 'stoa' && !result.samplePayload) result.samplePayload = text;
        if (++received === spec.subscribers) {
          allReceivedAt = performance.now();
          onAllReceived?.();
        }
      }
    });
  });
}

// Open the subscribers a few hundred at a time (the listen backlog is finite).
for (let opened = 0; opened < spec.subscribers; ) {
  const batch = Math.min(250, spec.subscribers - opened);
  const outcomes = await Promise.all(Array.from({ length: batch }, connect));
  opened += batch;
  const refused = outcomes.find((o) => o !== 'ok' && o !== 0);
  if (refused !== undefined) {
    result.available = false;
    result.status = refused as number;
    break;
  }
  // No upgrade handler at all (the live feature not merged): the server drops the connection unanswered.
  if (opened === batch && outcomes.every((o) => o === 0)) {
    result.available = false;
    result.status = 0;
    break;
  }
}
result.connected = sockets.length;

if (result.available && result.connected === spec.subscribers) {
  for (let i = 0; i < spec.posts; i++) {
    marker = `fanout-${randomUUID()}`;
    received = 0;
    allReceivedAt = 0;
    const done = new Promise<void>((resolve) => {
      onAllReceived = resolve;
      setTimeout(resolve, spec.timeoutMs);
    });
    const body = `Live fan-out probe ${i + 1}: does everyone see this reply at once? ${marker}`;
    const response = await fetch(spec.postUrl, {
      method: 'POST',
      headers:
        spec.mode === 'stoa'
          ? { ...spec.headers, 'content-type': 'application/json', 'idempotency-key': randomUUID() }
          : { 'content-type': 'application/json' },
      body: spec.mode === 'stoa' ? JSON.stringify({ body }) : spec.payload!.replaceAll('__MARKER__', marker),
    });
    await response.arrayBuffer();
    const respondedAt = performance.now();
    if (!response.ok) {
      result.postErrors.push(`HTTP ${response.status}`);
      if (result.postErrors.length >= 3) break;
      continue;
    }
    await done;
    if (received < spec.subscribers) result.missed++;
    else if (allReceivedAt <= respondedAt) {
      result.beforeResponse++;
      result.latenciesMs.push(0);
    } else result.latenciesMs.push(allReceivedAt - respondedAt);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const socket of sockets) socket.terminate();
process.stdout.write(JSON.stringify(result));
process.exit(0);
