// Start-up figures (issue 15), measured by `npm run bench` (full and --quick) and alone by
// `npm run bench -- --only startup` (no PostgreSQL needed):
//
//   newcomer-start    a fresh `git clone` of this repository's HEAD into a temporary folder, `npm ci` (not
//                     timed), then `npm start` (build included) until /readyz answers 200; the demo content
//                     is checked after (a demo sign-in sees the demo community)          target < 10 s
//   newcomer-restart  `npm start` again in that clone (nothing to rebuild, ./data exists)  target < 3 s
//   pglite-fresh      the compiled server (`node dist/server/main.js`, DEMO=0) on a new PGlite data directory,
//                     made from the migrated snapshot `npm run build` makes (`npm start` does not: a newcomer's
//                     first start runs initdb itself, see scripts/build.mjs): process start → /readyz 200
//                                                                                          target < 5 s
//   pglite-reopen     the same server again on that data directory                        target < 1.5 s
//
// `ratio` is the figure divided by the target (< 1 passes). The baseline is context, not the ratio's
// denominator: for the PGlite rows, a bare PGlite in its own Node process (no Stoa) opening the same kind
// of data directory (new: PGlite's initdb; existing: a reopen) and answering `select 1`; for the newcomer
// rows, none. Each row also records the CPU time the measured processes used until ready and the load
// average, since on a shared 2-core machine the wall-clock figures move with whatever else runs.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchDir, exited, formatDuration, freePort, median, repoDir, sleep } from './common.js';

export interface StartupRow {
  id: 'newcomer-start' | 'newcomer-restart' | 'pglite-fresh' | 'pglite-reopen';
  section: string;
  measurement: string;
  figure: string;
  baseline: string;
  /** figure ÷ target */
  ratio: number;
  /** The baseline's own figure in seconds (context; see the header), or null. */
  baselineFigure: number | null;
  target: string;
  pass: boolean;
  status: 'pass' | 'fail' | 'n.a.';
  notes?: string[];
  data?: unknown;
}

const SECTION = 'Start-up';
const TARGETS = { 'newcomer-start': 10, 'newcomer-restart': 3, 'pglite-fresh': 5, 'pglite-reopen': 1.5 } as const;
const DEMO_SIGN_IN = { email: 'fiona@stoa.example', password: 'stoa-demo-2026', community: 'ELT Teacher Trainers' };

/** The environment a newcomer's shell would give `npm start`: none of the bench's own settings or npm's. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('npm_') || k === 'INIT_CWD' || k === 'NODE_OPTIONS') continue;
    if (['DATABASE_URL', 'TEST_DATABASE_URL', 'DATA_DIR', 'DEMO', 'PORT', 'HOST', 'PUBLIC_URL', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'LOG_LEVEL'].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** CPU seconds (user + system, with reaped children) of every live process in a process group. */
function groupCpuSeconds(pgid: number): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const fields = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(fields[2]) !== pgid) continue; // field 5 (pgrp), counted after "pid (comm)"
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / tick;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

interface Started {
  child: ChildProcess;
  seconds: number;
  cpuSeconds: number;
  output: () => string;
}

