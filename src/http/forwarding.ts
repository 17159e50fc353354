// Forwarding to peer replicas (scale-out): a request naming a session another replica owns is sent
// to that replica with http-proxy-3, body and answer streamed chunk by chunk both ways, the client's
// headers intact plus a hop marker, so that a request is never forwarded twice.
import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createProxyServer, type ProxyServer } from 'http-proxy-3';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { queryParam } from '../downstream/sessionIds.js';
import { writeJsonError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';

/** The header a forwarded request carries: its receiver serves it itself, whatever it names. */
export const hopHeader = 'mcp-bridge-forwarded';

/**
 * Time allowed to connect to a peer (5 s, the registry's heartbeat expiry): a replica that died with its host
 * must not hold the client longer, while one that is only busy (its accept queue full under a burst) still
 * gets the request. A replica that died on a live host refuses the connection at once.
 */
export const peerConnectTimeoutMs = 5000;

/** How long a kept-alive connection to a peer may stay idle before this side closes it (4 s). */
export const peerIdleMs = 4000;

/**
 * Errors that say the peer cannot be reached at all, rather than that one connection failed. A connect timeout is
 * not one: a live replica swamped for seconds is slow to connect too, and taking it for gone would answer every one
 * of its sessions 404; a lost machine drops out of the registry instead (its entry expires, then its grace ends).
 */
const peerGoneCodes = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);

/** Where a request belongs: here, at a live peer's address, or nowhere (its owner is gone, or the id is not ours). */
export type PeerRoute =
  | { readonly to: 'local' }
  | { readonly to: 'peer'; readonly owner: string; readonly url: string }
  | { readonly to: 'nowhere'; readonly detail: string };

/** What the forwarder asks the cluster (implemented by cluster/routing.ts). */
export interface PeerRouting {
  /** Where a request naming session `id` belongs. */
  route(id: string): Promise<PeerRoute>;
  /** Where a 2026-07-28 retry carrying `requestState` belongs (local when the state is not a cluster's, so the handler refuses it). */
  routeState(requestState: string): Promise<PeerRoute>;
  /** A peer could not be reached: it is taken for gone until the registry says otherwise. */
  unreachable(owner: string): void;
  /** Counts a forwarded request (`mcp_bridge_forwarded_total`). */
  forwarded(): void;
}

/** The session a request names, in either transport's spelling (Streamable HTTP's header, legacy SSE's query). */
function sessionIdOf(req: IncomingMessage): string | undefined {
  const header = req.headers['mcp-session-id'];
  return (Array.isArray(header) ? header[0] : header) ?? queryParam(req, 'sessionId', 'session_id');
}

/** The requestState of a 2026-07-28 retry body, if it is one. */
function requestStateOf(body: unknown): { state: string; id: RequestId | null } | undefined {
  const message = body as { id?: RequestId; params?: { requestState?: unknown } } | null;
  const state = message?.params?.requestState;
  return typeof state === 'string' ? { state, id: message?.id ?? null } : undefined;
}

/**
 * Fails a connection to a peer that is still not established `timeoutMs` after it began (ECONNECT_TIMEOUT).
 * The check runs after the event loop's next poll, not in the timer itself: a loop lagging by seconds under load
 * runs its due timers before it reads which connections completed meanwhile, and must not take those for failed.
 */
function guardConnect(socket: Socket, timeoutMs: number): void {
  if (!socket.connecting) return;
  const timer = setTimeout(() => setImmediate(() => socket.connecting && socket.destroy(connectTimeoutError())), timeoutMs);
  const done = (): void => clearTimeout(timer);
  socket.once('connect', done).once('close', done);
}

function connectTimeoutError(): NodeJS.ErrnoException {
  return Object.assign(new Error('connecting to the peer replica timed out'), { code: 'ECONNECT_TIMEOUT' });
}

/**
 * Sends requests for other replicas' sessions to them. The answer of a peer that cannot be reached
 * is SESSION_NOT_FOUND (404, the spec's signal to start a new session) or, for a retry of a paused
 * call, REQUEST_STATE_EXPIRED; a peer that dies mid-answer ends the client's stream.
 */
export class PeerForwarder {
  private readonly proxy: ProxyServer;
  // Keep-alive connections to peers, so a session's many POSTs do not each open one; one idle for 4 s is closed
  // by this side, long before the peer would close it (server.ts), so a request never crosses the peer's close.
  private readonly agent = new Agent({ keepAlive: true, timeout: peerIdleMs });
  private readonly open = new Set<ServerResponse>();
  // Set by drain(): requests for peers' sessions are refused (503) from then on, so nothing new is cut.
  private draining = false;

