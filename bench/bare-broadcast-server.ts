// The fan-out baseline: a bare `ws` server that broadcasts a payload to every subscriber of a
// channel — no sessions, no database, no per-client work beyond the send. Env: PORT.
//   WS   /live            {type:'subscribe', channel} → {type:'subscribed', channel}
//   POST /broadcast?channel=…  body = the message; answers 204 at once, then sends it to every subscriber
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const channels = new Map<string, Set<WebSocket>>();

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/healthz') return void response.end('ok');
  if (request.method !== 'POST' || !request.url?.startsWith('/broadcast')) {
    response.statusCode = 404;
    return void response.end();
  }
  const channel = new URL(request.url, 'http://x').searchParams.get('channel') ?? '';
  const chunks: Buffer[] = [];
  request.on('data', (c: Buffer) => chunks.push(c));
  request.on('end', () => {
    const message = Buffer.concat(chunks).toString();
    response.statusCode = 204;
    response.end();
    // Like Stoa, the sender's response does not wait for the fan-out.
    setImmediate(() => {
      for (const socket of channels.get(channel) ?? []) socket.send(message);
    });
  });
});

const wss = new WebSocketServer({ server, path: '/live' });
wss.on('connection', (socket) => {
  const mine = new Set<string>();
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type?: string; channel?: string };
    if (message.type === 'subscribe' && typeof message.channel === 'string') {
      if (!channels.has(message.channel)) channels.set(message.channel, new Set());
      channels.get(message.channel)!.add(socket);
      mine.add(message.channel);
      socket.send(JSON.stringify({ type: 'subscribed', channel: message.channel }));
    }
  });
  socket.on('close', () => {
    for (const channel of mine) channels.get(channel)?.delete(socket);
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    for (const socket of wss.clients) socket.terminate();
    server.close(() => process.exit(0));
  });
}
