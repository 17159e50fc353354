import type { ForwardConfig } from './config.js';
import { Gateway } from './core/gateway.js';
import { allChildObservers } from './core/observers.js';
import { StartReadiness } from './core/readiness.js';
import { LegacySseEndpoints } from './downstream/sseEndpoints.js';
import { StatelessEndpoint } from './downstream/stateless.js';
import type { AppParts } from './http/app.js';
import { listen, type Listening } from './http/server.js';
import type { Logger } from './log.js';
import { BridgeMetrics } from './metrics/metrics.js';
import { forwardUpstreams } from './upstream/forwardUpstreams.js';
import { statelessUpstream } from './upstream/statelessUpstream.js';
import { stdioChildUpstream } from './upstream/stdioChild.js';

/** Byte budget of each session's resumability event store (default 8 MiB). */
export const eventStoreMaxBytes = 8 * 1024 * 1024;

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

/** Loads the HTTP stack (express, the SDK's Streamable HTTP transport), builds the app and listens on `--host`/`--port`. */
async function serveHttp(config: ForwardConfig, parts: Omit<AppParts, 'config' | 'security' | 'streamableHttp'>): Promise<Listening> {
  const { http } = config;
  const [{ createApp }, { StreamableHttpEndpoint }] = await Promise.all([import('./http/app.js'), import('./downstream/streamableHttp.js')]);
  const streamableHttp = new StreamableHttpEndpoint(
    parts.gateway,
    {
      keepaliveMs: http.keepaliveMs,
      jsonResponse: http.jsonResponse,
      eventStoreMaxEvents: config.sessions.eventStoreMaxEvents,
      eventStoreMaxBytes,
      maxBufferBytes: config.sessions.maxBufferBytes,
    },
    parts.log,
  );
  const app = await createApp({ ...parts, config: http, security: config.security, streamableHttp });
  return listen(app, http.host, http.port);
}

/** Starts the forward bridge: stdio children (per session or shared, see --sessionMode) served over SSE and Streamable HTTP. */
export async function startBridge(config: ForwardConfig, log: Logger): Promise<Bridge> {
  const { http } = config;
  const readiness = new StartReadiness();
  // A function, not the gateway itself: the gateway needs the metrics as its observer first.
  const metrics: BridgeMetrics = new BridgeMetrics({
    sessions: (kind) => gateway.sessions.count(kind) + statelessGateway.sessions.count(kind),
    ready: () => gateway.isAccepting && readiness.notReadyReason === undefined,
    ...(config.children.sessionMode === 'shared' && { childLoads: () => upstreams.childLoads?.() ?? [] }),
  });
  const maxSessions = config.security.maxSessions;
  const room = (): number => (maxSessions > 0 ? maxSessions - gateway.sessions.size - statelessGateway.sessions.size : Infinity);
  const observer = allChildObservers(metrics, readiness);
  const upstreams = forwardUpstreams(config, log, observer, room);
  const gateway = new Gateway({
    upstream: upstreams.upstream,
    idleTimeoutMs: config.sessions.idleTimeoutMs,
    requestTimeoutMs: config.sessions.requestTimeoutMs,
    maxSessions: config.security.maxSessions,
    log,
    observer: metrics,
  });
  const sse = new LegacySseEndpoints(
    gateway,
    { messageUrl: `${http.baseUrl ?? ''}${http.messagePath}`, keepaliveMs: http.keepaliveMs, maxBufferBytes: config.sessions.maxBufferBytes },
    log,
  );
  // 2026-07-28 requests: a session-era server serves them in virtual sessions of their own gateway.
  const virtualSessions = statelessUpstream(config, upstreams.upstream, log, observer, room);
  const statelessGateway = new Gateway({
    upstream: virtualSessions.upstream,
    idleTimeoutMs: config.sessions.idleTimeoutMs,
    requestTimeoutMs: config.sessions.requestTimeoutMs,
    maxSessions: config.security.maxSessions,
    log,
    observer: metrics,
  });
  const stateless = new StatelessEndpoint(
    statelessGateway,
    stdioChildUpstream(config.child, observer),
    { continuations: config.continuations, keepaliveMs: http.keepaliveMs, maxBodyBytes: http.maxBodyBytes },
    log,
  );
  // The children above are starting already: loading express and the SDK's transport now hides their start (cold start).
  const listening = await serveHttp(config, { gateway, sse, stateless, log, metrics, readiness }).catch(async (error: unknown) => {
    await Promise.all([upstreams.close(), virtualSessions.close()]); // shared or prespawned children are already running
    throw error;
  });
  let closing: Promise<void> | undefined;
  return {
    url: listening.url,
    sseUrl: `${listening.url}${http.ssePath}`,
    streamableHttpUrl: `${listening.url}${http.streamableHttpPath}`,
    gateway,
    metrics,
    close: () =>
      (closing ??= (async () => {
        await stateless.close();
        await Promise.all([gateway.close(), statelessGateway.close()]);
        await Promise.all([upstreams.close(), virtualSessions.close()]);
        await listening.close();
      })()),
  };
}