  constructor(
    private readonly routing: PeerRouting,
    private readonly log: Logger,
  ) {
    this.proxy = createProxyServer({ agent: this.agent, xfwd: false, changeOrigin: false, followRedirects: false });
    this.proxy.on('proxyReq', (_proxyReq, _req, _res, _options, socket) => guardConnect(socket as Socket, peerConnectTimeoutMs));
    this.proxy.on('proxyRes', (proxyRes, _req, res) => {
      proxyRes.once('close', () => void (!proxyRes.complete && res.destroy()));
      // Headers go out at once: a client opening a GET stream waits for them before anything is sent on it.
      queueMicrotask(() => void (!res.headersSent && !res.destroyed && res.flushHeaders()));
    });
    this.proxy.on('econnreset', () => undefined);
  }

  /**
   * Middleware for the session paths (those `isSessionPath` accepts), before any body parser: a request
   * naming a session of another replica is forwarded, one naming a session nobody can own is answered
   * 404, the rest go on.
   */
  sessions(isSessionPath: (path: string) => boolean): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      if (req.headers[hopHeader] !== undefined || !isSessionPath(req.path)) return next();
      const id = sessionIdOf(req);
      if (id === undefined) return next();
      this.routing.route(id).then((route) => {
        if (route.to === 'local') return next();
        if (this.draining) return writeJsonError(res, 'SHUTTING_DOWN', 'this replica is draining; send the request again');
        if (route.to === 'nowhere') return writeJsonError(res, 'SESSION_NOT_FOUND', route.detail);
        this.forward(req, res, route, undefined, () => writeJsonError(res, 'SESSION_NOT_FOUND', 'its replica cannot be reached'));
      }, next);
    };
  }

  /**
   * For a parsed 2026-07-28 POST: true when it was a retry of a call paused on another replica and
   * has been forwarded there (its body sent again as JSON) or answered REQUEST_STATE_EXPIRED.
   */
  async pausedCall(req: Request, res: Response): Promise<boolean> {
    const retry = req.headers[hopHeader] === undefined && req.headers['mcp-session-id'] === undefined ? requestStateOf(req.body) : undefined;
    if (!retry) return false;
    const route = await this.routing.routeState(retry.state);
    if (route.to === 'local') return false;
    if (this.draining) {
      writeJsonError(res, 'SHUTTING_DOWN', 'this replica is draining; send the request again', {}, retry.id);
      return true;
    }
    const expired = (detail: string): void => writeJsonError(res, 'REQUEST_STATE_EXPIRED', detail, {}, retry.id);
    if (route.to === 'nowhere') {
      expired(route.detail);
      return true;
    }
    // The body was read to see the requestState; the peer gets it again, as JSON of the same value.
    const body = Buffer.from(JSON.stringify(req.body));
    req.headers['content-length'] = String(body.length);
    delete req.headers['transfer-encoding'];
    this.forward(req, res, route, Readable.from([body]), () => expired('the replica holding the paused call cannot be reached'));
    return true;
  }

  /** Requests and streams being forwarded now. */
  get inFlight(): number {
    return this.open.size;
  }

  /**
   * Drains the forwarder: new requests for peers' sessions get 503 SHUTTING_DOWN (their clients send them
   * again, reaching another replica), exchanges under way are let finish for up to `graceMs`, then the rest is cut.
   */
  async drain(graceMs: number): Promise<void> {
    this.draining = true;
    const finished = Promise.all([...this.open].map((res) => new Promise<void>((resolve) => (res.closed ? resolve() : res.once('close', () => resolve())))));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([finished, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.close();
  }

  /** Cuts what is being forwarded and closes the connections to peers. */
  close(): void {
    for (const res of this.open) res.destroy();
    this.agent.destroy();
  }

  private forward(req: IncomingMessage, res: ServerResponse, route: { owner: string; url: string }, buffer: Readable | undefined, unreachable: () => void): void {
    req.headers[hopHeader] = '1';
    this.routing.forwarded();
    this.open.add(res);
    res.once('close', () => this.open.delete(res));
    this.proxy.web(req, res, { target: route.url, ...(buffer && { buffer }) }, (error) => {
      const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      this.log.warn('could not forward to the replica owning the session', { owner: route.owner, error: why });
      // A reset of one kept-alive connection says nothing of the peer: only a failure to connect marks it gone.
      if (peerGoneCodes.has(why)) this.routing.unreachable(route.owner);
      // Once the peer's answer has begun, nothing can follow it: ending the stream is all that is left.
      if (!('headersSent' in res) || res.headersSent) return void res.destroy();
      unreachable();
    });
  }
}
