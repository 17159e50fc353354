// Gateway mode: every server of a config file on one port, each on its own routes
// (/servers/NAME/mcp, /sse, /message) and all of them combined at the root (/mcp, /sse, /message),
// with GET /servers, one /readyz for all and one metrics registry. A reload (the file changed, or
// SIGHUP) swaps servers in place without touching the others.
import { reloadGatewayConfig, unservedSettingWarnings, type GatewayConfig } from '../config/gateway.js';
import { serversDispatcher } from '../http/dispatch.js';
import { listen } from '../http/server.js';
import type { BridgeMetrics } from '../metrics/metrics.js';
import { serverPaths, startAllChildren, type RunningEntry } from '../servers/entry.js';
import { loadEndpointModules } from '../servers/served.js';
import { serverStatus, type ServerStatus } from '../servers/status.js';
import { BridgeError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { combinedPaths, startCombined } from './gatewayCombined.js';
import type { SessionKind } from '../core/sessions.js';
import type { Replica } from '../cluster/replica.js';
import { GatewayServers, type ReloadSummary } from './gatewayServers.js';
import { clusteredServing, joinCluster, replicaFor } from './clusterServing.js';
import { drainGraceMs } from './forward.js';

/** A running gateway. */
export interface RunningGateway {
  url: string;
  /** The combined endpoint (every server as one): its Streamable HTTP and legacy SSE URLs. */
  readonly combined: { streamableHttpUrl: string; sseUrl: string };
  /** Each server's name and routes, in file order. */
  readonly servers: { name: string; streamableHttpUrl: string; /** Undefined for a pass-through server (Streamable HTTP only). */ sseUrl: string | undefined }[];
  metrics: BridgeMetrics;
  /** Each server as GET /servers shows it (draining ones as `stopping`), with what it offers on the combined endpoint. */
  status(): (ServerStatus & { combined?: object })[];
  /** Reads the file again and applies it; a file that does not validate is logged and changes nothing (resolves undefined). */
  reload(): Promise<ReloadSummary | undefined>;
  /** Stops accepting, closes every session and child of every server, then the HTTP server (in a cluster: leaves the registry and drains first). */
  close(): Promise<void>;
  /** Calls `handler` when the primary of --workers asks this worker to drain (never outside a worker). */
  onDrainRequested(handler: () => void): void;
}

/** The config with each server's sessions owned by `replica` (unchanged outside a cluster). */
function clusteredServers(config: GatewayConfig, replica: Replica | undefined): GatewayConfig {
  if (!replica) return config;
  return { ...config, servers: config.servers.map((server) => ({ ...server, served: clusteredServing(server.served, replica) })) as GatewayConfig['servers'] };
}

/** `/servers/NAME/mcp` and `/servers/NAME/message` of a server whose sessions are ours (`owns(NAME)`): the paths a cluster forwards. */
function serverSessionPath(owns: (name: string) => boolean): (path: string) => boolean {
  return (path) => {
    const match = /^\/servers\/([^/]+)\/(?:mcp|message)$/.exec(path);
    if (!match) return false;
    try {
      return owns(decodeURIComponent(match[1]!));
    } catch {
      return false;
    }
  };
}

/** Starts gateway mode: every server of the file served on its own routes, behind one security chain. */
export async function startGateway(initial: GatewayConfig, log: Logger): Promise<RunningGateway> {
  let metrics: BridgeMetrics | undefined;
  // Nothing is forwarded before the gateway listens, and its metrics exist by then.
  const replica = await replicaFor(initial.cluster, log, () => metrics?.forwarded());
  try {
    const running = await serveGateway(clusteredServers(initial, replica), replica, log);
    metrics = running.metrics;
    return running;
  } catch (error) {
    await replica?.registry.close();
    throw error;
  }
}

/** Serves the gateway of `initial` (its servers already owned by `replica` in a cluster). */
async function serveGateway(initial: GatewayConfig, replica: Replica | undefined, log: Logger): Promise<RunningGateway> {
  let config = initial;
  const children = await startAllChildren(config.servers, log);
  const [{ BridgeMetrics }, endpointModules, { createApp, serverRouter }, { PassthroughProxy, passthroughRouter }] = await Promise.all([
    import('../metrics/metrics.js'),
    loadEndpointModules(),
    import('../http/app.js'),
    import('../http/passthrough.js'),
  ]);
  const modules = { ...endpointModules, PassthroughProxy };
  let accepting = true;
  const notReady = (): string | undefined => {
    const failing = servers.entries.flatMap(({ server, served }) => (served.children.readiness.notReadyReason ? [`${server.name}: ${served.children.readiness.notReadyReason}`] : []));
    return failing.length > 0 ? failing.join('; ') : undefined;
  };
  // The combined endpoint's sessions, once it is up; its children are counted under the servers they belong to.
  let combinedServed: { sessions(kind: SessionKind): number } | undefined;
  const forwarder = replica && new (await import('../http/forwarding.js')).PeerForwarder(replica.routing, log);
  const metrics: BridgeMetrics = new BridgeMetrics({
    servers: () => [
      ...servers.allEntries.map(({ server, served }) => ({ name: server.name, sessions: (kind: SessionKind) => served.sessions(kind), childPids: () => served.children.liveChildren })),
      ...(combinedServed ? [{ name: '(combined)', sessions: (kind: SessionKind) => combinedServed!.sessions(kind), childPids: () => [] }] : []),
    ],
    ready: () => accepting && notReady() === undefined,
  });
  // A pass-through server's client credentials are the gateway's key when it checks one: they stay here.
  const passthroughOptions = { dropClientCredentials: config.security.apiKey !== undefined };
  const route = ({ served, passthrough }: RunningEntry) =>
    passthrough
      ? passthroughRouter(passthrough, config.http, passthroughOptions)
      : serverRouter({ ssePath: '/sse', messagePath: '/message', streamableHttpPath: '/mcp', sse: served.sse, streamableHttp: served.streamableHttp, modern: served.modern }, config.http, forwarder);
  const servers = new GatewayServers({ modules, baseUrl: config.http.baseUrl ?? '', metrics, route, log });
  for (const server of config.servers) servers.serve(server, children.get(server.name)!);
  const combinedConfig = clusteredServing(
    {
      sessions: config.sessions,
      continuations: config.continuations,
      keepaliveMs: config.http.keepaliveMs,
      jsonResponse: config.http.jsonResponse,
      maxBodyBytes: config.http.maxBodyBytes,
      maxSessions: config.security.maxSessions,
    },
    replica,
  );
  let combined: Awaited<ReturnType<typeof startCombined>>;
  try {
    combined = await startCombined(servers.entries, config.combined, combinedConfig, endpointModules, config.http.baseUrl ?? '', metrics.forServer('(combined)'), log);
    combinedServed = combined.served;
  } catch (error) {
    await servers.close();
    throw error;
  }
  const status = () => {
    const offered = combined.catalogue.status();
    return servers.allEntries.map(({ server, served }) => ({ ...serverStatus(server, served, serverPaths(server.name)), ...(offered[server.name] && { combined: offered[server.name] }) }));
  };
  const dispatch = serversDispatcher(
    (name, sessionId) => servers.lookup(name, sessionId)?.router,
    () => servers.entries.map(({ server }) => server.name),
  );
  const app = await createApp({
    config: config.http,
    security: config.security,
    servers: [{ ...combinedPaths, sse: combined.served.sse, streamableHttp: combined.served.streamableHttp, modern: combined.served.modern }],
    status: {
      get accepting() {
        return accepting;
      },
      get notReadyReason() {
        return notReady();
      },
      get sessions() {
        return servers.allEntries.reduce((sum, { served }) => sum + served.sessionCount, combined.served.sessionCount);
      },
      get cluster() {
        return replica && { ...replica.registry.status() };
      },
    },
    log,
    metrics,
    forwarder,
    rateLimitStore: replica?.rateLimitStore(),
    // A pass-through server's sessions are the remote's: its requests are never ours to forward.
    forwardedPaths: serverSessionPath((name) => servers.lookup(name, undefined)?.passthrough === undefined),
    extraRoutes: (router) => {
      router.get('/servers', (_req, res) => void res.json({ servers: status(), combined: { routes: { mcp: combinedPaths.streamableHttpPath, sse: combinedPaths.ssePath, message: combinedPaths.messagePath }, sessions: combined.served.sessionCount } }));
      router.use('/servers/:name', dispatch);
    },
  });
  const listening = await listen(app, config.http.host, config.http.port);
  const own = replica && (await joinCluster(replica, config.cluster!, app, config.http.host, listening));
  let closing: Promise<void> | undefined;
  let reloading: Promise<ReloadSummary | undefined> = Promise.resolve(undefined);
  const reloadOnce = async (): Promise<ReloadSummary | undefined> => {
    if (!accepting) return undefined;
    let next: GatewayConfig;
    try {
      next = clusteredServers(reloadGatewayConfig(config, process.env), replica);
    } catch (error) {
      if (!(error instanceof BridgeError)) throw error;
      log.error(`reload refused, still serving the configuration read before: ${error.detail ?? error.message}`);
      return undefined;
    }
    for (const warning of unservedSettingWarnings(next.file)) log.warn(warning);
    const summary = await servers.reload(next.servers, combined.vet(next.combined));
    if (summary.refused) {
      log.error(`reload refused, still serving the configuration read before: ${summary.refused.join('; ')}`);
      return summary;
    }
    config = next;
    log.info('reloaded the config file', { file: config.file.path, ...summary });
    return summary;
  };
  return {
    url: listening.url,
    combined: { streamableHttpUrl: `${listening.url}${combinedPaths.streamableHttpPath}`, sseUrl: `${listening.url}${combinedPaths.ssePath}` },
    get servers() {
      return servers.entries.map(({ server, passthrough }) => {
        const paths = serverPaths(server.name);
        return { name: server.name, streamableHttpUrl: `${listening.url}${paths.streamableHttpPath}`, sseUrl: passthrough ? undefined : `${listening.url}${paths.ssePath}` };
      });
    },
    metrics,
    status,
    // One reload at a time, in order: a burst of changes never runs two diffs over the same servers.
    reload: () => (reloading = reloading.then(reloadOnce, reloadOnce)),
    close: () =>
      (closing ??= (async () => {
        if (replica) {
          // Peers stop sending this replica anything before /readyz turns 503 and the sessions drain.
          await replica.registry.leave();
          accepting = false;
          await reloading.catch(() => undefined);
          // The combined endpoint's sessions run on the servers' children: it drains first, the servers within what is left of the grace.
          const deadline = Date.now() + drainGraceMs;
          // What it forwards to peers finishes meanwhile (new forwards are refused 503), within the same grace.
          const forwarded = forwarder?.drain(drainGraceMs);
          await combined.served.drain(drainGraceMs);
          await Promise.all(servers.allEntries.map(({ served }) => served.drain(Math.max(0, deadline - Date.now()))));
          await forwarded;
          await replica.registry.close();
        }
        accepting = false;
        await reloading.catch(() => undefined);
        await combined.close();
        await servers.close();
        await Promise.all([listening.close(), own?.close()]);
      })()),
    onDrainRequested: (handler) => replica?.onDrainRequested(handler),
  };
}
