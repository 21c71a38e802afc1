// Preloaded (node --import) into a separate Stoa server process that the bench starts only to learn
// which SQL each endpoint runs. For a request carrying `x-bench-capture: <name>`, every statement the
// request sends through `pg` is appended to STOA_BENCH_CAPTURE_FILE as one JSON line. The baseline
// server then replays exactly those statements, so "the same SQL as the endpoint" stays true as the
// features change, without the bench knowing their code. The measured server never loads this file.
// With STOA_BENCH_CAPTURE_ALL=1 the statements no request sent (the event sequencer's sweep, live delivery,
// the notifier…) are written too, named `(background)` (bench/post-statements.ts counts them).
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import pg from 'pg';

export interface CapturedStatement {
  name: string;
  text: string;
  values: unknown[];
  rowMode?: string;
  /** Milliseconds from sending the statement to its result (written when the statement settles). */
  ms?: number;
}

const file = process.env.STOA_BENCH_CAPTURE_FILE;
if (file) {
  const all = process.env.STOA_BENCH_CAPTURE_ALL === '1';
  const requestName = new AsyncLocalStorage<string>();

  const emit = http.Server.prototype.emit as (this: http.Server, event: string, ...args: unknown[]) => boolean;
  (http.Server.prototype as unknown as { emit: unknown }).emit = function (this: http.Server, event: string, ...args: unknown[]) {
    if (event === 'request') {
      const name = (args[0] as http.IncomingMessage).headers['x-bench-capture'];
      if (typeof name === 'string') return requestName.run(name, () => emit.call(this, event, ...args));
    }
    return emit.call(this, event, ...args);
  };

  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: unknown }).query = function (this: pg.Client, ...args: unknown[]) {
    const name = requestName.getStore() ?? (all ? '(background)' : undefined);
    if (name) {
      const [first, second] = args;
      const config: { text: string; values?: unknown[]; rowMode?: string } =
        typeof first === 'string' ? { text: first, values: Array.isArray(second) ? second : [] } : (first as { text: string; values?: unknown[]; rowMode?: string });
      // drizzle passes the parameters as the second argument, beside a config object.
      const values = config.values ?? (Array.isArray(second) ? (second as unknown[]) : []);
      const line: CapturedStatement = { name, text: config.text, values, ...(config.rowMode ? { rowMode: config.rowMode } : {}) };
      const started = performance.now();
      const write = () => appendFileSync(file, `${JSON.stringify({ ...line, ms: Math.round((performance.now() - started) * 100) / 100 })}\n`);
      const result = query.apply(this, args) as { then?: (ok: () => void, failed: () => void) => void } | undefined;
      if (typeof result?.then === 'function') result.then(write, write);
      else write();
      return result;
    }
    return query.apply(this, args);
  };
}
