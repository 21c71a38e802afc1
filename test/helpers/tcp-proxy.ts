// A TCP proxy in front of PostgreSQL that a test can cut: `outage()` drops every connection and refuses
// new ones (what clients see while the server is stopped), `restore()` accepts again on the same port.
// The shared PostgreSQL server of a test run cannot really be stopped: other test files use it.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** The target URL with host and port replaced by the proxy's. */
  url(target: string): string;
  /** Drops every open connection now; new ones still get through. */
  dropConnections(): void;
  /** Drops every connection and refuses new ones until restore(). */
  outage(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((inbound) => {
        const outbound = connect(targetPort, targetHost);
        open.add(inbound).add(outbound);
        const end = () => {
          inbound.destroy();
          outbound.destroy();
          open.delete(inbound);
          open.delete(outbound);
        };
        inbound.on('error', end).on('close', end);
        outbound.on('error', end).on('close', end);
        inbound.pipe(outbound);
        outbound.pipe(inbound);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });

  const dropConnections = () => {
    for (const socket of [...open]) socket.destroy();
    open.clear();
  };

  const stopListening = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = undefined;
      if (!s) return resolve();
      s.close(() => resolve());
      dropConnections();
    });

  await listen();
  return {
    get port() {
      return port;
    },
    url(target) {
      const u = new URL(target);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    dropConnections,
    outage: stopListening,
    restore: listen,
    close: stopListening,
  };
}
