// What the side-by-side benches (post-create.ts, read-pages.ts) share: a compiled Stoa server and the bare
// baseline server on free ports, members' sign-ins, and autocannon runs in a process of their own.
// `STOA_CPU_PROF=1` writes the Stoa server's CPU profile to bench/.data/prof; `STOA_SERVER_DIR` measures
// another checkout's build (e.g. main's) for a before/after.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import { benchDir, dataDir, freePort, repoDir, runChildForStdout, spawnTs, waitForOk } from './common.js';
import { mainThreadCpuMs, postgresCpuMsSince, postgresTicks, processTreeCpuMs } from './process-cpu.js';
import type { LoadRun, LoadSpec } from './load.js';

export interface Running {
  child: ChildProcess;
  baseUrl: string;
}

/** The bench's child processes, killed when it exits. */
const children = new Set<ChildProcess>();
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

/** Starts dist/server/main.js on the database, without posting limits (simulated members post faster than people). */
export async function startStoa(databaseUrl: string, logFile: string): Promise<Running> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, DEMO: '0', LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: baseUrl, DATABASE_URL: databaseUrl };
  Object.assign(env, { POST_INTERVAL_SECONDS: '0', POSTS_PER_HOUR: '0', TOPIC_INTERVAL_SECONDS: '0', TOPICS_PER_HOUR: '0' });
  delete env.ADMIN_EMAIL;
  delete env.ADMIN_PASSWORD;
  delete env.DATA_DIR;
  const log = openSync(logFile, 'a');
  const profile = process.env.STOA_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${dataDir}/prof`] : [];
  const child = spawn(process.execPath, [...profile, 'dist/server/main.js'], { cwd: process.env.STOA_SERVER_DIR ?? repoDir, env, stdio: ['ignore', log, log] });
  children.add(child);
  await waitForOk(`${baseUrl}/readyz`, 60_000, child, 10);
  return { child, baseUrl };
}

/** Starts bench/baseline-server.ts (its bare routes; no replay plan). */
export async function startBaseline(databaseUrl: string, planFile: string): Promise<Running> {
  const port = await freePort();
  writeFileSync(planFile, JSON.stringify({ statements: {} }));
  const child = spawnTs(`${benchDir}baseline-server.ts`, [], { env: { ...process.env, DATABASE_URL: databaseUrl, BASELINE_PLAN: planFile, PORT: String(port) } });
  children.add(child);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForOk(`${baseUrl}/healthz`, 30_000, child);
  return { child, baseUrl };
}

/** Signs a generated member in: their session cookie and user id. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<{ cookie: string; userId: string }> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`sign-in as ${email}: HTTP ${response.status}`);
  const cookie = (response.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).find((c) => c?.startsWith('stoa_session='))!;
  return { cookie, userId: ((await response.json()) as { id: string }).id };
}

/** One autocannon run (after a 2-second warm-up) in bench/load.ts's own process. */
export async function load(spec: Omit<LoadSpec, 'warmupSeconds' | 'runs'>): Promise<LoadRun[]> {
  const child = spawnTs(`${benchDir}load.ts`, [JSON.stringify({ ...spec, warmupSeconds: 2, runs: 1 })]);
  children.add(child);
  const out = await runChildForStdout(child, 'autocannon');
  children.delete(child);
  return (JSON.parse(out) as { runs: LoadRun[] }).runs;
}

/** A load run with what each request cost, in CPU ms: the server (all its threads), its main thread, PostgreSQL. */
export type Measured = LoadRun & { serverCpuMs: number; mainThreadCpuMs: number; postgresCpuMs: number };

/**
 * One load run against the server with process id `serverPid`, with the CPU each request cost it and PostgreSQL's
 * processes on this machine (both servers' pools keep their connections, so no backend's time leaves with it).
 */
export async function measured(serverPid: number, spec: Omit<LoadSpec, 'warmupSeconds' | 'runs'>): Promise<Measured[]> {
  const server = processTreeCpuMs(serverPid);
  const main = mainThreadCpuMs(serverPid);
  const database = postgresTicks();
  const result = await load(spec);
  // The 2-second warm-up's requests used CPU too: count them at the measured runs' rate.
  const requests = result.reduce((n, r) => n + r.total, 0) + (result[0]?.rps ?? 0) * 2;
  const cpu = {
    serverCpuMs: (processTreeCpuMs(serverPid) - server) / requests,
    mainThreadCpuMs: (mainThreadCpuMs(serverPid) - main) / requests,
    postgresCpuMs: postgresCpuMsSince(database) / requests,
  };
  return result.map((r) => ({ ...r, ...cpu }));
}

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
