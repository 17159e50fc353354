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
 * Keys (under `prefix`, which the cluster secret names, so clusters sharing a Redis never meet):
 * `replica:<id>` holds a replica's URL with a TTL, and the set `replicas` lists the ids, cleaned of
 * expired ones on each beat. Commands fail at once while Redis is away (no offline queue), and the
 * client reconnects by itself.
 */
export class RedisRegistry implements ReplicaRegistry {
  private readonly redis: Redis;
  private view = new Map<string, string>();
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
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.timing.heartbeatMs);
    this.timer.unref();
  }

  async addressOf(replica: string): Promise<string | undefined> {
    const known = this.view.get(replica);
    if (known !== undefined || this.unreachableSince) return known;
    if (Date.now() - this.lastRefresh >= missRefreshMs) await (this.refreshing ??= this.beat().finally(() => (this.refreshing = undefined)));
    return this.view.get(replica);
  }

  status(): RegistryStatus {
    const state = this.unreachableSince ? 'unreachable' : 'ok';
    return { replica: this.replica, registry: 'redis', state, replicas: this.view.size, ...(this.unreachableSince && { since: this.unreachableSince.toISOString() }) };
  }

  async leave(): Promise<void> {
    clearInterval(this.timer);
    this.url = undefined;
    await this.redis.multi().del(this.key(this.replica)).srem(this.setKey, this.replica).exec().catch(() => undefined);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.redis.disconnect();
  }

  private get setKey(): string {
    return `${this.prefix}replicas`;
  }

  private key(replica: string): string {
    return `${this.prefix}replica:${replica}`;
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
      this.view = view;
      this.reachable();
    } catch (error) {
      this.unreachable(error as Error);
    }
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
