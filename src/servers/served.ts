// One stdio MCP server served over HTTP: its children (per session or shared), the gateways that own
// its sessions, and its three endpoints (legacy SSE, Streamable HTTP, modern). The forward bridge serves
// one of these at the root; gateway mode serves one per server of the config file, each on its own routes.
import { Gateway, type SessionAdmission, type UpstreamFactory } from '../core/gateway.js';
import { allChildObservers, LateChildObserver, type ChildObserver, type RelayObserver } from '../core/observers.js';
import { StartReadiness } from '../core/readiness.js';
import type { SessionKind, SessionLimits } from '../core/sessions.js';
import type { ContinuationLimits } from '../downstream/modern/continuations.js';
import type { ModernEndpoint } from '../downstream/modern/endpoint.js';
import type { NewSessionId } from '../downstream/sessionIds.js';
import { LegacySseEndpoints } from '../downstream/sse/endpoints.js';
import type { StreamableHttpEndpoint } from '../downstream/streamableHttp/endpoint.js';
import type { Logger } from '../shared/log.js';
import { forwardUpstreams, type ForwardUpstreams } from '../upstream/child/forwardUpstreams.js';
import { modernUpstream } from '../upstream/child/modernUpstream.js';
import type { ChildUpstreamConfig } from '../upstream/child/options.js';
import { stdioChildUpstream } from '../upstream/child/stdioChild.js';

/** Byte budget of each session's resumability event store (default 8 MiB). */
export const eventStoreMaxBytes = 8 * 1024 * 1024;

/** What one served server is configured with (the forward config, or a gateway server's merged settings). */
export interface ServedServerConfig {
  readonly sessions: SessionLimits;
  readonly continuations: ContinuationLimits;
  readonly keepaliveMs: number;
  readonly jsonResponse: boolean;
  readonly maxBodyBytes: number;
  /** Live sessions of this server allowed at once (0: no limit). */
  readonly maxSessions: number;
  /** Mints the ids of legacy SSE and Streamable HTTP sessions (default: random UUIDs; owner-carrying ones in a cluster). */
  readonly newSessionId?: NewSessionId;
  /** In a cluster with Redis: `maxSessions` counted across every replica (default: counted here only). */
  readonly admission?: SessionAdmission;
}

/** The server's children, started before anything heavy loads, and what watches them. */
export interface ServerChildren {
  readonly config: ServedServerConfig;
  readonly upstreams: ForwardUpstreams;
  /** A plain upstream for modern requests: the era probe and the passthrough to a modern server. */
  readonly plainUpstream: UpstreamFactory;
  /** Modern requests: a session-era server serves them in virtual sessions of their own gateway. */
  readonly virtualSessions: ForwardUpstreams;
  readonly readiness: StartReadiness;
  readonly observer: ChildObserver;
  /** Passes the children's events on to the metrics, once they exist. */
  readonly metricsObserver: LateChildObserver;
  /** Counts the live sessions for `maxSessions`, once the gateways exist. */
  readonly liveSessions: { count: () => number };
  /** Processes of this server alive now (each leads its process group). */
  readonly liveChildren: ReadonlySet<number>;
}

/** A served server's endpoints and sessions. */
export interface ServedServer {
  readonly children: ServerChildren;
  readonly gateway: Gateway;
  readonly sse: LegacySseEndpoints;
  readonly streamableHttp: StreamableHttpEndpoint;
  readonly modern: ModernEndpoint;
  /** Live sessions of one kind, over both gateways. */
  sessions(kind: SessionKind): number;
  /** Live sessions of every kind. */
  readonly sessionCount: number;
  /** Stops accepting, answers what is in flight, closes every session and child. */
  close(): Promise<void>;
  /** Stops taking sessions, lets requests in flight finish for up to `graceMs`, then closes (answering what is left). */
  drain(graceMs: number): Promise<void>;
}

/** How often a draining server looks whether its requests in flight have been answered. */
const drainPollMs = 50;

/** Resolves once `done()` holds or `graceMs` has passed (looking every 50 ms). */
export async function until(done: () => boolean, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, drainPollMs));
}

/** The modules the endpoints need, loaded once after the children have started (cold start). */
export interface EndpointModules {
  ModernEndpoint: typeof ModernEndpoint;
  StreamableHttpEndpoint: typeof StreamableHttpEndpoint;
}

