// Binds the HTTP server to host and port and stops it, closing idle keep-alive connections.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening HTTP server and how to stop it. */
export interface Listening {
  server: Server;
  /** e.g. http://127.0.0.1:8000 */
  url: string;
  /** Stops accepting connections and drops the open ones. */
  close(): Promise<void>;
}

/** How long an idle keep-alive connection is kept open by this side (65 s). */
export const serverKeepAliveMs = 65_000;

/** Listens on `host:port` (port 0 picks a free one) and resolves once bound; `exclusive`: never shared with the workers of a cluster. */
export async function listen(handler: RequestListener, host: string, port: number, { exclusive = false } = {}): Promise<Listening> {
  const server = createServer(handler);
  // Long-lived SSE streams must not be cut by Node's request timeout.
  server.requestTimeout = 0;
  // Idle keep-alive connections are closed by their client (a load balancer, a peer replica) first: a close from
  // this side can cross a request already on its way, which then fails with a reset (a lagging event loop runs its
  // timers before it reads). Longer than the idle timeouts of nginx (deploy/), peers (4 s) and cloud balancers (60 s).
  server.keepAliveTimeout = serverKeepAliveMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A deep accept queue (the kernel caps it at somaxconn): a burst of connections from a load balancer and
    // from peers forwarding to this replica must queue, not be dropped and retried after a second.
    server.listen({ port, host, exclusive, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
