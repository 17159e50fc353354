// One replica of a cluster, assembled from its settings: its id and signing keys, the registry
// it joins (Redis, the primary of --workers, or none), and the routing the HTTP forwarder asks.
import type { Logger } from '../shared/log.js';
import type { ClusterConfig } from './options.js';
import { newReplicaId, OwnedIds } from './ownedIds.js';
import { RedisRegistry } from './redisRegistry.js';
import { LoneRegistry, type ReplicaRegistry } from './registry.js';
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
}

/** Makes this process's replica: a fresh random id, the registry its settings name, and `forwarded` counting what it forwards. */
export function createReplica(config: ClusterConfig, log: Logger, forwarded: () => void): Replica {
  const ids = new OwnedIds(newReplicaId(), config.secret);
  const worker = isWorker() && config.redisUrl === undefined ? new WorkerRegistry(ids.replicaId) : undefined;
  const registry: ReplicaRegistry =
    config.redisUrl !== undefined ? new RedisRegistry(config.redisUrl, ids.replicaId, ids.registryPrefix, log) : (worker ?? new LoneRegistry(ids.replicaId));
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
  };
}
