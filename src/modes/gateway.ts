// Gateway mode: every server of a config file on one port, each on its own routes
// (/servers/NAME/mcp, /sse, /message), with GET /servers, one /readyz for all and one metrics registry.
import type { GatewayConfig, GatewayServer } from '../config/gateway.js';
import type { UpstreamFactory } from '../core/gateway.js';
import { listen } from '../http/server.js';
import type { BridgeMetrics } from '../metrics/metrics.js';
import { serverStatus, type ServerStatus } from '../servers/status.js';
import { closeServerChildren, loadEndpointModules, remoteServerUpstreams, serveServer, startServerChildren, type ServedServer, type ServerChildren } from '../servers/served.js';
import { writeJsonError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';

/** The routes of one server of the gateway, relative to its origin. */
export function serverPaths(name: string): { ssePath: string; messagePath: string; streamableHttpPath: string } {
  const base = `/servers/${encodeURIComponent(name)}`;
  return { ssePath: `${base}/sse`, messagePath: `${base}/message`, streamableHttpPath: `${base}/mcp` };
}

/** A running gateway. */
export interface RunningGateway {
  url: string;
  /** Each server's name and routes, in file order. */
  servers: { name: string; streamableHttpUrl: string; sseUrl: string }[];
  metrics: BridgeMetrics;
  /** Each server as GET /servers shows it. */
  status(): ServerStatus[];
  /** Stops accepting, closes every session and child of every server, then the HTTP server. */
  close(): Promise<void>;
}

/** A remote entry's upstream: a remote session of its own for each client session (the reverse mode's remote clients). */
async function remoteUpstream(server: Extract<GatewayServer, { kind: 'remote' }>): Promise<UpstreamFactory> {
  const { RemoteTransport } = await import('../upstream/remote/remote.js');
  return (log) => ({
    transport: new RemoteTransport(server.remote, log),
    explainClose: () => ({ code: 'REMOTE_CONNECTION_LOST', detail: `the remote server ${server.name} closed the session` }),
  });
}

/** Phase one: every stdio server's children start at once, before the HTTP stack loads. */
async function startAll(config: GatewayConfig, log: Logger): Promise<Map<string, ServerChildren>> {
  const started = new Map<string, ServerChildren>();
  try {
    for (const server of config.servers) {
      const serverLog = log.child({ server: server.name });
      started.set(server.name, server.kind === 'stdio' ? await startServerChildren(server.served, serverLog) : remoteServerUpstreams(server.served, await remoteUpstream(server)));
    }
  } catch (error) {
    await Promise.all([...started.values()].map(closeServerChildren));
    throw error;
  }
  return started;
}

/** Starts gateway mode: every server of the file served on its own routes, behind one security chain. */
export async function startGateway(config: GatewayConfig, log: Logger): Promise<RunningGateway> {
  const children = await startAll(config, log);
  const [{ BridgeMetrics }, modules, { createApp }] = await Promise.all([import('../metrics/metrics.js'), loadEndpointModules(), import('../http/app.js')]);
  const served = new Map<string, ServedServer>();
  const notReady = (): string | undefined => {
    const failing = [...children].flatMap(([name, server]) => (server.readiness.notReadyReason ? [`${name}: ${server.readiness.notReadyReason}`] : []));
    return failing.length > 0 ? failing.join('; ') : undefined;
  };
  let accepting = true;
  const metrics: BridgeMetrics = new BridgeMetrics({
    sessions: (kind) => [...served.values()].reduce((sum, server) => sum + server.sessions(kind), 0),
    ready: () => accepting && notReady() === undefined,
  });
  const baseUrl = config.http.baseUrl ?? '';
  for (const server of config.servers) {
    const started = children.get(server.name)!;
    started.metricsObserver.attach(metrics);
    served.set(server.name, serveServer(started, modules, `${baseUrl}${serverPaths(server.name).messagePath}`, metrics, log.child({ server: server.name })));
  }
  const status = (): ServerStatus[] => config.servers.map((server) => serverStatus(server, served.get(server.name)!, serverPaths(server.name)));
  const routes = config.servers.map((server) => ({ ...serverPaths(server.name), ...endpointsOf(served.get(server.name)!) }));
  const appStatus = {
    get accepting() {
      return accepting;
    },
    get notReadyReason() {
      return notReady();
    },
    get sessions() {
      return [...served.values()].reduce((sum, server) => sum + server.sessionCount, 0);
    },
  };
  const app = await createApp({
    config: config.http,
    security: config.security,
    servers: routes,
    status: appStatus,
    log,
    metrics,
    extraRoutes: (router) => {
      router.get('/servers', (_req, res) => void res.json({ servers: status() }));
      // Behind the API key like every route here, so only a client that holds it learns the names.
      const names = new Set(config.servers.map((server) => server.name));
      router.use('/servers/', (req, res) => {
        const name = decodeURIComponent(req.path.split('/')[1] ?? '');
        if (names.has(name)) return writeJsonError(res, 'NOT_FOUND');
        writeJsonError(res, 'SERVER_NOT_FOUND', `"${name}"; the servers are ${[...names].join(', ') || 'none'}`);
      });
    },
  });
  const listening = await listen(app, config.http.host, config.http.port);
  let closing: Promise<void> | undefined;
  return {
    url: listening.url,
    servers: config.servers.map((server) => {
      const paths = serverPaths(server.name);
      return { name: server.name, streamableHttpUrl: `${listening.url}${paths.streamableHttpPath}`, sseUrl: `${listening.url}${paths.ssePath}` };
    }),
    metrics,
    status,
    close: () =>
      (closing ??= (async () => {
        accepting = false;
        await Promise.all([...served.values()].map((server) => server.close()));
        await listening.close();
      })()),
  };
}

function endpointsOf(server: ServedServer) {
  return { sse: server.sse, streamableHttp: server.streamableHttp, modern: server.modern };
}
