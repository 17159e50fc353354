// Forward mode: one stdio MCP server served over HTTP at the root (legacy SSE, Streamable HTTP and
// modern requests on one port), with its metrics and probes. Composes servers/served.ts with the HTTP app.
import type { ForwardConfig } from '../config/index.js';
import type { Gateway } from '../core/gateway.js';
import { listen } from '../http/server.js';
import type { BridgeMetrics } from '../metrics/metrics.js';
import { closeServerChildren, loadEndpointModules, serveServer, startServerChildren, type ServedServerConfig, type ServerChildren } from '../servers/served.js';
import type { Logger } from '../shared/log.js';
import { resolveCommand } from '../upstream/child/executable.js';
import type { ChildCommand, ChildUpstreamConfig } from '../upstream/child/options.js';

/** A running forward bridge. */
export interface Bridge {
  url: string;
  sseUrl: string;
  streamableHttpUrl: string;
  gateway: Gateway;
  metrics: BridgeMetrics;
  /** Stops accepting, closes every session and child, then the HTTP server. */
  close(): Promise<void>;
}

/** Why a stdio server's command cannot be run, or undefined when it resolves to an executable (see resolveCommand). */
export function commandProblem(child: ChildCommand): string | undefined {
  if (resolveCommand(child) !== undefined) return undefined;
  const where = child.command.includes('/') ? `(from ${child.cwd ?? process.cwd()})` : 'on PATH';
  return `the MCP server command "${child.command}" was not found ${where}, or is not executable`;
}

/** The forward config as one served server's settings. */
function servedConfig(config: ForwardConfig): ServedServerConfig & ChildUpstreamConfig {
  const { child, children, sessions, continuations, http, security } = config;
  return { child, children, sessions, continuations, keepaliveMs: http.keepaliveMs, jsonResponse: http.jsonResponse, maxBodyBytes: http.maxBodyBytes, maxSessions: security.maxSessions };
}

/** Phase two, while the children start: loads prom-client, the SDK and express, builds the server's endpoints and the app, and listens. */
async function serve(config: ForwardConfig, log: Logger, children: ServerChildren): Promise<Bridge> {
  const { http } = config;
  const [{ BridgeMetrics }, modules, { createApp }] = await Promise.all([import('../metrics/metrics.js'), loadEndpointModules(), import('../http/app.js')]);
  // A function, not the server itself: the server's gateways need the metrics as their observer first.
  const metrics: BridgeMetrics = new BridgeMetrics({
    servers: () => [{ sessions: (kind) => server.sessions(kind), childPids: () => children.liveChildren }],
    ready: () => server.gateway.isAccepting && children.readiness.notReadyReason === undefined,
    ...(config.children.sessionMode === 'shared' && { childLoads: () => children.upstreams.childLoads?.() ?? [] }),
  });
  children.metricsObserver.attach(metrics);
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
  };
  const routes = { ssePath: http.ssePath, messagePath: http.messagePath, streamableHttpPath: http.streamableHttpPath, sse: server.sse, streamableHttp: server.streamableHttp, modern: server.modern };
  const app = await createApp({ config: http, security: config.security, servers: [routes], status, log, metrics });
  const listening = await listen(app, http.host, http.port);
  let closing: Promise<void> | undefined;
  return {
    url: listening.url,
    sseUrl: `${listening.url}${http.ssePath}`,
    streamableHttpUrl: `${listening.url}${http.streamableHttpPath}`,
    gateway: server.gateway,
    metrics,
    close: () =>
      (closing ??= (async () => {
        await server.close();
        await listening.close();
      })()),
  };
}

/**
 * Starts the forward bridge: stdio children (per session or shared, see --sessionMode) served over
 * SSE and Streamable HTTP. The children start first, so that their own start overlaps the loading
 * of the HTTP stack (cold start).
 */
export async function startBridge(config: ForwardConfig, log: Logger): Promise<Bridge> {
  const children = await startServerChildren(servedConfig(config), log);
  try {
    return await serve(config, log, children);
  } catch (error) {
    // Shared, prespawned or head-start children are already running.
    await closeServerChildren(children);
    throw error;
  }
}
