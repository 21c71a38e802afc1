// Real Stoa server PROCESSES for tests (node + tsx running server/main.ts): what production runs, so a
// crash is a dead process, not a failed promise. Used by the multi-process and database-outage tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SESSION_COOKIE } from '../../server/plugins/session.js';
import { freePort } from './net.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  name: string;
  child: ChildProcess;
  baseUrl: string;
  publicUrl: string;
  /** The last 200 chunks of stdout and stderr, for failure messages. */
  output: string[];
  /** True while the process has not exited. */
  running(): boolean;
}

export interface StartOptions {
  databaseUrl: string;
  /** The address members use (the Origin check compares to it); default: the process's own address. */
  publicUrl?: string;
  env?: Record<string, string>;
}

export async function startServer(name: string, options: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const publicUrl = options.publicUrl ?? baseUrl;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: publicUrl,
      DATABASE_URL: options.databaseUrl,
      DEMO: '0',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      // Tests post faster than a person may; test/server/posting-limits.test.ts covers the limits.
      POST_INTERVAL_SECONDS: '0',
      POSTS_PER_HOUR: '0',
      TOPIC_INTERVAL_SECONDS: '0',
      TOPICS_PER_HOUR: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { name, child, baseUrl, publicUrl, output, running: () => child.exitCode === null && child.signalCode === null };
}

/** Resolves once GET /readyz answers 200; throws with the process's output if it exits or times out. */
export async function waitReady(server: ServerProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!server.running()) throw new Error(`${server.name} exited (${server.child.exitCode ?? server.child.signalCode}):\n${server.output.join('')}`);
    try {
      const res = await fetch(`${server.baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${server.name} was not ready within ${timeoutMs} ms:\n${server.output.join('')}`);
}

export async function stopServer(server: ServerProcess) {
  if (!server.running()) return;
  const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** One JSON request with the session cookie and the server's Origin. */
export async function api(
  server: ServerProcess,
  method: string,
  path: string,
  opts: { cookie?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ApiResponse> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: {
      origin: server.publicUrl,
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.cookie ? { cookie: `${SESSION_COOKIE}=${opts.cookie}` } : {}),
      ...opts.headers,
    },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body };
}

/** The session token a sign-in response set. */
export function sessionCookie(headers: Headers): string {
  for (const line of headers.getSetCookie()) {
    const match = new RegExp(`^${SESSION_COOKIE}=([^;]+)`).exec(line);
    if (match) return match[1]!;
  }
  throw new Error('no session cookie was set');
}
