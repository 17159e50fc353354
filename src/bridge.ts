import type { ForwardConfig } from './config.js';
import { Gateway } from './core/gateway.js';
import { allChildObservers } from './core/observers.js';
import { StartReadiness } from './core/readiness.js';
import { LegacySseEndpoints } from './downstream/sseEndpoints.js';
import { StreamableHttpEndpoint } from './downstream/streamableHttp.js';
import { createApp } from './http/app.js';
import { listen } from './http/server.js';
import type { Logger } from './log.js';
import { BridgeMetrics } from './metrics/metrics.js';
import { forwardUpstreams } from './upstream/forwardUpstreams.js';

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

/** Starts the forward bridge: stdio children (per session or shared, see --sessionMode) served over SSE and Streamable HTTP. */
export async function startBridge(config: ForwardConfig, log: Logger): Promise<Bridge> {
  const { http } = config;
  const readiness = new StartReadiness();
  // A function, not the gateway itself: the gateway needs the metrics as its observer first.
  const metrics: BridgeMetrics = new BridgeMetrics({
    sessions: (kind) => gateway.sessions.count(kind),
    ready: () => gateway.isAccepting && readiness.notReadyReason === undefined,
    ...(config.children.sessionMode === 'shared' && { childLoads: () => upstreams.childLoads?.() ?? [] }),
  });
  const maxSessions = config.security.maxSessions;
  const room = (): number => (maxSessions > 0 ? maxSessions - gateway.sessions.size : Infinity);
  const upstreams = forwardUpstreams(config, log, allChildObservers(metrics, readiness), room);
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
  const app = createApp({ config: http, security: config.security, gateway, sse, streamableHttp, log, metrics, readiness });
  const listening = await listen(app, http.host, http.port).catch(async (error: unknown) => {
    await upstreams.close(); // shared or prespawned children are already running
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
        await gateway.close();
        await upstreams.close();
        await listening.close();
      })()),
  };
}
