import type { ForwardConfig } from '../config/index.js';
import { Gateway } from '../core/gateway.js';
import { allChildObservers, LateChildObserver, type ChildObserver } from '../core/observers.js';
import { StartReadiness } from '../core/readiness.js';
import { LegacySseEndpoints } from '../downstream/sse/endpoints.js';
import { listen } from '../http/server.js';
import type { Logger } from '../shared/log.js';
import type { BridgeMetrics } from '../metrics/metrics.js';
import { forwardUpstreams, type ForwardUpstreams } from '../upstream/child/forwardUpstreams.js';
import { modernUpstream } from '../upstream/child/modernUpstream.js';
import { stdioChildUpstream } from '../upstream/child/stdioChild.js';

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

/** The children, started before anything heavy loads, and what watches them. */
interface StartedChildren {
  upstreams: ForwardUpstreams;
  /** 2026-07-28 requests: a session-era server serves them in virtual sessions of their own gateway. */
  virtualSessions: ForwardUpstreams;
  readiness: StartReadiness;
  observer: ChildObserver;
  /** Passes the children's events on to the metrics, once they exist. */
  metricsObserver: LateChildObserver;
  /** Counts the live sessions for `--maxSessions`, once the gateways exist. */
  liveSessions: { count: () => number };
}

/** Phase one, on light modules only: starts the shared, prespawned or head-start children at once. */
async function startChildren(config: ForwardConfig, log: Logger): Promise<StartedChildren> {
  const readiness = new StartReadiness();
  const metricsObserver = new LateChildObserver();
  const observer = allChildObservers(metricsObserver, readiness);
  const liveSessions = { count: () => 0 };
  const maxSessions = config.security.maxSessions;
  const room = (): number => (maxSessions > 0 ? maxSessions - liveSessions.count() : Infinity);
  const upstreams = await forwardUpstreams(config, log, observer, room);
  const virtualSessions = modernUpstream(config, upstreams.upstream, log, observer, room);
  return { upstreams, virtualSessions, readiness, observer, metricsObserver, liveSessions };
}

/** Phase two, while the children start: loads prom-client, the SDK and express, builds the gateways and the app, and listens. */
async function serve(config: ForwardConfig, log: Logger, children: StartedChildren): Promise<Bridge> {
  const { http } = config;
  const { upstreams, virtualSessions, readiness, observer } = children;
  const [{ BridgeMetrics }, { ModernEndpoint }, { StreamableHttpEndpoint }, { createApp }] = await Promise.all([
    import('../metrics/metrics.js'),
    import('../downstream/modern/endpoint.js'),
    import('../downstream/streamableHttp/endpoint.js'),
    import('../http/app.js'),
  ]);
  // A function, not the gateway itself: the gateway needs the metrics as its observer first.
  const metrics: BridgeMetrics = new BridgeMetrics({
    sessions: (kind) => gateway.sessions.count(kind) + modernGateway.sessions.count(kind),
    ready: () => gateway.isAccepting && readiness.notReadyReason === undefined,
    ...(config.children.sessionMode === 'shared' && { childLoads: () => upstreams.childLoads?.() ?? [] }),
  });
  children.metricsObserver.attach(metrics);
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
  const streamableHttp = new StreamableHttpEndpoint(
    gateway,
    {
      keepaliveMs: http.keepaliveMs,
      jsonResponse: http.jsonResponse,
      eventStoreMaxEvents: config.sessions.eventStoreMaxEvents,
      eventStoreMaxBytes,
      maxBufferBytes: config.sessions.maxBufferBytes,
    },
    log,
  );
  const modernGateway = new Gateway({
    upstream: virtualSessions.upstream,
    idleTimeoutMs: config.sessions.idleTimeoutMs,
    requestTimeoutMs: config.sessions.requestTimeoutMs,
    maxSessions: config.security.maxSessions,
    log,
    observer: metrics,
  });
  children.liveSessions.count = () => gateway.sessions.size + modernGateway.sessions.size;
  const modern = new ModernEndpoint(
    modernGateway,
    stdioChildUpstream(config.child, observer),
    { continuations: config.continuations, keepaliveMs: http.keepaliveMs, maxBodyBytes: http.maxBodyBytes },
    log,
  );
  const app = await createApp({ config: http, security: config.security, gateway, sse, streamableHttp, modern, log, metrics, readiness });
  const listening = await listen(app, http.host, http.port);
  let closing: Promise<void> | undefined;
  return {
    url: listening.url,
    sseUrl: `${listening.url}${http.ssePath}`,
    streamableHttpUrl: `${listening.url}${http.streamableHttpPath}`,
    gateway,
    metrics,
    close: () =>
      (closing ??= (async () => {
        await modern.close();
        await Promise.all([gateway.close(), modernGateway.close()]);
        await Promise.all([upstreams.close(), virtualSessions.close()]);
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
  const children = await startChildren(config, log);
  try {
    return await serve(config, log, children);
  } catch (error) {
    // Shared, prespawned or head-start children are already running.
    await Promise.all([children.upstreams.close(), children.virtualSessions.close()]);
    throw error;
  }
}
