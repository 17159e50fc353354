// Opaque pass-through of one remote Streamable HTTP server (gateway mode's `passthrough`): every
// request on /servers/NAME/mcp is forwarded to the entry's URL unchanged with http-proxy-3, the body
// and the answer (SSE streams too) streamed chunk by chunk in both directions, never parsed or buffered.
import { Agent as HttpAgent, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import express from 'express';
import { createProxyServer, type ProxyServer } from 'http-proxy-3';
import { writeJsonError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { hostOriginGuard } from './guards.js';
import type { HttpConfig } from './options.js';
import { remoteRequestHeaders, stripRemoteResponseHeaders } from './passthroughHeaders.js';

/** Time allowed to open a connection to the remote before the client gets a 502 (10 s); an answer itself may take as long as it takes. */
export const passthroughConnectTimeoutMs = 10_000;

/** What a pass-through forwards to. */
export interface PassthroughTarget {
  /** The server's name in the config file (for errors and logs). */
  readonly name: string;
  /** The remote's Streamable HTTP endpoint (the entry's `url`). */
  readonly url: string;
  /** The entry's `headers`, added to every forwarded request. */
  readonly headers: Readonly<Record<string, string>>;
}

/** How a request is forwarded. */
export interface PassthroughRequestOptions {
  /** Drop the client's `Authorization` and `X-API-Key` (they hold the gateway's key when it checks one). */
  readonly dropClientCredentials: boolean;
}

/** The entry's URL with the client's query string (if any) after its own. */
function targetFor(url: URL, req: IncomingMessage): URL {
  const query = req.url?.split('?', 2)[1];
  if (!query) return url;
  const target = new URL(url);
  target.search = target.search ? `${target.search}&${query}` : `?${query}`;
  return target;
}

/** One remote served by opaque pass-through: forwards requests, counts those still open, closes them on `close()`. */
export class PassthroughProxy {
  private readonly url: URL;
  private readonly proxy: ProxyServer;
  // Keep-alive connections to the remote, so a session's many POSTs do not each open one.
  private readonly agent: HttpAgent;
  private readonly open = new Set<ServerResponse>();
  private closed = false;

  constructor(
    readonly target: PassthroughTarget,
    private readonly log: Logger,
  ) {
    this.url = new URL(target.url);
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.proxy = createProxyServer({
      agent: this.agent,
      // The path is the entry's URL's, whatever the route (/servers/NAME/mcp) was; Host is the remote's.
      ignorePath: true,
      changeOrigin: true,
      // Nothing about the client (its address, the gateway's host) is added: the request goes on as it came.
      xfwd: false,
      followRedirects: false,
      connectTimeout: passthroughConnectTimeoutMs,
    });
    this.proxy.on('proxyRes', (proxyRes, _req, res) => {
      stripRemoteResponseHeaders(proxyRes.headers);
      // A remote that drops the connection mid-answer must not leave the client waiting on a stream that never ends.
      proxyRes.once('close', () => void (!proxyRes.complete && res.destroy()));
      // The status and headers go to the client as soon as the remote sent them, not with the first chunk of
      // the body: a client opening a stream (GET) waits for them before anything is sent on it. A microtask
      // runs after http-proxy-3 has copied them, synchronously, right after this event.
      queueMicrotask(() => void (!res.headersSent && !res.destroyed && res.flushHeaders()));
    });
    // A client that goes away mid-stream: http-proxy-3 already stops the remote request; nothing to answer.
    this.proxy.on('econnreset', () => undefined);
  }

  /** Requests and streams forwarded and not finished yet. */
  get inFlight(): number {
    return this.open.size;
  }

  /** Forwards `req` to the remote and streams its answer to `res`; a remote that cannot be reached gets a JSON 502 (REMOTE_UNREACHABLE). */
  handle(req: IncomingMessage, res: ServerResponse, options: PassthroughRequestOptions): void {
    if (this.closed) return writeJsonError(res, 'SHUTTING_DOWN');
    req.headers = remoteRequestHeaders(req.headers, this.target.headers, options.dropClientCredentials);
    this.open.add(res);
    res.once('close', () => this.open.delete(res));
    this.proxy.web(req, res, { target: targetFor(this.url, req) }, (error) => this.failed(error as NodeJS.ErrnoException, res));
  }

  /** Stops forwarding: open requests and streams are cut, the connections to the remote closed. */
  async close(): Promise<void> {
    this.closed = true;
    for (const res of this.open) res.destroy();
    this.agent.destroy();
  }

  private failed(error: NodeJS.ErrnoException, res: ServerResponse | import('node:net').Socket): void {
    const why = error.code ?? error.message;
    this.log.warn('pass-through: the remote server could not be reached', { remote: this.url.origin, error: why });
    if (!('headersSent' in res)) return void res.destroy();
    // Once the remote's answer has begun, a JSON error cannot follow it: ending the stream is all that is left.
    if (res.headersSent) return void res.destroy();
    writeJsonError(res, 'REMOTE_UNREACHABLE', `pass-through to server "${this.target.name}": ${why}`);
  }
}

/**
 * The routes of a pass-through server, to mount under /servers/NAME: every method of `/mcp` is
 * forwarded (behind the Host/Origin guard; the app's CORS, rate limit and API key come before), while
 * `/sse` and `/message` answer 404 NOT_FOUND, since pass-through serves Streamable HTTP only.
 */
export function passthroughRouter(proxy: PassthroughProxy, config: HttpConfig, options: PassthroughRequestOptions): express.Router {
  const router = express.Router();
  const guard = hostOriginGuard(config);
  // No body parser here: the body must reach the remote as it came, so nothing may read it first.
  router.all('/mcp', guard, (req, res) => proxy.handle(req, res, options));
  const name = proxy.target.name;
  router.all(['/sse', '/message'], guard, (_req, res) =>
    writeJsonError(res, 'NOT_FOUND', `server "${name}" is passed through to its remote, which serves Streamable HTTP only: use /servers/${name}/mcp`),
  );
  return router;
}