/** Spawns a command in its own process group and waits until `url` answers 200. */
async function startAndTime(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; readyUrl: string; log: string; timeoutMs?: number }): Promise<Started> {
  let output = '';
  const started = performance.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (d: Buffer) => {
      output += d.toString();
      appendFileSync(options.log, d);
    });
  }
  const deadline = started + (options.timeoutMs ?? 180_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${command} ${args.join(' ')} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output.slice(-2000)}`);
    try {
      const res = await fetch(options.readyUrl, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      await stopGroup(child);
      throw new Error(`${options.readyUrl} not ready after ${Math.round((options.timeoutMs ?? 180_000) / 1000)} s:\n${output.slice(-2000)}`);
    }
    await sleep(20);
  }
  const seconds = (performance.now() - started) / 1000;
  return { child, seconds, cpuSeconds: groupCpuSeconds(child.pid!), output: () => output };
}

/** SIGTERM to the whole group (npm, its shell, the server), SIGKILL after a grace period. */
async function stopGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  kill('SIGTERM');
  const timer = setTimeout(() => kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

async function demoContentVisible(baseUrl: string): Promise<boolean> {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl.replace('127.0.0.1', 'localhost') },
    body: JSON.stringify({ email: DEMO_SIGN_IN.email, password: DEMO_SIGN_IN.password }),
  });
  if (!login.ok) return false;
  const cookie = (login.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  const list = await fetch(`${baseUrl}/api/communities`, { headers: { cookie } });
  if (!list.ok) return false;
  const { items } = (await list.json()) as { items: Array<{ name: string }> };
  return items.some((c) => c.name === DEMO_SIGN_IN.community);
}

const seconds = (s: number) => `${s.toFixed(2)} s`;
const spread = (values: number[]) => (values.length > 1 ? ` (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})` : '');
const load = () => Number(loadavg()[0]!.toFixed(2));

function row(id: StartupRow['id'], measurement: string, times: number[], extra: { cpu: number[]; baseline?: number[]; baselineText?: string; notes?: string[]; data?: Record<string, unknown> }): StartupRow {
  const target = TARGETS[id];
  const figure = median(times);
  const baselineFigure = extra.baseline?.length ? median(extra.baseline) : null;
  const pass = figure < target;
  return {
    id,
    section: SECTION,
    measurement,
    figure: `${seconds(figure)}${spread(times)}, CPU ${seconds(median(extra.cpu))}`,
    baseline: baselineFigure === null ? '—' : `${seconds(baselineFigure)}${spread(extra.baseline!)} ${extra.baselineText ?? ''}`.trim(),
    ratio: Number((figure / target).toFixed(3)),
    baselineFigure,
    target: `< ${target} s`,
    pass,
    status: pass ? 'pass' : 'fail',
    ...(extra.notes?.length ? { notes: extra.notes } : {}),
    data: { times, cpuSeconds: extra.cpu, ...(extra.baseline ? { baselineTimes: extra.baseline } : {}), ...extra.data },
  };
}

/** A bare PGlite (no Stoa) in its own process: start → `select 1` answered on `dataDir`. */
async function barePglite(dataDir: string, log: string): Promise<{ seconds: number; cpu: number }> {
  const code = `
    import { PGlite } from '@electric-sql/pglite';
    import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
    const db = new PGlite({ dataDir: ${JSON.stringify(dataDir)}, extensions: { pg_trgm } });
    await db.query('select 1');
    process.stdout.write('ready\\n');
    await db.close();`;
  const started = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: repoDir, stdio: ['ignore', 'pipe', openSync(log, 'a')], detached: true });
  const seconds = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve((performance.now() - started) / 1000));
    child.once('exit', (c) => reject(new Error(`bare PGlite exited (${c}) before it was ready`)));
  });
  const cpu = groupCpuSeconds(child.pid!);
  await exited(child);
  return { seconds, cpu };
}

/**
 * pglite-fresh and pglite-reopen, on the compiled server of this working tree (built first if stale), or
 * of another checkout `repo` that is built already (e.g. an older commit, for before/after figures).
 */
export async function measurePglite(runs: number, log: string, repo = repoDir): Promise<StartupRow[]> {
  if (repo === repoDir) {
    // What is stale, the snapshot included (`npm start` never builds it; the PGlite tests' build does): these
    // rows time a new database made from the built snapshot, as after `npm run build`.
    const { DATABASE_URL: _url, TEST_DATABASE_URL: _testUrl, ...env } = process.env;
    execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale', '--for-tests'], { cwd: repoDir, stdio: ['ignore', 'inherit', 'inherit'], env });
  }
  const fresh: number[] = [], freshCpu: number[] = [], reopen: number[] = [], reopenCpu: number[] = [];
  const bareFresh: number[] = [], bareReopen: number[] = [];
  const origins = new Set<string>();
  const loads: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'stoa-bench-pglite-'));
    try {
      for (const phase of ['fresh', 'reopen'] as const) {
        const port = await freePort();
        loads.push(load());
        const env = cleanEnv({ DATA_DIR: dir, DEMO: '0', LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}` });
        const s = await startAndTime(process.execPath, ['dist/server/main.js'], { cwd: repo, env, readyUrl: `http://127.0.0.1:${port}/readyz`, log });
        if (phase === 'fresh') {
          fresh.push(s.seconds);
          freshCpu.push(s.cpuSeconds);
          origins.add(/made from the migrated snapshot/.test(s.output()) ? 'the snapshot' : /initialising it/.test(s.output()) ? 'initdb and the migrations' : 'unknown');
        } else {
          reopen.push(s.seconds);
          reopenCpu.push(s.cpuSeconds);
        }
        await stopGroup(s.child);
        await sleep(200);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const bareDir = mkdtempSync(join(tmpdir(), 'stoa-bench-bare-'));
    try {
      bareFresh.push((await barePglite(bareDir, log)).seconds);
      bareReopen.push((await barePglite(bareDir, log)).seconds);
    } finally {
      rmSync(bareDir, { recursive: true, force: true });
    }
  }
  const loadNote = `load average ${Math.min(...loads)}–${Math.max(...loads)} on ${cpus().length} cores while measuring`;
  return [
    row('pglite-fresh', 'PGlite, new data directory: node dist/server/main.js (DEMO=0) → /readyz 200, migrations included', fresh, {
      cpu: freshCpu,
      baseline: bareFresh,
      baselineText: 'bare PGlite initdb + select 1',
      notes: [`new database made from ${[...origins].join(' / ')}`, loadNote, 'ratio = figure ÷ target; the baseline is context'],
      data: { loads },
    }),
    row('pglite-reopen', 'PGlite, existing data directory: the same server started again → /readyz 200', reopen, {
      cpu: reopenCpu,
      baseline: bareReopen,
      baselineText: 'bare PGlite reopen + select 1',
      notes: [loadNote, 'ratio = figure ÷ target; the baseline is context'],
      data: { loads },
    }),
  ];
}

