// One server of a gateway's config file as the gateway runs it: what it is (a stdio command or a
// remote URL, with its merged settings) and how it is started, served and drained.
import type { UpstreamFactory } from '../core/gateway.js';
import type { RelayObserver } from '../core/observers.js';
import type { PassthroughProxy } from '../http/passthrough.js';
import type { Logger } from '../shared/log.js';
import type { ChildUpstreamConfig } from '../upstream/child/options.js';
import type { RemoteOptions } from '../upstream/remote/options.js';
import { servePassthrough, type GatewayModules } from './passthrough.js';
import { closeServerChildren, remoteServerUpstreams, serveServer, startServerChildren, type ServedServer, type ServedServerConfig, type ServerChildren } from './served.js';

/** One server of the file, ready to serve: a stdio server with its children's settings, or a remote one with how to reach it. */
export type GatewayServer =
  | { readonly name: string; readonly kind: 'stdio'; readonly served: ServedServerConfig & ChildUpstreamConfig }
  | {
    readonly name: string;
    readonly kind: 'remote';
    readonly served: ServedServerConfig;
    readonly remote: RemoteOptions;
    /** Opaque pass-through (Streamable HTTP only): requests go to the remote unchanged instead of through sessions of ours. */
    readonly passthrough: boolean;
  };

/** The routes of one server of the gateway, relative to its origin. */
export function serverPaths(name: string): { ssePath: string; messagePath: string; streamableHttpPath: string } {
  const base = `/servers/${encodeURIComponent(name)}`;
  return { ssePath: `${base}/sse`, messagePath: `${base}/message`, streamableHttpPath: `${base}/mcp` };
}

/** A remote entry's upstream: a remote session of its own for each client session (the reverse mode's remote clients). */
async function remoteUpstream(server: Extract<GatewayServer, { kind: 'remote' }>, log: Logger): Promise<UpstreamFactory> {
  const { RemoteTransport } = await import('../upstream/remote/remote.js');
  // One OAuth client per server: every session's remote session shares its tokens and refreshes.
  const oauth = server.remote.oauth && (await import('../oauth/remoteAuth.js')).createRemoteOAuth(server.remote.oauth, log);
  return (sessionLog) => ({
    transport: new RemoteTransport(server.remote, sessionLog, oauth),
    explainClose: () => ({ code: 'REMOTE_CONNECTION_LOST', detail: `the remote server ${server.name} closed the session` }),
  });
}

/** Phase one, on light modules only: a stdio server's warm children start, a remote server's upstream is made. */
export async function startEntryChildren(server: GatewayServer, log: Logger): Promise<ServerChildren> {
  return server.kind === 'stdio' ? startServerChildren(server.served, log) : remoteServerUpstreams(server.served, await remoteUpstream(server, log));
}

/** Starts every server's children at once; when one start throws, stops the ones already started. */
export async function startAllChildren(servers: readonly GatewayServer[], log: Logger): Promise<Map<string, ServerChildren>> {
  const started = new Map<string, ServerChildren>();
  try {
    for (const server of servers) started.set(server.name, await startEntryChildren(server, log.child({ server: server.name })));
  } catch (error) {
    await Promise.all([...started.values()].map(closeServerChildren));
    throw error;
  }
  return started;
}

/** What the gateway holds of a running server: its entry and the endpoints serving it. */
export interface RunningEntry {
  readonly server: GatewayServer;
  readonly served: ServedServer;
  /** A pass-through server's proxy, which its routes forward to (undefined for every other server). */
  readonly passthrough?: PassthroughProxy;
}

/** Phase two: serves a server whose children have started; SSE clients POST to `baseUrl` + its message path. */
export function serveEntry(server: GatewayServer, children: ServerChildren, modules: GatewayModules, baseUrl: string, metrics: RelayObserver, log: Logger): RunningEntry {
  const messageUrl = `${baseUrl}${serverPaths(server.name).messagePath}`;
  const serverLog = log.child({ server: server.name });
  if (server.kind === 'remote' && server.passthrough) return { server, ...servePassthrough(server, children, modules, messageUrl, metrics, serverLog) };
  return { server, served: serveServer(children, modules, messageUrl, metrics, serverLog) };
}

/** Whether two entries would run the same server the same way (a reload leaves such a server alone). */
export function sameEntry(a: GatewayServer, b: GatewayServer): boolean {
  // A cluster's session count is the replica's, the same object for every server: not a setting to compare.
  const settings = (key: string, value: unknown): unknown => (key === 'admission' ? undefined : value);
  return JSON.stringify(a, settings) === JSON.stringify(b, settings);
}
