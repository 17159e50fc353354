// What a replica of a cluster is configured with: the shared secret, the address peers reach it
// at, the registry (Redis or the primary of --workers) and how many workers run on this machine.

/** The cluster settings of a forward bridge; absent (undefined) means a single process, as without any of these flags. */
export interface ClusterConfig {
  /** Signs session ids and requestStates; every replica of one cluster shares it (at least 16 characters). */
  readonly secret: string;
  /** The URL peers forward to (default: http://HOST:PORT of the listener; with --workers each worker's own loopback listener). */
  readonly advertiseUrl: string | undefined;
  /** The Redis registry's URL (redis://…); undefined: the primary of --workers keeps it, or this replica alone. */
  readonly redisUrl: string | undefined;
  /** Replicas on this machine sharing the port (default 1). */
  readonly workers: number;
}

/** The shortest cluster secret accepted (a short one could be guessed offline from one signed id). */
export const minSecretLength = 16;
