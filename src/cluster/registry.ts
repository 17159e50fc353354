// The replica registry's contract (which replicas are alive, and where peers reach them), and the
// registry of a replica alone: a cluster secret without --redis or --workers.

/** What /readyz says about the cluster (its `cluster` field). */
export interface RegistryStatus {
  /** This replica's id. */
  readonly replica: string;
  /** Where the registry lives: `redis`, `workers` (the primary of --workers) or `none` (this replica alone). */
  readonly registry: 'redis' | 'workers' | 'none';
  /** `ok`, or `unreachable` while the replicas serve with the registry they last saw. */
  readonly state: 'ok' | 'unreachable';
  /** Live replicas known, this one included. */
  readonly replicas: number;
  /** Since when the registry is unreachable (ISO time). */
  readonly since?: string;
  /** With Redis: where --maxSessions and --rateLimit are counted, `cluster` or (while Redis is away) `local`. */
  readonly limits?: 'cluster' | 'local';
}

/**
 * The live replicas of a cluster, by replica id: each registers the URL peers reach it at, and the
 * view is kept in memory so that no message waits on the registry. A lookup that misses may ask
 * the registry again (at most once a second), since a replica that just started may not be known yet.
 */
export interface ReplicaRegistry {
  /** Registers this replica at `url` and takes a first view. */
  join(url: string): Promise<void>;
  /** The URL of a live replica, or undefined when it is not (or no longer) registered. */
  addressOf(replica: string): Promise<string | undefined>;
  status(): RegistryStatus;
  /** Leaves the registry (draining): peers stop sending this replica anything. */
  leave(): Promise<void>;
  /** Stops heartbeats and closes connections. */
  close(): Promise<void>;
}

/** The registry of a replica alone: only itself is alive (ids of any other replica get 404). */
export class LoneRegistry implements ReplicaRegistry {
  private url: string | undefined;

  constructor(private readonly replica: string) {}

  async join(url: string): Promise<void> {
    this.url = url;
  }

  async addressOf(replica: string): Promise<string | undefined> {
    return replica === this.replica ? this.url : undefined;
  }

  status(): RegistryStatus {
    return { replica: this.replica, registry: 'none', state: 'ok', replicas: 1 };
  }

  async leave(): Promise<void> {
    this.url = undefined;
  }

  async close(): Promise<void> {}
}
