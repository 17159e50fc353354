// Start-up readiness for `/readyz`: ready after the server's first message, failing at once when
// its command cannot be run.
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
  private cannotSpawn = false;
  private readonly failureThreshold: number;
  private readonly coolDownMs: number;

  constructor({ failureThreshold = 3, coolDownMs = 30_000 }: StartReadinessOptions = {}) {
    this.failureThreshold = failureThreshold;
    this.coolDownMs = coolDownMs;
  }

  firstMessage(): void {
    this.failures = 0;
    this.cannotSpawn = false;
  }

  /** A command that cannot be spawned at all makes the bridge unready at once; other failed starts count toward the threshold. */
  startFailed(detail: string, cannotSpawn = false): void {
    this.failures++;
    this.cannotSpawn = cannotSpawn;
    this.lastFailureAt = Date.now();
    this.lastFailure = detail;
  }

  /** Undefined when ready; otherwise why not, for the /readyz answer. */
  get notReadyReason(): string | undefined {
    if ((this.failures < this.failureThreshold && !this.cannotSpawn) || Date.now() - this.lastFailureAt > this.coolDownMs) return undefined;
    if (this.cannotSpawn) return `the MCP server command cannot be run: ${this.lastFailure}`;
    return `the MCP server failed to start ${this.failures} times in a row; last: ${this.lastFailure}`;
  }
}
