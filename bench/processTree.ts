/** Reads memory and CPU of a process and its descendants from /proc (Linux only). */
import { readFileSync } from 'node:fs';
import { descendants } from '../test/helpers/processes.js';

/** Resident set size of one process in bytes (0 once it is gone). */
export function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Summed RSS in bytes of `pid` and every live descendant (`family` is re-read when not given). */
export function treeRssBytes(pid: number, family: readonly number[] = descendants(pid)): number {
  return family.reduce((sum, child) => sum + rssBytes(child), rssBytes(pid));
}

/** User + system CPU time in ms used so far by one process (0 once it is gone). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** CPU ms of `pid` and its live descendants. */
export function treeCpuMs(pid: number): number {
  return descendants(pid).reduce((sum, child) => sum + cpuMs(child), cpuMs(pid));
}

export { descendants };
