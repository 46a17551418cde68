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

/** User and system (kernel) CPU seconds, the kernel's share apart: page-cache misses and writes are paid there. */
export interface CpuSplit {
  user: number;
  system: number;
}

/**
 * A PostgreSQL server's CPU seconds so far: the postmaster with its exited backends, and every live backend
 * and auxiliary process (WAL writer, checkpointer, autovacuum).
 */
export function serverCpuSplit(postmasterPid: number): CpuSplit | undefined {
  const postmaster = statOf(postmasterPid);
  if (!postmaster) return undefined;
  // The postmaster's own ticks and those of its reaped children (fields utime, stime, cutime, cstime).
  const split = {
    user: Number(postmaster[11]) + Number(postmaster[13]),
    system: Number(postmaster[12]) + Number(postmaster[14]),
  };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statOf(entry);
    if (!fields || Number(fields[1]) !== postmasterPid) continue;
    split.user += Number(fields[11]);
    split.system += Number(fields[12]);
  }
  return { user: split.user / USER_HZ, system: split.system / USER_HZ };
}

/** The server's user + system seconds so far (serverCpuSplit). */
export function serverCpuSeconds(postmasterPid: number): number | undefined {
  const split = serverCpuSplit(postmasterPid);
  return split && split.user + split.system;
}

/**
 * The whole machine's block-device traffic so far, in bytes (/proc/vmstat `pgpgin`/`pgpgout`, counted in KiB):
 * what was read from the disk, not from the page cache, and what was written back to it.
 */
export function diskTrafficBytes(): { read: number; written: number } | undefined {
  try {
    const counters = new Map(
      readFileSync('/proc/vmstat', 'utf8')
        .split('\n')
        .map((line) => line.split(' ') as [string, string]),
    );
    return { read: Number(counters.get('pgpgin')) * 1024, written: Number(counters.get('pgpgout')) * 1024 };
  } catch {
    return undefined;
  }
}

/** This process's own CPU seconds (user + system). */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
