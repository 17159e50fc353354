// --maxSessions across a cluster with Redis: each replica keeps the count of the sessions it holds
// under its own key, written as sessions open and close (never per message) and renewed on its
// heartbeat, so a replica that dies without leaving stops counting once its key expires.
import type { Redis } from 'ioredis';
import type { SessionAdmission } from '../core/gateway.js';
import type { LimitState } from './limitState.js';

/**
 * Sums the live replicas' counts (members of the registry's set, this one's taken from ARGV since it
 * knows its own best) and, below the bound, writes this replica's count with the place taken. One
 * script, so two replicas admitting at once cannot both take the last place.
 * ARGV: prefix, replica id, max, this replica's count with the new place, ttl (ms).
 */
const admitScript = `
local total = tonumber(ARGV[4])
for _, id in ipairs(redis.call('SMEMBERS', ARGV[1] .. 'replicas')) do
  if id ~= ARGV[2] then total = total + tonumber(redis.call('GET', ARGV[1] .. 'sessions:' .. id) or '0') end
end
if total > tonumber(ARGV[3]) then return 0 end
redis.call('SET', ARGV[1] .. 'sessions:' .. ARGV[2], ARGV[4], 'PX', ARGV[5])
return 1
`;

/**
 * The cluster's session admission for one replica. `held` counts the sessions this replica admitted
 * and has not released (over every server and transport); while Redis is away it is the whole count
 * (local fallback, see LimitState).
 */
export class ClusterSessions implements SessionAdmission {
  private held = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly replica: string,
    private readonly prefix: string,
    private readonly state: LimitState,
    /** How long this replica's count outlives its last write (the registry's entry TTL). */
    private readonly ttlMs: number,
  ) {}

  async admit(max: number): Promise<boolean> {
    // The place is taken here first, so that concurrent admissions of this replica each count the others.
    const mine = ++this.held;
    try {
      const admitted = (await this.redis.eval(admitScript, 0, this.prefix, this.replica, max, mine, this.ttlMs)) === 1;
      this.state.reached();
      if (!admitted) this.held--;
      return admitted;
    } catch (error) {
      this.state.failed('session count', error);
      if (mine <= max) return true;
      this.held--;
      return false;
    }
  }

  release(): void {
    this.held = Math.max(0, this.held - 1);
    void this.write();
  }

  /** Renews this replica's count every `heartbeatMs` (the registry's beat), so it lives as long as the replica does. */
  start(heartbeatMs: number): void {
    this.timer = setInterval(() => void this.write(), heartbeatMs);
    this.timer.unref();
  }

  /** Stops renewing and removes this replica's count (it is leaving: its sessions no longer count). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(this.key).catch(() => undefined);
  }

  private get key(): string {
    return `${this.prefix}sessions:${this.replica}`;
  }

  private async write(): Promise<void> {
    try {
      await this.redis.set(this.key, this.held, 'PX', this.ttlMs);
      this.state.reached();
    } catch (error) {
      this.state.failed('session count', error);
    }
  }
}
