// How the server logs. Two formats:
//   pretty  one readable line per request ("GET /api/topics/… 200 12 ms") and per message, for a person at
//           a terminal (`npm start`, `npm run dev`); the default.
//   json    pino's JSON lines (Fastify's "incoming request" / "request completed" pair, all fields), for a
//           log collector: with NODE_ENV=production, at LOG_LEVEL=debug or trace, or LOG_FORMAT=json.
// A small formatter of our own rather than pino-pretty: it needs a dozen lines, not another dependency tree.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

export type LogFormat = 'pretty' | 'json';

/** Where log lines go: anything with write() (process.stdout, or a test's capture). */
export interface LogSink {
  write(chunk: string): unknown;
}

/** LOG_FORMAT if set; otherwise JSON for production and for debugging levels, readable lines elsewhere. */
export function chooseLogFormat(env: { LOG_FORMAT?: string | undefined; NODE_ENV?: string | undefined }, level: string): LogFormat {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  if (env.NODE_ENV === 'production' || level === 'debug' || level === 'trace') return 'json';
  return 'pretty';
}

const REDACT = ['req.headers.cookie', 'req.headers.authorization', 'body.password'];
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields every pino line has, or that the request line already says. */
const OMIT = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reqId', 'req', 'res', 'responseTime', 'err', 'v']);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** One pino JSON line → "HH:MM:SS.mmm LEVEL message {other fields}", and an error's stack below it. */
export function formatLogLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const t = new Date(typeof record.time === 'number' ? record.time : Date.now());
  const time = `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}.${pad(t.getMilliseconds(), 3)}`;
  const level = (LEVELS[record.level as number] ?? String(record.level)).padEnd(5);
  const extra = Object.fromEntries(Object.entries(record).filter(([k]) => !OMIT.has(k)));
  let out = `${time} ${level} ${String(record.msg ?? '')}${Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : ''}\n`;
  const err = record.err as { stack?: string; message?: string } | undefined;
  if (err) out += `${(err.stack ?? err.message ?? '').replace(/^/gm, '    ')}\n`;
  return out;
}

/** A pino destination that writes readable lines to `sink`. */
export function prettySink(sink: LogSink = process.stdout): LogSink {
  return { write: (chunk: string) => sink.write(formatLogLine(chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk)) };
}

/** Fastify's logger options for a format (and a sink, for tests). */
export function loggerOptions(level: string, format: LogFormat, sink?: LogSink) {
  const base = { level, redact: REDACT };
  if (format === 'pretty') return { ...base, stream: prettySink(sink) };
  return sink ? { ...base, stream: sink } : base;
}

/**
 * Readable format: instead of Fastify's "incoming request" and "request completed" lines, one line when the
 * response is sent (an error's stack below it); "route not found" is that line's 404 already.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest() {}

  override routeNotFound() {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    if (this.isLogDisabled(request)) return;
    const line = `${request.method} ${request.url} ${reply.statusCode} ${Math.round(reply.elapsedTime)} ms`;
    if (error) reply.log.error({ err: error }, line);
    else reply.log.info(line);
  }
}
