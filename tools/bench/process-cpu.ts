import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/*
 * CPU seconds from /proc (Linux): what a step cost the machine whatever else ran on it, where wall time on a
 * shared machine moves with the load. Off Linux every figure is undefined.
 */

const USER_HZ = 100;

/** The fields of /proc/<pid>/stat after the command name (the first is the state, the second the parent pid). */
function statOf(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** User + system seconds of one process; with `reaped`, also of its children that have exited. */
export function processCpuSeconds(pid: number, reaped = false): number | undefined {
  const fields = statOf(pid);
  if (!fields) return undefined;
  const own = Number(fields[11]) + Number(fields[12]);
  return (reaped ? own + Number(fields[13]) + Number(fields[14]) : own) / USER_HZ;
}

/** System (kernel) seconds of one process alone: what the kernel spent for it, its socket writes included. */
export function processSystemSeconds(pid: number): number | undefined {
  const fields = statOf(pid);
  return fields ? Number(fields[12]) / USER_HZ : undefined;
}

/** The postmaster's pid, read from a PostgreSQL data directory. */
export function postmasterPidOf(dataDir: string): number | undefined {
  try {
    return Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A PostgreSQL server's CPU seconds so far: the postmaster with its exited backends, and every live backend
 * and auxiliary process (WAL writer, checkpointer, autovacuum).
 */
export function serverCpuSeconds(postmasterPid: number): number | undefined {
  let seconds = processCpuSeconds(postmasterPid, true);
  if (seconds === undefined) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statOf(entry);
    if (fields && Number(fields[1]) === postmasterPid)
      seconds += (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  }
  return seconds;
}

/** This process's own CPU seconds (user + system). */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
