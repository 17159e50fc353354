/** How hard to try reaching the remote again. */
export interface BackoffOptions {
  /** Attempts after the first failure before giving up (default 6). */
  readonly attempts: number;
  /** Delay before the first retry, doubled on each next one (default 500 ms). */
  readonly initialDelayMs: number;
  /** The longest wait between two attempts (default 30 s). */
  readonly maxDelayMs: number;
}

/**
 * The wait before retry number `attempt` (0-based): capped exponential growth with full jitter, so
 * that many bridges restarting together do not hit the server in lockstep. A server's SSE `retry:`
 * hint replaces the base delay, and no wait is shorter than it.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, serverRetryMs?: number): number {
  const base = serverRetryMs ?? options.initialDelayMs;
  const ceiling = Math.min(options.maxDelayMs, base * 2 ** attempt);
  // Half fixed, half random: never hammering (at least half the ceiling) yet spread out.
  const jittered = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  return Math.max(jittered, serverRetryMs ?? 0);
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller then checks the signal). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
