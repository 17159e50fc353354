/**
 * Replicas of a scale-out cluster for tests (mcp-bridge processes sharing a secret, each on its own
 * port), the 2026-07-28 calls whose input_required retries the tests send to other replicas, and
 * the cluster's view from /readyz and /metrics.
 */
import assert from 'node:assert/strict';
import { startBridge, type RunningBridge } from './bridge.js';
import { messagesOf, post } from './http.js';
import { scrape } from './metrics.js';
import { startNginx, startRedis, type Started } from './clusterInfra.js';
import { fixtureCommand } from './paths.js';
import { waitFor } from './wait.js';

/** The secret the test replicas share. */
export const clusterSecret = 'test-cluster-secret-0123456789';

/** Starts `count` replicas of a fixture server (default the test server), all with `args` (e.g. --redis URL) and the shared secret. */
export async function startReplicas(count: number, args: string[], fixture = 'test-server'): Promise<RunningBridge[]> {
  return Promise.all(Array.from({ length: count }, () => startBridge(['--clusterSecret', clusterSecret, ...args, '--stdio', fixtureCommand(fixture)])));
}

/** How a cluster's replicas are started: `count` of them, each with `args` added (default startReplicas). */
export type StartReplicas = (count: number, args: string[]) => Promise<RunningBridge[]>;

/** Starts `count` gateway-mode replicas, all reading the config file `configPath`, with `args` and the shared secret. */
export async function startGatewayReplicas(count: number, configPath: string, args: string[]): Promise<RunningBridge[]> {
  return Promise.all(Array.from({ length: count }, () => startBridge(['--clusterSecret', clusterSecret, ...args, '--config', configPath])));
}

/** Stops every replica still running and checks that none left a process behind. */
export async function stopReplicas(replicas: readonly RunningBridge[]): Promise<void> {
  for (const replica of replicas) await replica.stop();
  for (const replica of replicas) assert.deepEqual(replica.children(), [], 'a replica left processes behind');
}

/** What /readyz says about the cluster. */
export interface ClusterReadiness {
  status: string;
  sessions: number;
  cluster?: { replica: string; registry: string; state: string; replicas: number; since?: string; limits?: string };
}

/** GET /readyz of one replica, with a fresh connection (so that a shared port's workers take turns). */
export async function readiness(url: string): Promise<{ status: number; body: ClusterReadiness }> {
  const response = await fetch(`${url}/readyz`, { headers: { connection: 'close' } });
  return { status: response.status, body: (await response.json()) as ClusterReadiness };
}

/** The sum of `mcp_bridge_forwarded_total` over these replicas. */
export async function forwardedTotal(urls: readonly string[]): Promise<number> {
  const scrapes = await Promise.all(urls.map((url) => scrape(url)));
  return scrapes.reduce((sum, metrics) => sum + metrics.value('mcp_bridge_forwarded_total'), 0);
}

const MODERN = '2026-07-28';

/** The 2026-07-28 `_meta` envelope of a client that can answer elicitations. */
export function modernEnvelope(name: string): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': MODERN,
    'io.modelcontextprotocol/clientInfo': { name, version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
  };
}

/** A 2026-07-28 tools/call POSTed to `url`/mcp (`signal` may abort it); returns the HTTP status and the answer with `id`. */
export async function modernCall(url: string, id: number | string, tool: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<{ status: number; answer: Record<string, unknown> }> {
  const body = { jsonrpc: '2.0', id, method: 'tools/call', params: { name: tool, ...params } };
  const response = await post(`${url}/mcp`, body, { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': tool }, signal);
  const answer = (await messagesOf(response)).find((message) => message.id === id);
  assert.ok(answer, `no answer with id ${JSON.stringify(id)} (HTTP ${response.status})`);
  return { status: response.status, answer };
}

/** An input_required result's parts: the keys it asks for and its requestState. */
export function inputRequired(answer: Record<string, unknown>): { keys: string[]; requestState: string } {
  const result = answer.result as { resultType?: string; inputRequests?: Record<string, unknown>; requestState?: string } | undefined;
  assert.ok(result?.inputRequests && result.requestState, `not an input_required result: ${JSON.stringify(answer)}`);
  return { keys: Object.keys(result.inputRequests), requestState: result.requestState };
}

/** The retry's params answering every key of an elicitation with `answer`. */
export function elicitRetry(args: Record<string, unknown>, envelope: Record<string, unknown>, keys: string[], requestState: string, answer: string): Record<string, unknown> {
  const inputResponses = Object.fromEntries(keys.map((key) => [key, { action: 'accept', content: { answer } }]));
  return { arguments: args, _meta: envelope, inputResponses, requestState };
}

/** Waits until every one of `replicas` sees `count` replicas (default: all of them) in the registry. */
export async function waitRegistered(replicas: readonly RunningBridge[], count = replicas.length): Promise<void> {
  for (const replica of replicas) await waitFor(async () => (await readiness(replica.url)).body.cluster?.replicas === count, { what: `${count} replicas registered` });
}

/** Replicas sharing a Redis registry: what most scale-out tests run against. */
export interface RedisCluster {
  readonly redis: Started;
  readonly replicas: RunningBridge[];
  /** Stops the replicas (checking none left a process behind) and Redis. */
  stop(): Promise<void>;
}

/** Starts Redis and `count` replicas (the test server's by default) registered there (with `args` added), once all are registered. */
export async function startRedisCluster(count: number, args: string[] = [], start: StartReplicas = startReplicas): Promise<RedisCluster> {
  const redis = await startRedis();
  const replicas = await start(count, ['--redis', `redis://127.0.0.1:${redis.port}`, ...args]);
  await waitRegistered(replicas);
  const stop = async (): Promise<void> => {
    await stopReplicas(replicas);
    await redis.stop();
  };
  return { redis, replicas, stop };
}

/** Three replicas sharing a Redis registry, behind nginx round-robin. */
export interface NginxCluster extends RedisCluster {
  readonly nginx: Started & { url: string };
  /** Stops nginx, the replicas (checking none left a process behind) and Redis. */
  stop(): Promise<void>;
}

/** Starts Redis, three replicas (the test server's by default) registered there (with `args` added) and nginx in front, once all three are registered. */
export async function startNginxCluster(args: string[] = [], start: StartReplicas = startReplicas): Promise<NginxCluster> {
  const cluster = await startRedisCluster(3, args, start);
  const nginx = await startNginx(cluster.replicas.map((replica) => Number(new URL(replica.url).port)));
  const stop = async (): Promise<void> => {
    await nginx.stop();
    await cluster.stop();
  };
  return { ...cluster, nginx, stop };
}
