// A remote server of the gateway served by opaque pass-through: its requests go to the remote through
// a PassthroughProxy (http/passthrough.ts) instead of sessions of the gateway's own, so it holds no
// session; it drains by letting the requests and streams it forwards finish.
import type { RelayObserver } from '../core/observers.js';
import type { PassthroughProxy } from '../http/passthrough.js';
import type { Logger } from '../shared/log.js';
import { serveServer, until, type EndpointModules, type ServedServer, type ServerChildren } from './served.js';

/** The endpoint modules and, for pass-through servers, the proxy (loaded with them, after the children have started). */
export interface GatewayModules extends EndpointModules {
  PassthroughProxy: typeof PassthroughProxy;
}

/** What a pass-through server forwards to. */
export interface PassthroughEntry {
  readonly name: string;
  readonly remote: { readonly url: string; readonly headers: Readonly<Record<string, string>> };
}

/**
 * Serves `server` by pass-through. The served server keeps the shape of every other (its idle gateways
 * are what GET /servers, the metrics and the reload read), while its requests go to the returned proxy.
 */
export function servePassthrough(
  server: PassthroughEntry,
  children: ServerChildren,
  modules: GatewayModules,
  messageUrl: string,
  metrics: RelayObserver,
  log: Logger,
): { served: ServedServer; passthrough: PassthroughProxy } {
  const base = serveServer(children, modules, messageUrl, metrics, log);
  const proxy = new modules.PassthroughProxy({ name: server.name, url: server.remote.url, headers: server.remote.headers }, log);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= Promise.all([proxy.close(), base.close()]).then(() => undefined));
  const served: ServedServer = {
    children: base.children,
    gateway: base.gateway,
    sse: base.sse,
    streamableHttp: base.streamableHttp,
    modern: base.modern,
    sessions: (kind) => base.sessions(kind),
    get sessionCount() {
      return base.sessionCount;
    },
    close,
    drain: async (graceMs) => {
      // New requests already go to the server that replaced this one; the open ones (streams too) get the grace to finish.
      base.gateway.stopAccepting();
      await until(() => proxy.inFlight === 0, graceMs);
      await close();
    },
  };
  return { served, passthrough: proxy };
}
