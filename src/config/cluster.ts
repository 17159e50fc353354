// The scale-out flags (--clusterSecret, --clusterSecretFile, --advertiseUrl, --redis, --workers)
// into ClusterConfig, or undefined when none asks for a cluster.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { minSecretLength, type ClusterConfig } from '../cluster/options.js';
import type { RawOptions } from './flags.js';
import { invalidConfig } from './units.js';

/** `--workers`: a whole number of at least 1, or `auto` (one per CPU). */
function workerCount(value: string): number {
  if (value.trim() === 'auto') return availableParallelism();
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) invalidConfig('--workers must be a whole number of at least 1, or auto');
  return count;
}

function secretFrom(raw: RawOptions, env: NodeJS.ProcessEnv): string | undefined {
  if (raw.clusterSecret !== undefined && raw.clusterSecretFile !== undefined) invalidConfig('give either --clusterSecret or --clusterSecretFile, not both');
  let secret = raw.clusterSecret;
  if (raw.clusterSecretFile !== undefined) {
    try {
      secret = readFileSync(raw.clusterSecretFile, 'utf8').trim();
    } catch (error) {
      invalidConfig(`cannot read --clusterSecretFile ${raw.clusterSecretFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  secret ??= env.MCP_BRIDGE_CLUSTER_SECRET || undefined;
  if (secret !== undefined && secret.length < minSecretLength) invalidConfig(`the cluster secret must be at least ${minSecretLength} characters`);
  return secret;
}

/** True when any scale-out flag is given (they serve forward and gateway modes). */
export function wantsCluster(raw: RawOptions): boolean {
  return [raw.clusterSecret, raw.clusterSecretFile, raw.advertiseUrl, raw.redis, raw.workers].some((value) => value !== undefined);
}

/**
 * The cluster settings, or undefined for a single process (no secret and one worker). With
 * `--workers` above 1 and no secret, a random one is made: the primary hands it to its workers
 * through `$MCP_BRIDGE_CLUSTER_SECRET`. `--redis` and `--advertiseUrl` need a secret given.
 */
export function clusterConfig(raw: RawOptions, env: NodeJS.ProcessEnv): ClusterConfig | undefined {
  const workers = workerCount(raw.workers ?? '1');
  const given = secretFrom(raw, env);
  if (given === undefined && (raw.redis !== undefined || raw.advertiseUrl !== undefined)) {
    invalidConfig('--redis and --advertiseUrl need the cluster secret every replica shares: --clusterSecret, --clusterSecretFile or $MCP_BRIDGE_CLUSTER_SECRET');
  }
  if (given === undefined && workers === 1) return undefined;
  if (raw.advertiseUrl !== undefined && !/^https?:\/\//.test(raw.advertiseUrl)) invalidConfig('--advertiseUrl must be an http:// or https:// URL');
  if (raw.redis !== undefined && !/^rediss?:\/\//.test(raw.redis)) invalidConfig('--redis must be a redis:// or rediss:// URL');
  return {
    secret: given ?? randomBytes(32).toString('base64url'),
    advertiseUrl: raw.advertiseUrl?.replace(/\/+$/, ''),
    redisUrl: raw.redis,
    workers,
  };
}
