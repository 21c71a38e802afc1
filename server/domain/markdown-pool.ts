// Markdown is rendered in worker threads (tinypool), never on the request thread: a text that takes long
// to render delays only its own request, not health checks or other members. Each render has a time
// limit (MARKDOWN_TIMEOUT_MS, counted from when a thread takes the text, not from when it was submitted:
// under load texts wait their turn, and the wait says nothing about the text): past it the worker is
// terminated and the text is refused with 422 `markdown_too_complex`. shared/markdown.ts already refuses, before parsing, text with
// too many elements or emphasis marks, so accepted text renders in a bounded time (about 0.1 ms of CPU
// per element); the limit is the backstop.
//
// One pool per process, shared by every app in it: apps acquire it (app.ts) and the last release
// destroys it (unless retainMarkdownPoolWhenIdle() asked to keep it: the test workers, whose files each
// start an app). The threads start on first use (a process that renders nothing has none) and each warms
// up (loads jsdom, renders a sample) before the first render is timed: starting a thread takes a second
// or so, which must not count against a member's text.
import Tinypool from 'tinypool';

/** What the pool sends a worker thread (markdown-worker.ts) and what it answers. */
export type RenderTask = { source: string; maxLength: number } | { warmUp: true };

export type RenderResult =
  | { ok: true; html: string; cpuMs: number | null }
  | { ok: false; reason: 'too_long' | 'too_complex'; message: string; cpuMs: number | null };

export interface MarkdownPoolOptions {
  threads: number;
  timeoutMs: number;
}

// Built server: dist/server/markdown-worker.js beside main.js (server/build.mjs). Under tsx or vitest
// this module is TypeScript, and so is the worker: a plain-JS entry registers tsx in the thread first.
const fromSource = import.meta.url.endsWith('.ts');
const workerFile = new URL(fromSource ? './markdown-worker-tsx.mjs' : './markdown-worker.js', import.meta.url).href;

let pool: { tinypool: Tinypool; ready: Promise<unknown>; threads: number; serial: number } | null = null;
let options: MarkdownPoolOptions = { threads: 2, timeoutMs: 2000 };
let holders = 0;
let retainWhenIdle = false;
let poolsMade = 0;

function getPool() {
  if (!pool) {
    // Every thread stays up (a thread ended by the time limit is replaced at once).
    const tinypool = new Tinypool({ filename: workerFile, minThreads: options.threads, maxThreads: options.threads });
    const warmUp = Array.from({ length: options.threads }, () => tinypool.run({ warmUp: true } satisfies RenderTask));
    pool = { tinypool, ready: Promise.all(warmUp), threads: options.threads, serial: ++poolsMade };
  }
  return pool;
}

async function destroyPool() {
  const closing = pool;
  if (!closing) return;
  pool = null;
  await closing.ready.catch(() => {});
  await closing.tinypool.destroy();
}

/**
 * Keeps the threads when the last app releases the pool, for the next app of the process to reuse (with the
 * same thread count; another count gets a new pool). For a process that starts one app after another — a test
 * worker runs many files — where each new pool would load jsdom again (about 2 s of CPU a thread). Its threads
 * then live as long as the process.
 */
export function retainMarkdownPoolWhenIdle(retain = true): void {
  retainWhenIdle = retain;
}

/** The live pool, if any: its thread count, and its serial number (which pool of the process it is). */
export function markdownPoolState(): { threads: number; serial: number } | null {
  return pool && { threads: pool.threads, serial: pool.serial };
}

/** Starts the threads (if not yet started) and resolves once they have warmed up. */
export async function warmUpMarkdownPool(): Promise<void> {
  await getPool().ready;
}

/** Called by each app that renders (app.ts); the returned release() is called on close. */
export function acquireMarkdownPool(opts: MarkdownPoolOptions): { release: () => Promise<void> } {
  // A pool kept while idle (retainMarkdownPoolWhenIdle) with another thread count gives way to a new one.
  if (holders === 0 && pool && pool.threads !== opts.threads) void destroyPool();
  holders++;
  options = opts;
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      if (--holders > 0 || retainWhenIdle) return;
      await destroyPool();
    },
  };
}

export type RenderOutcome =
  | { ok: true; html: string; cpuMs: number | null }
  | { ok: false; reason: 'too_long' | 'too_complex' | 'timeout'; message: string; cpuMs: number | null };

export const RENDER_TIMEOUT_MESSAGE = 'This text is too complex to display: it took too long to format. Simplify its formatting or split it.';

/** Renders in a worker thread. Refusals (too long, too complex, over the time limit) are results, not errors. */
export async function renderOffThread(source: string, maxLength: number): Promise<RenderOutcome> {
  const { tinypool, ready } = getPool();
  await ready;
  // At most one text per thread is handed to the pool, so a text's clock starts when a thread is free for it.
  await takeThread();
  const signal = AbortSignal.timeout(options.timeoutMs);
  const task: RenderTask = { source, maxLength };
  try {
    return (await tinypool.run(task, { signal })) as RenderResult;
  } catch (err) {
    if (signal.aborted) return { ok: false, reason: 'timeout', message: RENDER_TIMEOUT_MESSAGE, cpuMs: null };
    throw err;
  } finally {
    giveThreadBack();
  }
}

// Texts waiting for a free thread, first come first served.
let busyThreads = 0;
const waitingForThread: Array<() => void> = [];

function takeThread(): Promise<void> {
  if (busyThreads < options.threads) {
    busyThreads++;
    return Promise.resolve();
  }
  return new Promise((resolve) => waitingForThread.push(resolve));
}

function giveThreadBack() {
  const next = waitingForThread.shift();
  if (next) next(); // the thread passes straight to the next text
  else busyThreads--;
}
