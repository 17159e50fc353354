/**
 * Every process the benchmark starts registers a stopper here, so that the end of a run, an error
 * or Ctrl-C stops each of them by pid (and nothing else).
 */
const stoppers = new Map<number, () => Promise<void>>();

/** Remembers how to stop the process `pid` until `forget(pid)`. */
export function track(pid: number, stop: () => Promise<void>): void {
  stoppers.set(pid, stop);
}

/** The process `pid` was stopped by its owner. */
export function forget(pid: number): void {
  stoppers.delete(pid);
}

/** Stops every process still tracked; errors are ignored (the process may be gone already). */
export async function stopAll(): Promise<void> {
  const pending = [...stoppers.values()];
  stoppers.clear();
  await Promise.all(pending.map((stop) => stop().catch(() => {})));
}

/** Pids still tracked (for the leak check at the end of a run). */
export function trackedPids(): number[] {
  return [...stoppers.keys()];
}