/** Loads the endpoint modules (the SDK's schemas and v2 among them). */
export async function loadEndpointModules(): Promise<EndpointModules> {
  const [{ ModernEndpoint }, { StreamableHttpEndpoint }] = await Promise.all([
    import('../downstream/modern/endpoint.js'),
    import('../downstream/streamableHttp/endpoint.js'),
  ]);
  return { ModernEndpoint, StreamableHttpEndpoint };
}

function watchers(config: ServedServerConfig) {
  const readiness = new StartReadiness();
  const metricsObserver = new LateChildObserver();
  const liveChildren = new Set<number>();
  const counter: Partial<ChildObserver> = { spawned: (pid) => void liveChildren.add(pid), exited: ({ pid }) => void liveChildren.delete(pid) };
  const observer = allChildObservers(metricsObserver, readiness, counter);
  const liveSessions = { count: () => 0 };
  const room = (): number => (config.maxSessions > 0 ? config.maxSessions - liveSessions.count() : Infinity);
  return { readiness, metricsObserver, observer, liveSessions, liveChildren, room };
}

/** Phase one, on light modules only: starts a stdio server's shared, prespawned or head-start children at once. */
export async function startServerChildren(config: ServedServerConfig & ChildUpstreamConfig, log: Logger): Promise<ServerChildren> {
  const { room, ...watching } = watchers(config);
  const upstreams = await forwardUpstreams(config, log, watching.observer, room);
  const virtualSessions = modernUpstream(config, upstreams.upstream, log, watching.observer, room);
  return { config, upstreams, virtualSessions, plainUpstream: stdioChildUpstream(config.child, watching.observer), ...watching };
}

/** A remote server's upstreams: each session (and each virtual session of modern requests) gets its own remote session. */
export function remoteServerUpstreams(config: ServedServerConfig, upstream: UpstreamFactory): ServerChildren {
  const { room: _room, ...watching } = watchers(config);
  const fresh: ForwardUpstreams = { upstream, close: async () => {} };
  return { config, upstreams: fresh, virtualSessions: fresh, plainUpstream: upstream, ...watching };
}

/** Phase two: the gateways and endpoints of a server whose children have started; `messageUrl` is where its SSE clients POST. */
export function serveServer(children: ServerChildren, modules: EndpointModules, messageUrl: string, metrics: RelayObserver, log: Logger): ServedServer {
  const { config, upstreams, virtualSessions, plainUpstream } = children;
  const gatewayOptions = {
    idleTimeoutMs: config.sessions.idleTimeoutMs,
    requestTimeoutMs: config.sessions.requestTimeoutMs,
    maxSessions: config.maxSessions,
    admission: config.admission,
    log,
    observer: metrics,
  };
  const gateway = new Gateway({ ...gatewayOptions, upstream: upstreams.upstream });
  const modernGateway = new Gateway({ ...gatewayOptions, upstream: virtualSessions.upstream });
  children.liveSessions.count = () => gateway.sessions.size + modernGateway.sessions.size;
  const { keepaliveMs, jsonResponse, maxBodyBytes } = config;
  const { maxBufferBytes, eventStoreMaxEvents } = config.sessions;
  const { newSessionId } = config;
  const sse = new LegacySseEndpoints(gateway, { messageUrl, keepaliveMs, maxBufferBytes, newSessionId }, log);
  const streamableHttp = new modules.StreamableHttpEndpoint(gateway, { keepaliveMs, jsonResponse, eventStoreMaxEvents, eventStoreMaxBytes, maxBufferBytes, newSessionId }, log);
  const modern = new modules.ModernEndpoint(modernGateway, plainUpstream, { continuations: config.continuations, keepaliveMs, maxBodyBytes }, log);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await modern.close();
      await Promise.all([gateway.close(), modernGateway.close()]);
      await closeServerChildren(children);
    })());
  return {
    children,
    gateway,
    sse,
    streamableHttp,
    modern,
    sessions: (kind) => gateway.sessions.count(kind) + modernGateway.sessions.count(kind),
    get sessionCount() {
      return children.liveSessions.count();
    },
    close,
    drain: async (graceMs) => {
      gateway.stopAccepting();
      modernGateway.stopAccepting();
      await until(() => gateway.pendingRequests + modernGateway.pendingRequests === 0, graceMs);
      await close();
    },
  };
}

/** Stops the children a server keeps running (shared, prespawned, head start). */
export async function closeServerChildren(children: ServerChildren): Promise<void> {
  await Promise.all([children.upstreams.close(), children.virtualSessions.close()]);
}
