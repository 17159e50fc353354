// Per-request deadlines for `--requestTimeout`, kept by the relay for the requests it has in
// flight.
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';

/**
 * One deadline per request in flight, for `--requestTimeout`: a request that reaches its deadline
 * is given up on, and progress on it pushes the deadline back. A timeout of 0 (the default) arms nothing.
 */
export class Deadlines {
  // Made on the first deadline: most relays run without --requestTimeout, and an idle session holds none.
  private timers: Map<RequestId, NodeJS.Timeout> | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly onExpire: (id: RequestId) => void,
  ) {}

  /** Starts (or restarts, on progress) the deadline of `id`. */
  arm(id: RequestId): void {
    if (this.timeoutMs <= 0) return;
    this.clear(id);
    const timer = setTimeout(() => {
      this.timers?.delete(id);
      this.onExpire(id);
    }, this.timeoutMs);
    timer.unref();
    (this.timers ??= new Map()).set(id, timer);
  }

  clear(id: RequestId): void {
    if (!this.timers) return;
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  clearAll(): void {
    if (!this.timers) return;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
