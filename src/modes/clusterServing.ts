// What forward and gateway modes share in a cluster (scale-out): this process's replica, the served
// settings that make session ids and requestStates name it, and joining the registry at the address
// peers reach it at once the app listens.
import type { ClusterConfig } from '../cluster/options.js';
import type { Replica } from '../cluster/replica.js';
import { listen, type Listening } from '../http/server.js';
import type { ServedServerConfig } from '../servers/served.js';
import type { Logger } from '../shared/log.js';

/** In a cluster: this process's replica, counting what it forwards through `forwarded` (the metrics, once they exist). */
export async function replicaFor(cluster: ClusterConfig | undefined, log: Logger, forwarded: () => void): Promise<Replica | undefined> {
  if (!cluster) return undefined;
  const { createReplica } = await import('../cluster/replica.js');
  return createReplica(cluster, log, forwarded);
}

/**
 * A served server's settings in a cluster: session ids minted by the replica (owner-carrying,
 * signed), requestStates signed with the cluster's key naming it, and with Redis --maxSessions
 * counted across the cluster; `config` as it is without one.
 */
export function clusteredServing<T extends ServedServerConfig>(config: T, replica: Replica | undefined): T {
  if (!replica) return config;
  const signing = { key: replica.ids.requestStateKey, owner: replica.ids.replicaId };
  return { ...config, continuations: { ...config.continuations, signing }, newSessionId: () => replica.ids.mint(), ...(replica.sessions && { admission: replica.sessions }) };
}

/**
 * The URL peers forward to: --advertiseUrl, else the listener's. A worker is reached on its own
 * port: at --advertiseUrl's host with that port when one is given (workers of several machines
 * sharing Redis), else on its own listener's address.
 */
function advertised(given: string | undefined, listening: string, own: string | undefined): string {
  if (own === undefined) return given ?? listening;
  if (given === undefined) return own;
  const url = new URL(given);
  url.port = new URL(own).port;
  return url.origin;
}

/**
 * Registers the replica once `app` listens (`listening`). A worker of --workers shares the public
 * port with its siblings, so it first opens a loopback listener of its own for peers; the result is
 * that listener (undefined otherwise), for the caller to close.
 */
export async function joinCluster(replica: Replica, cluster: ClusterConfig, app: Parameters<typeof listen>[0], host: string, listening: Listening): Promise<Listening | undefined> {
  const own = replica.isWorker ? await listen(app, host, 0, { exclusive: true }) : undefined;
  await replica.registry.join(advertised(cluster.advertiseUrl, listening.url, own?.url));
  return own;
}
