// Whether the cluster-wide limits (--maxSessions, --rateLimit with --redis) are counted in Redis
// right now or, while it cannot be reached, locally on each replica: said once per change in the
// log, and in /readyz's `cluster.limits`.
import type { Logger } from '../shared/log.js';

/** Where the limits are counted: `cluster` (in Redis) or `local` (this replica alone, while Redis is away). */
export type LimitsCounted = 'cluster' | 'local';

/** Tracks where the limits are counted from what their last Redis commands did. */
export class LimitState {
  private failing = false;

  constructor(private readonly log: Logger) {}

  /** Where the limits are counted now. */
  get counted(): LimitsCounted {
    return this.failing ? 'local' : 'cluster';
  }

  /** A Redis command of a limit succeeded. */
  reached(): void {
    if (!this.failing) return;
    this.failing = false;
    this.log.info('Redis is reachable again: --maxSessions and --rateLimit are counted across the cluster');
  }

  /** A Redis command of a limit (`what`) failed: counted locally until one succeeds again. */
  failed(what: string, error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.log.warn(`Redis cannot be reached: counting --maxSessions and --rateLimit locally on this replica until it is back (${what})`, { error: (error as Error).message });
  }
}
