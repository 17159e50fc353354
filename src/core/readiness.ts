import type { ChildObserver } from './observers.js';

/** Options for StartReadiness. */
export interface StartReadinessOptions {
  /** Consecutive failed starts that make the bridge unready (default 3). */
  failureThreshold?: number;
  /**
   * How long after the latest failure the bridge stays unready (default 30 s). Afterwards it
   * reports ready again so that a load balancer sends the one session that tests whether the
   * server starts now; a further failure makes it unready at once, a success clears the count.
   */
  coolDownMs?: number;
}

/**
 * Whether MCP servers can be started: fed the child events, it turns unready after
 * `failureThreshold` consecutive failed starts (a broken command, a server that dies at once).
 */
export class StartReadiness implements Pick<ChildObserver, 'firstMessage' | 'startFailed'> {
  private failures = 0;
  private lastFailureAt = 0;
  private lastFailure = '';
  private readonly failureThreshold: number;
  private readonly coolDownMs: number;

  constructor({ failureThreshold = 3, coolDownMs = 30_000 }: StartReadinessOptions = {}) {
    this.failureThreshold = failureThreshold;
    this.coolDownMs = coolDownMs;
  }

  firstMessage(): void {
    this.failures = 0;
  }

  startFailed(detail: string): void {
    this.failures++;
    this.lastFailureAt = Date.now();
    this.lastFailure = detail;
  }

  /** Undefined when ready; otherwise why not, for the /readyz answer. */
  get notReadyReason(): string | undefined {
    if (this.failures < this.failureThreshold || Date.now() - this.lastFailureAt > this.coolDownMs) return undefined;
    return `the MCP server failed to start ${this.failures} times in a row; last: ${this.lastFailure}`;
  }
}