/**
 * newcomer-start and newcomer-restart: a fresh clone of HEAD (or of `options.commit`), npm ci, npm start
 * twice. `options.keep`: leave the clone (built, with its ./data) for the caller, who removes it.
 */
export async function measureNewcomer(log: string, options: { commit?: string; keep?: (where: { dir: string; clone: string }) => void } = {}): Promise<StartupRow[]> {
  const commit = execFileSync('git', ['rev-parse', options.commit ?? 'HEAD'], { cwd: repoDir }).toString().trim();
  const dirty = !options.commit && execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoDir }).toString().trim() !== '';
  const dir = mkdtempSync(join(tmpdir(), 'stoa-bench-newcomer-'));
  const clone = join(dir, 'stoa');
  let kept = false;
  try {
    execFileSync('git', ['clone', '--quiet', '--no-checkout', repoDir, clone], { stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('git', ['checkout', '--quiet', commit], { cwd: clone, stdio: ['ignore', 'ignore', 'inherit'] });
    console.log(`   npm ci in a fresh clone of ${commit.slice(0, 8)} (not timed)…`);
    const ciStarted = performance.now();
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: clone, env: cleanEnv({}), stdio: ['ignore', 'ignore', 'inherit'] });
    const ciSeconds = (performance.now() - ciStarted) / 1000;
    const rows: StartupRow[] = [];
    for (const id of ['newcomer-start', 'newcomer-restart'] as const) {
      const port = await freePort();
      const loadBefore = load();
      // What the README tells a newcomer to run; only the port is chosen (3000 may be taken).
      const s = await startAndTime('npm', ['start'], { cwd: clone, env: cleanEnv({ PORT: String(port) }), readyUrl: `http://127.0.0.1:${port}/readyz`, log });
      const demo = await demoContentVisible(`http://127.0.0.1:${port}`);
      const out = s.output();
      await stopGroup(s.child);
      const built = /build: dist\/ is up to date/.test(out) ? 'nothing rebuilt' : (/build: done in (\d+) ms/.exec(out)?.[1] ?? '?') + ' ms of build';
      const notes = [
        demo ? `demo content served (${DEMO_SIGN_IN.email} sees "${DEMO_SIGN_IN.community}")` : 'DEMO CONTENT NOT FOUND',
        built,
        `load average ${loadBefore} on ${cpus().length} cores at the start`,
        ...(id === 'newcomer-start' ? [`clone of ${commit.slice(0, 8)}${dirty ? ' (the working tree has uncommitted changes, not measured)' : ''}; npm ci took ${ciSeconds.toFixed(0)} s, not timed`] : []),
        'ratio = figure ÷ target',
      ];
      const r = row(id, id === 'newcomer-start' ? 'Newcomer: npm start on a fresh clone after npm ci, build included → /readyz 200 with demo content' : 'Newcomer: the second npm start (dist/ up to date, ./data exists) → /readyz 200', [s.seconds], {
        cpu: [s.cpuSeconds],
        notes,
        data: { demoContent: demo, loadAverage: loadBefore, commit },
      });
      if (!demo) Object.assign(r, { pass: false, status: 'fail' });
      rows.push(r);
    }
    if (options.keep) {
      options.keep({ dir, clone });
      kept = true;
    }
    return rows;
  } finally {
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
}

/** Every start-up row; progress goes to the console, the servers' output to `log`. */
export async function measureStartup(options: { runs: number; log: string }): Promise<StartupRow[]> {
  console.log(`== start-up: PGlite new and existing data directory, ${options.runs} run(s) each`);
  const pglite = await measurePglite(options.runs, options.log);
  console.log('== start-up: newcomer (fresh clone, npm ci, npm start twice)');
  const newcomer = await measureNewcomer(options.log);
  return [...newcomer, ...pglite];
}

/**
 * `npm run bench -- --only startup`: the start-up rows alone. Written to bench/results/startup.{json,md};
 * the same rows (by id) are replaced in latest.{json,md}, so the latest results hold the newest start-up
 * figures (the row notes and `meta.startup` say which run they come from).
 */
