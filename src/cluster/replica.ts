// One replica of a cluster, assembled from its settings: its id and signing keys, the registry
// it joins (Redis, the primary of --workers, or none), the routing the HTTP forwarder asks, and
// with Redis the cluster-wide limits (--maxSessions, --rateLimit).
import type { Store } from 'express-rate-limit';
import type { Logger } from '../shared/log.js';
import { LimitState } from './limitState.js';
import type { ClusterConfig } from './options.js';
import { newReplicaId, OwnedIds } from './ownedIds.js';
import { RedisRegistry, redisRegistryDefaults } from './redisRegistry.js';
import { LoneRegistry, type RegistryStatus, type ReplicaRegistry } from './registry.js';
import { SharedRateLimitStore } from './rateLimitStore.js';
import { ClusterSessions } from './sessionCount.js';
import { ClusterRouting } from './routing.js';
import { isWorker, WorkerRegistry } from './workerRegistry.js';

/** A replica's identity, registry and routing. */
export interface Replica {
  readonly ids: OwnedIds;
  readonly registry: ReplicaRegistry;
  readonly routing: ClusterRouting;
  /** True in a worker of --workers: it needs its own loopback listener for peers. */
  readonly isWorker: boolean;
  /** Calls `handler` when the primary of --workers asks this worker to drain. */
  onDrainRequested(handler: () => void): void;
  /** With Redis: --maxSessions counted across the cluster (undefined: each replica counts its own). */
  readonly sessions?: ClusterSessions;
  /** With Redis: a fresh store counting --rateLimit across the cluster, for the one rate limiter of this process (undefined: in memory). */
  rateLimitStore(): Store | undefined;
}

/**
 * The Redis registry together with the cluster-wide limits on its connection: the session count
 * is renewed on the registry's beat from join to leave, and /readyz says where the limits are counted.
 */
class RedisReplicaRegistry implements ReplicaRegistry {
  constructor(
    private readonly registry: RedisRegistry,
    private readonly sessions: ClusterSessions,
    private readonly limits: LimitState,
  ) {}

  async join(url: string): Promise<void> {
    await this.registry.join(url);
    this.sessions.start(redisRegistryDefaults.heartbeatMs);
  }

  addressOf(replica: string): Promise<string | undefined> {
    return this.registry.addressOf(replica);
  }

  status(): RegistryStatus {
    const status = this.registry.status();
    return { ...status, limits: status.state === 'unreachable' ? 'local' : this.limits.counted };
  }

  async leave(): Promise<void> {
    await Promise.all([this.registry.leave(), this.sessions.stop()]);
  }

  close(): Promise<void> {
    return this.registry.close();
  }
}

/** Makes this process's replica: a fresh random id, the registry its settings name, and `forwarded` counting what it forwards. */
export function createReplica(config: ClusterConfig, log: Logger, forwarded: () => void): Replica {
  const ids = new OwnedIds(newReplicaId(), config.secret);
  const worker = isWorker() && config.redisUrl === undefined ? new WorkerRegistry(ids.replicaId) : undefined;
  const redis = config.redisUrl !== undefined ? new RedisRegistry(config.redisUrl, ids.replicaId, ids.registryPrefix, log) : undefined;
  const limits = new LimitState(log);
  const sessions = redis && new ClusterSessions(redis.client, ids.replicaId, ids.registryPrefix, limits, redisRegistryDefaults.ttlMs);
  const registry: ReplicaRegistry = redis ? new RedisReplicaRegistry(redis, sessions!, limits) : (worker ?? new LoneRegistry(ids.replicaId));
  // With Redis, a worker still hears the primary's drain request through its own channel.
  const drainChannel = worker ?? (isWorker() ? new WorkerRegistry(ids.replicaId) : undefined);
  return {
    ids,
    registry,
    routing: new ClusterRouting(ids, registry, forwarded),
    isWorker: isWorker(),
    onDrainRequested: (handler) => {
      if (drainChannel) drainChannel.ondrain = handler;
    },
    ...(sessions && { sessions }),
    rateLimitStore: () => redis && new SharedRateLimitStore(redis.client, ids.registryPrefix, limits),
  };
}
