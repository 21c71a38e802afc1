// CPU time from Linux /proc, so that a bench can say what each request cost each process even when other work
// shares the machine and req/s wander: a server process with its children, and PostgreSQL's processes.
import { readdirSync, readFileSync } from 'node:fs';

interface ProcessTicks {
  pid: number;
  ppid: number;
  command: string;
  ticks: number;
}

function processes(): ProcessTicks[] {
  const out: ProcessTicks[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      // "pid (command) state ppid …": utime and stime are the 14th and 15th fields, all threads included.
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(') ');
      const fields = stat.slice(close + 2).split(' ');
      out.push({ pid: Number(d), ppid: Number(fields[1]), command: stat.slice(stat.indexOf('(') + 1, close), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return out;
}

const TICK_MS = 10; // 100 clock ticks a second on Linux

/** CPU milliseconds a process and its descendants have used. */
export function processTreeCpuMs(rootPid: number): number {
  const all = processes();
  const tree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of all) if (!tree.has(s.pid) && tree.has(s.ppid)) (tree.add(s.pid), (grew = true));
  }
  return all.filter((s) => tree.has(s.pid)).reduce((sum, s) => sum + s.ticks, 0) * TICK_MS;
}

/** A process's main thread (its JavaScript event loop in Node), CPU milliseconds: the rest is worker and GC threads. */
export function mainThreadCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** PostgreSQL's processes on this machine (postmaster, backends, WAL writer…) and their CPU ticks so far. */
export function postgresTicks(): Map<number, number> {
  return new Map(processes().filter((s) => s.command === 'postgres' || s.command.startsWith('postgres:')).map((s) => [s.pid, s.ticks]));
}

/**
 * CPU milliseconds PostgreSQL's processes used since `before` (postgresTicks()): per process alive at both
 * readings, plus all of a new one's. A backend that exited in between took its time with it (keep the measured
 * connections open across the run); other work on the same server is counted too, so measure on a quiet one.
 */
export function postgresCpuMsSince(before: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, now] of postgresTicks()) ticks += now - (before.get(pid) ?? 0);
  return ticks * TICK_MS;
}