export async function runStartupOnly(options: { quick: boolean }): Promise<never> {
  const started = Date.now();
  const dataDir = join(benchDir, '.data');
  mkdirSync(dataDir, { recursive: true });
  const log = join(dataDir, 'startup.log');
  writeFileSync(log, '');
  const rows = await measureStartup({ runs: options.quick ? 1 : 3, log });
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoDir }).toString().trim();
  const meta = {
    date: new Date().toISOString(),
    commit,
    mode: `${options.quick ? 'quick' : 'full'}, startup only`,
    machine: `${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    node: process.version,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  const resultsDir = join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'startup.json'), `${JSON.stringify({ meta, rows }, null, 2)}\n`);
  writeFileSync(
    join(resultsDir, 'startup.md'),
    [`# Stoa start-up results`, '', `${meta.date} · commit ${meta.commit} · ${meta.mode} run · ${meta.machine} · Node ${meta.node} · ${formatDuration(meta.seconds)}`, '', ...table(rows), '', 'How to read this: bench/README.md.', ''].join('\n'),
  );
  mergeIntoLatest(resultsDir, rows, meta);
  console.log(['', ...table(rows), ''].join('\n'));
  console.log(`Written: bench/results/startup.{json,md}; the same rows replaced in bench/results/latest.{json,md}. Server output: ${log}`);
  process.exit(0);
}

const cell = (s: unknown) => String(s).replace(/\|/g, '\\|');
function table(rows: Array<{ measurement: string; figure: string; baseline: string; ratio: string | number; target: string; status: string; notes?: string[] }>): string[] {
  return [
    '| Measurement | Figure | Baseline | Ratio | Target | Result |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${cell(r.measurement)} | ${cell(r.figure)} | ${cell(r.baseline)} | ${cell(typeof r.ratio === 'number' ? `${r.ratio.toFixed(2)}×` : r.ratio)} | ${cell(r.target)} | ${r.status} |`),
    '',
    ...rows.filter((r) => r.notes?.length).map((r) => `- ${cell(r.measurement)}: ${r.notes!.join('; ')}`),
  ];
}

/** Replaces the start-up rows (and the old "Cold start on PGlite" row they supersede) in latest.{json,md}. */
function mergeIntoLatest(resultsDir: string, rows: StartupRow[], meta: { date: string; commit: string; mode: string }) {
  const jsonFile = join(resultsDir, 'latest.json');
  const mdFile = join(resultsDir, 'latest.md');
  if (!existsSync(jsonFile) || !existsSync(mdFile)) return;
  const latest = JSON.parse(readFileSync(jsonFile, 'utf8')) as { meta: Record<string, unknown>; rows: Array<{ id?: string; measurement: string; notes?: string[] }> };
  const from = `from the start-up-only run of ${meta.date.slice(0, 16).replace('T', ' ')} UTC (commit ${meta.commit})`;
  const marked = rows.map((r) => ({ ...r, notes: [...(r.notes ?? []), from] }));
  const superseded = (r: { id?: string; measurement: string }) => rows.some((n) => n.id === r.id) || r.measurement.startsWith('Cold start on PGlite');
  const kept = latest.rows.filter((r) => !superseded(r));
  const at = latest.rows.findIndex(superseded); // rows before the first superseded one are all kept
  latest.rows = at === -1 ? [...kept, ...marked] : [...kept.slice(0, at), ...marked, ...kept.slice(at)];
  latest.meta.startup = meta;
  writeFileSync(jsonFile, `${JSON.stringify(latest, null, 2)}\n`);
  // latest.md: the same table rows and notes, replaced or added in place.
  const md = readFileSync(mdFile, 'utf8').split('\n');
  const isOld = (line: string) => line.startsWith('| Cold start on PGlite') || line.startsWith('- Cold start on PGlite') || rows.some((r) => line.startsWith(`| ${cell(r.measurement)} |`) || line.startsWith(`- ${cell(r.measurement)}:`));
  const [tableLines, noteLines] = [table(marked).filter((l) => l.startsWith('| ') && !l.startsWith('| Measurement') && !l.startsWith('|---')), table(marked).filter((l) => l.startsWith('- '))];
  const firstOldRow = md.findIndex((l) => l.startsWith('| ') && isOld(l));
  let out = md.filter((l) => !isOld(l));
  const insertRowsAt = firstOldRow !== -1 ? firstOldRow : out.findIndex((l, i) => l.startsWith('| ') && !(out[i + 1] ?? '').startsWith('| ')) + 1;
  out = [...out.slice(0, insertRowsAt), ...tableLines, ...out.slice(insertRowsAt)];
  const notesEnd = out.findIndex((l) => l.startsWith('How to read this'));
  const insertNotesAt = notesEnd > 0 ? notesEnd - 1 : out.length;
  out = [...out.slice(0, insertNotesAt), ...noteLines, ...out.slice(insertNotesAt)];
  writeFileSync(mdFile, out.join('\n'));
}
