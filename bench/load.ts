// One load measurement, in its own process so the load generator's work is not counted as the
// server's: autocannon with N connections, a warm-up run (discarded), then `runs` measured runs.
// Input: a JSON LoadSpec as the first argument. Output: a JSON LoadResult on stdout.
//
// Each request takes the next entry of `rotate` (round-robin): that is how 50 connections act as
// 50 different signed-in members (cookie) or baseline users (query string); an entry may also name its
// own path (e.g. a different topic) and body. `idempotencyKey` adds a
// fresh Idempotency-Key header to every request, as a client creating posts would.
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';

export interface LoadSpec {
  baseUrl: string;
  method: 'GET' | 'POST';
  path: string;
  connections: number;
  warmupSeconds: number;
  runs: number;
  runSeconds: number;
  headers?: Record<string, string>;
  body?: string;
  idempotencyKey?: boolean;
  rotate?: Array<{ headers?: Record<string, string>; query?: string; path?: string; body?: string }>;
}

export interface LoadRun {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
let next = 0;

function setupRequest(request: { path?: string; headers?: Record<string, string>; body?: string }) {
  const entry = spec.rotate?.length ? spec.rotate[next++ % spec.rotate.length] : undefined;
  const path = entry?.path ?? spec.path;
  if (entry?.query) request.path = `${path}${path.includes('?') ? '&' : '?'}${entry.query}`;
  else if (entry?.path) request.path = entry.path;
  if (entry?.body !== undefined) request.body = entry.body;
  request.headers = { ...request.headers, ...entry?.headers };
  if (spec.idempotencyKey) request.headers['idempotency-key'] = randomUUID();
  return request;
}

async function once(seconds: number): Promise<LoadRun> {
  const result = await autocannon({
    url: spec.baseUrl,
    connections: spec.connections,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: spec.method,
        path: spec.path,
        headers: { ...(spec.body ? { 'content-type': 'application/json' } : {}), ...spec.headers },
        ...(spec.body ? { body: spec.body } : {}),
        setupRequest,
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
  };
}

if (spec.warmupSeconds > 0) await once(spec.warmupSeconds);
const runs: LoadRun[] = [];
for (let i = 0; i < spec.runs; i++) runs.push(await once(spec.runSeconds));
process.stdout.write(JSON.stringify({ runs }));
