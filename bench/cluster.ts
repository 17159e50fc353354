/**
 * The scale-out columns' launchers: `--workers 2` (one primary, two workers sharing the port) and
 * three replicas sharing a Redis registry behind nginx round-robin, each an mcp-bridge of the bench
 * server (forward mode, per-session). Redis and nginx are Debian's, started and stopped by pid like
 * the tests' (test/helpers/clusterInfra.ts).
 */
import { startNginx, startRedis, type Started } from '../test/helpers/clusterInfra.js';
import { forget, track } from './cleanup.js';
import { forwardArgs, startListening, type RunningGateway } from './gateway.js';

/** The secret the benchmark's replicas share. */
const benchSecret = 'bench-cluster-secret-0123456789';

/** Replicas of the 'http replicas' column. */
export const replicaCount = 3;

/** `--workers 2`: measured as the primary's process tree (both workers and their servers). */
export function startWorkers(cli: string): Promise<RunningGateway> {
  return startListening('gateway --workers 2', [...forwardArgs(cli), '--port', '0', '--workers', '2']);
}

/** Tracks a server of the infrastructure (Redis, nginx) for the end-of-run cleanup. */
function tracked<T extends Started>(server: T): T {
  track(server.pid, () => server.stop());
  return server;
}

/** Polls /readyz of `url` until its registry knows every replica (bounded: 15 s). */
async function registered(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const body = (await (await fetch(`${url}/readyz`)).json()) as { cluster?: { replicas?: number } };
    if (body.cluster?.replicas === replicaCount) return;
    if (Date.now() > deadline) throw new Error(`replica ${url} did not see ${replicaCount} replicas within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Redis, three replicas and nginx in front: the URL is nginx's; the pid (whose process tree the
 * memory and CPU figures read) is the first replica's, so those figures are one replica's of three.
 */
export async function startReplicas(cli: string): Promise<RunningGateway> {
  const started: Array<{ stop(): Promise<void>; pid: number }> = [];
  const stopAllStarted = async (): Promise<void> => {
    for (const server of started.reverse()) {
      await server.stop().catch(() => undefined);
      forget(server.pid);
    }
  };
  try {
    const redis = tracked(await startRedis());
    started.push(redis);
    const args = [...forwardArgs(cli), '--port', '0', '--clusterSecret', benchSecret, '--redis', `redis://127.0.0.1:${redis.port}`];
    const replicas = await Promise.all(Array.from({ length: replicaCount }, () => startListening('replica', args)));
    started.push(...replicas);
    for (const replica of replicas) await registered(replica.url);
    const nginx = tracked(await startNginx(replicas.map((replica) => Number(new URL(replica.url).port))));
    started.push(nginx);
    return { url: nginx.url, pid: replicas[0]!.pid, stop: stopAllStarted };
  } catch (error) {
    await stopAllStarted();
    throw error;
  }
}
