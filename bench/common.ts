// Small helpers shared by the benchmark scripts: argument parsing, a progress bar, statistics,
// free ports, child processes, and the "what did the generator make" record.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const benchDir = fileURLToPath(new URL('.', import.meta.url));
export const repoDir = fileURLToPath(new URL('..', import.meta.url));
export const dataDir = `${benchDir}.data`;

/** `--name value`, `--name=value` and bare `--flag` → { name: 'value', flag: true }. */
export function parseArgs(argv: string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    if (eq > 0) out[arg.slice(2, eq)] = arg.slice(eq + 1);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) out[arg.slice(2)] = argv[++i]!;
    else out[arg.slice(2)] = true;
  }
  return out;
}

export function numberArg(args: Record<string, string | true>, name: string, fallback: number): number {
  const v = args[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v === true || !Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number (got ${String(v)})`);
  return n;
}

export function requireDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    console.error(
      'The benchmark runs on PostgreSQL: set DATABASE_URL to a dedicated database, e.g.\n' +
        '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/stoa_bench npm run bench -- --quick',
    );
    process.exit(2);
  }
  return url;
}

export const databaseName = (url: string) => decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
export function withDatabase(url: string, database: string) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
export const redactUrl = (url: string) => url.replace(/:[^:@/]+@/, ':***@');

/** Creates the database named in `url` when it does not exist yet (connecting to `postgres`). */
export async function ensureDatabaseExists(url: string): Promise<boolean> {
  const name = databaseName(url);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount) return false;
    if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`refusing to create a database named ${JSON.stringify(name)}`);
    await admin.query(`CREATE DATABASE "${name}"`);
    return true;
  } finally {
    await admin.end();
  }
}

// ---------------------------------------------------------------- what the generator made

/** Ids and facts the bench needs; kept in the bench_gen.info table and in bench/.data/<db>.json. */
export interface BenchInfo {
  scale: number;
  seed: number;
  generatedAt: string;
  generatorSeconds: number;
  /** One password for every generated account. */
  password: string;
  communityId: string;
  busiestTopicId: string;
  busiestTopicPosts: number;
  /** Members used for signed-in requests (one per load connection). */
  memberEmails: string[];
  managerEmail: string;
  facilitatorEmail: string;
  /** The newest generated activity; engagement ranges end here. */
  dataEndsAt: string;
  counts: Record<string, number>;
}

export async function readInfo(client: pg.Client | pg.Pool): Promise<BenchInfo | null> {
  const { rows } = await client.query<{ exists: boolean }>(`select to_regclass('bench_gen.info') is not null as exists`);
  if (!rows[0]?.exists) return null;
  const info = await client.query<{ value: BenchInfo }>(`select value from bench_gen.info where key = 'info'`);
  return info.rows[0]?.value ?? null;
}

export function writeInfoFile(dbName: string, info: BenchInfo) {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(`${dataDir}/${dbName}.json`, `${JSON.stringify(info, null, 2)}\n`);
}

export function readInfoFile(dbName: string): BenchInfo | null {
  const file = `${dataDir}/${dbName}.json`;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BenchInfo) : null;
}

// ---------------------------------------------------------------- progress bar on stderr

export class Progress {
  private done = 0;
  private started = Date.now();
  private lastDraw = 0;
  private lastLine = 0;
  private readonly tty = process.stderr.isTTY === true;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit = 'rows',
  ) {
    this.draw(true);
  }

  add(n: number) {
    this.done += n;
    this.draw(false);
  }

  finish() {
    this.done = Math.max(this.done, this.total);
    this.draw(true);
    if (this.tty) process.stderr.write('\n');
    return (Date.now() - this.started) / 1000;
  }

  private draw(force: boolean) {
    const now = Date.now();
    // On a terminal redraw 5 times a second; in a log file write a line every 5 s.
    if (!force && now - this.lastDraw < (this.tty ? 200 : 5000)) return;
    this.lastDraw = now;
    const seconds = Math.max(0.001, (now - this.started) / 1000);
    const rate = this.done / seconds;
    const fraction = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const eta = rate > 0 ? (this.total - this.done) / rate : Infinity;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    const line =
      `${this.label.padEnd(22)} [${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ` +
      `${formatCount(this.done)}/${formatCount(this.total)} ${this.unit}  ${formatCount(rate)}/s  ` +
      `ETA ${Number.isFinite(eta) ? formatDuration(eta) : '?'}  (${formatDuration(seconds)})`;
    if (this.tty) process.stderr.write(`\r${line.padEnd(this.lastLine)}`);
    else process.stderr.write(`${line}\n`);
    this.lastLine = line.length;
  }
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${String(Math.round(seconds - m * 60)).padStart(2, '0')}s`;
}

// ---------------------------------------------------------------- statistics

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
export const median = (values: number[]) => percentile(values, 50);

// ---------------------------------------------------------------- processes and ports

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a TypeScript file in a new Node process (`node --import tsx`), so its pid is the program's own. */
export function spawnTs(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; stdio?: 'inherit' | 'pipe' } = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: repoDir,
    env: options.env ?? process.env,
    stdio: options.stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  });
}

/** Waits for a child to exit; resolves with its exit code (or null when killed by a signal). */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Stops one child we started: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

/** Collects a child's stdout (e.g. a JSON result) and returns it when the child exits 0. */
export async function runChildForStdout(child: ChildProcess, what: string): Promise<string> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const code = await exited(child);
  if (code !== 0) throw new Error(`${what} failed (exit ${code}): ${err.trim().split('\n').slice(-8).join('\n')}`);
  return out;
}

/** Polls `url` until it answers 200, or throws after `timeoutMs`. Returns ms waited. */
export async function waitForOk(url: string, timeoutMs: number, child?: ChildProcess, intervalMs = 20): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) throw new Error(`process exited (${child.exitCode ?? child.signalCode}) before ${url} was ready`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > timeoutMs) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** Peak resident memory of a process, sampled from /proc while `sampling` is on. */
export class RssSampler {
  peakKiB = 0;
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly pid: number) {}
  sample() {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
      if (match) this.peakKiB = Math.max(this.peakKiB, Number(match[1]));
    } catch {
      // process gone or no /proc (not Linux): nothing to sample
    }
  }
  start(intervalMs = 200) {
    this.sample();
    this.timer ??= setInterval(() => this.sample(), intervalMs);
  }
  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }
}
