// Forward mode: one stdio MCP server served over HTTP at the root (legacy SSE, Streamable HTTP and
// modern requests on one port), with its metrics and probes. Composes servers/served.ts with the HTTP
// app, and in a cluster (scale-out) with this replica's registry and the forwarder to its peers.
import type { Replica } from '../cluster/replica.js';
import type { ForwardConfig } from '../config/index.js';
import type { Gateway } from '../core/gateway.js';
import { listen } from '../http/server.js';
import type { BridgeMetrics } from '../metrics/metrics.js';
import { closeServerChildren, loadEndpointModules, serveServer, startServerChildren, type ServedServer, type ServedServerConfig, type ServerChildren } from '../servers/served.js';
import type { Logger } from '../shared/log.js';
import { clusteredServing, joinCluster, replicaFor } from './clusterServing.js';
import { resolveCommand } from '../upstream/child/executable.js';
import type { ChildCommand, ChildUpstreamConfig } from '../upstream/child/options.js';

/** A running forward bridge. */
export interface Bridge {
  url: string;
  sseUrl: string;
  streamableHttpUrl: string;
  gateway: Gateway;
  metrics: BridgeMetrics;
  /** Stops accepting, closes every session and child, then the HTTP server (in a cluster: leaves the registry and drains first). */
  close(): Promise<void>;
  /** Calls `handler` when the primary of --workers asks this worker to drain (never outside a worker). */
  onDrainRequested(handler: () => void): void;
}

/** In a cluster, how long a draining replica lets requests in flight finish before closing its sessions (5 s, within the CLI's 10 s deadline). */
export const drainGraceMs = 5000;

/** Why a stdio server's command cannot be run, or undefined when it resolves to an executable (see resolveCommand). */
export function commandProblem(child: ChildCommand): string | undefined {
  if (resolveCommand(child) !== undefined) return undefined;
  const where = child.command.includes('/') ? `(from ${child.cwd ?? process.cwd()})` : 'on PATH';
  return `the MCP server command "${child.command}" was not found ${where}, or is not executable`;
}

/** The forward config as one served server's settings; in a cluster, session ids and requestStates name this replica. */
function servedConfig(config: ForwardConfig, replica: Replica | undefined): ServedServerConfig & ChildUpstreamConfig {
  const { child, children, sessions, continuations, http, security } = config;
  const served = { child, children, sessions, continuations, keepaliveMs: http.keepaliveMs, jsonResponse: http.jsonResponse, maxBodyBytes: http.maxBodyBytes, maxSessions: security.maxSessions };
  return clusteredServing(served, replica);
}

/** The bridge's metrics; `served` gives the server they sample, which exists only once the metrics do (it observes through them). */
async function bridgeMetrics(config: ForwardConfig, children: ServerChildren, served: () => ServedServer): Promise<BridgeMetrics> {
  const { BridgeMetrics } = await import('../metrics/metrics.js');
  const metrics: BridgeMetrics = new BridgeMetrics({
    servers: () => [{ sessions: (kind) => served().sessions(kind), childPids: () => children.liveChildren }],
    ready: () => served().gateway.isAccepting && children.readiness.notReadyReason === undefined,
    ...(config.children.sessionMode === 'shared' && { childLoads: () => children.upstreams.childLoads?.() ?? [] }),
  });
  children.metricsObserver.attach(metrics);
  return metrics;
}

/** Phase two, while the children start: loads prom-client, the SDK and express, builds the server's endpoints and the app, and listens. */
async function serve(config: ForwardConfig, log: Logger, children: ServerChildren, replica: Replica | undefined): Promise<Bridge> {
  const { http } = config;
  const [modules, { createApp }, { hotPathFirst }] = await Promise.all([loadEndpointModules(), import('../http/app.js'), import('../http/hotPath.js')]);
  // Sampled at scrape time only, once the server below exists.
  const metrics = await bridgeMetrics(config, children, () => server);
  const server = serveServer(children, modules, `${http.baseUrl ?? ''}${http.messagePath}`, metrics, log);
  const status = {
    get accepting() {
      return server.gateway.isAccepting;
    },
    get notReadyReason() {
      return children.readiness.notReadyReason;
    },
    get sessions() {
      return server.gateway.sessions.size;
    },
    get cluster() {
      return replica && { ...replica.registry.status() };
    },
  };
  const forwarder = replica && new (await import('../http/forwarding.js')).PeerForwarder(replica.routing, log);
  const routes = { ssePath: http.ssePath, messagePath: http.messagePath, streamableHttpPath: http.streamableHttpPath, sse: server.sse, streamableHttp: server.streamableHttp, modern: server.modern };
  const parts = { config: http, security: config.security, servers: [routes], status, log, metrics, forwarder, rateLimitStore: replica?.rateLimitStore() };
  const app = await createApp(parts);
  const listening = await listen(hotPathFirst(app, parts), http.host, http.port);
  const own = replica && (await joinCluster(replica, config.cluster!, app, http.host, listening));
  let closing: Promise<void> | undefined;
  return {
    url: listening.url,
    sseUrl: `${listening.url}${http.ssePath}`,
    streamableHttpUrl: `${listening.url}${http.streamableHttpPath}`,
    gateway: server.gateway,
    metrics,
    close: () =>
      (closing ??= (async () => {
        if (replica) {
          // Peers stop sending this replica anything, and /readyz turns 503 (not accepting), before anything else.
          await replica.registry.leave();
          // Its own sessions drain while what it forwards to peers finishes (new forwards are refused 503).
          await Promise.all([server.drain(drainGraceMs), forwarder?.drain(drainGraceMs)]);
          await replica.registry.close();
        } else await server.close();
        await Promise.all([listening.close(), own?.close()]);
      })()),
    onDrainRequested: (handler) => replica?.onDrainRequested(handler),
  };
}

/**
 * Starts the forward bridge: stdio children (per session or shared, see --sessionMode) served over
 * SSE and Streamable HTTP. The children start first, so that their own start overlaps the loading
 * of the HTTP stack (cold start).
 */
export async function startBridge(config: ForwardConfig, log: Logger): Promise<Bridge> {
  let metrics: BridgeMetrics | undefined;
  // Nothing is forwarded before the bridge listens, and its metrics exist by then.
  const replica = await replicaFor(config.cluster, log, () => metrics?.forwarded());
  const children = await startServerChildren(servedConfig(config, replica), log);
  try {
    const bridge = await serve(config, log, children, replica);
    metrics = bridge.metrics;
    return bridge;
  } catch (error) {
    // Shared, prespawned or head-start children are already running.
    await closeServerChildren(children);
    await replica?.registry.close();
    throw error;
  }
}
