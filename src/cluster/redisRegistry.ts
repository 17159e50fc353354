// The replica registry in Redis (--redis): each replica keeps a key with its URL alive by a
// heartbeat, and reads every live one back on the same beat. Messages never touch Redis; when it
// cannot be reached, replicas serve with the view they last had and say so.
import { Redis } from 'ioredis';
import type { Logger } from '../shared/log.js';
import type { RegistryStatus, ReplicaRegistry } from './registry.js';

/** Heartbeat and expiry of a replica's entry. */
export interface RedisRegistryTiming {
  /** How often a replica renews its entry and reads the others (default 1 s). */
  heartbeatMs: number;
  /** How long an entry outlives its last heartbeat (default 5 s): a replica killed without leaving is gone after this. */
  ttlMs: number;
}

/** The defaults: a heartbeat each second, entries expiring after 5 s. */
export const redisRegistryDefaults: RedisRegistryTiming = { heartbeatMs: 1000, ttlMs: 5000 };

/** A miss asks Redis again at most this often. */
const missRefreshMs = 500;

/**
 * How long a replica whose entry expired without its leaving is still given its last address (30 s). An entry also
 * expires when a live replica's heartbeat is late (its event loop lagging for seconds under load), and its sessions
 * must not be answered 404 for that; a replica that is really gone refuses the connection, and is taken for gone.
 */
const lapsedGraceMs = 30_000;

/** How long the mark of a replica that left (drained) is kept, so peers do not take it for lapsed (60 s). */
const leftMarkMs = 60_000;

/**
 * Keys (under `prefix`, which the cluster secret names, so clusters sharing a Redis never meet):
 * `replica:<id>` holds a replica's URL with a TTL, and the set `replicas` lists the ids, cleaned of
 * expired ones on each beat. Commands fail at once while Redis is away (no offline queue), and the
 * client reconnects by itself.
 */
export class RedisRegistry implements ReplicaRegistry {
  private readonly redis: Redis;
  private view = new Map<string, string>();
  // Replicas whose entries expired although they never left: their last address, and since when.
  private readonly lapsed = new Map<string, { url: string; since: number }>();
  private url: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unreachableSince: Date | undefined;
  private lastRefresh = 0;
  private refreshing: Promise<void> | undefined;

  constructor(
    redisUrl: string,
    private readonly replica: string,
    private readonly prefix: string,
    private readonly log: Logger,
    private readonly timing: RedisRegistryTiming = redisRegistryDefaults,
  ) {
    this.redis = new Redis(redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 1000),
    });
    // Connection errors are reported through the heartbeat's state, once per outage.
    this.redis.on('error', () => undefined);
  }

  /** The connection to Redis, which the cluster-wide limits share (commands fail at once while Redis is away). */
  get client(): Redis {
    return this.redis;
  }

  async join(url: string): Promise<void> {
    this.url = url;
    this.view.set(this.replica, url);
    await this.redis.connect().catch(() => undefined);
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.timing.heartbeatMs);
    this.timer.unref();
  }

  async addressOf(replica: string): Promise<string | undefined> {
    const known = this.view.get(replica);
    if (known !== undefined || this.unreachableSince) return known ?? this.lapsedAddressOf(replica);
    if (Date.now() - this.lastRefresh >= missRefreshMs) await this.refresh();
    return this.view.get(replica) ?? this.lapsedAddressOf(replica);
  }

  /** The last address of a replica whose entry expired within the grace, without its leaving. */
  private lapsedAddressOf(replica: string): string | undefined {
    const lapsed = this.lapsed.get(replica);
    if (lapsed === undefined || Date.now() - lapsed.since <= lapsedGraceMs) return lapsed?.url;
    this.lapsed.delete(replica);
    return undefined;
  }

  status(): RegistryStatus {
    const state = this.unreachableSince ? 'unreachable' : 'ok';
    return { replica: this.replica, registry: 'redis', state, replicas: this.view.size, ...(this.unreachableSince && { since: this.unreachableSince.toISOString() }) };
  }

  async leave(): Promise<void> {
    clearInterval(this.timer);
    this.url = undefined;
    const leftMark = this.key(this.replica, 'left');
    await this.redis.multi().del(this.key(this.replica)).srem(this.setKey, this.replica).set(leftMark, '1', 'PX', leftMarkMs).exec().catch(() => undefined);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.redis.disconnect();
  }

  private get setKey(): string {
    return `${this.prefix}replicas`;
  }

  private key(replica: string, kind: 'replica' | 'left' = 'replica'): string {
    return `${this.prefix}${kind}:${replica}`;
  }

  /**
   * One beat at a time: a beat slower than the interval (Redis or this replica lagging) is joined,
   * not overlapped, since two beats finishing out of order could leave a lapsed replica out of both
   * the view and the lapsed list for a moment, and its sessions answered "gone".
   */
  private refresh(): Promise<void> {
    return (this.refreshing ??= this.beat().finally(() => (this.refreshing = undefined)));
  }

  /** Renews this replica's entry (unless it left) and reads every live one. */
  private async beat(): Promise<void> {
    this.lastRefresh = Date.now();
    try {
      const multi = this.redis.multi();
      if (this.url !== undefined) multi.set(this.key(this.replica), this.url, 'PX', this.timing.ttlMs).sadd(this.setKey, this.replica);
      const replies = await multi.smembers(this.setKey).exec();
      const members = (replies?.at(-1)?.[1] ?? []) as string[];
      const urls = members.length > 0 ? await this.redis.mget(members.map((id) => this.key(id))) : [];
      const view = new Map<string, string>();
      const expired: string[] = [];
      members.forEach((id, i) => (urls[i] ? view.set(id, urls[i]!) : expired.push(id)));
      if (expired.length > 0) await this.redis.srem(this.setKey, ...expired);
      if (this.url !== undefined) view.set(this.replica, this.url);
      await this.noteLapsed(view);
      this.view = view;
      this.reachable();
    } catch (error) {
      this.unreachable(error as Error);
    }
  }

  /** Remembers the replicas that dropped out of the view without leaving (no mark), and forgets those back in it. */
  private async noteLapsed(view: ReadonlyMap<string, string>): Promise<void> {
    const dropped = [...this.view].filter(([id]) => !view.has(id) && id !== this.replica);
    const marks = dropped.length === 0 ? [] : await this.redis.mget(dropped.map(([id]) => this.key(id, 'left')));
    // Applied after the wait, together with the new view: nothing is forgotten before its replacement is known.
    const since = Date.now();
    dropped.forEach(([id, url], i) => marks[i] === null && this.lapsed.set(id, { url, since }));
    for (const id of view.keys()) this.lapsed.delete(id);
  }

  private reachable(): void {
    if (!this.unreachableSince) return;
    this.unreachableSince = undefined;
    this.log.info('the replica registry (Redis) is reachable again', { replicas: this.view.size });
  }

  private unreachable(error: Error): void {
    if (this.unreachableSince) return;
    this.unreachableSince = new Date();
    this.log.warn('the replica registry (Redis) cannot be reached; serving with the replicas last seen', { replicas: this.view.size, error: error.message });
  }
}
