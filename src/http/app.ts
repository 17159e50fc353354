// The express app of the forward bridge: health probes, the security chain, metrics, and the routes
// of legacy SSE, Streamable HTTP and modern requests, with JSON errors for everything else.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Store } from 'express-rate-limit';
import type { HttpConfig, SecurityConfig } from './options.js';
import type { LegacySseEndpoints } from '../downstream/sse/endpoints.js';
import type { ModernEndpoint } from '../downstream/modern/endpoint.js';
import type { StreamableHttpEndpoint } from '../downstream/streamableHttp/endpoint.js';
import { writeJsonError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { bodyErrors, jsonRpcBody } from './body.js';
import { hostOriginGuard } from './guards.js';
import { countRejections, metricsHandler, type Scrapable } from './observability.js';
import { securityMiddleware } from './security.js';
import type { PeerForwarder } from './forwarding.js';

/** One MCP server's endpoints and the paths they answer on. */
export interface ServerRoutes {
  ssePath: string;
  messagePath: string;
  streamableHttpPath: string;
  sse: LegacySseEndpoints;
  streamableHttp: StreamableHttpEndpoint;
  /** Modern requests on the Streamable HTTP path, decided per request (default: none, everything is session-era). */
  modern?: ModernEndpoint;
}

/** What /readyz reports. */
export interface AppStatus {
  /** False once shutdown has begun. */
  readonly accepting: boolean;
  /** Why MCP servers cannot be started right now, if so: /readyz then answers 503. */
  readonly notReadyReason: string | undefined;
  /** Live sessions, all servers together. */
  readonly sessions: number;
  /** Scale-out: the registry's state, shown as /readyz's `cluster` field (absent for a single process). */
  readonly cluster?: Record<string, unknown>;
}

/** What the express app routes to. */
export interface AppParts {
  config: HttpConfig;
  /** API key, CORS and rate limit for everything but the health probes. */
  security: SecurityConfig;
  /** The MCP servers served, each on its own paths. */
  servers: readonly ServerRoutes[];
  status: AppStatus;
  log: Logger;
  /** Served on GET /metrics and told about refused requests (default: no /metrics). */
  metrics?: Scrapable & { rejected(reason: string): void };
  /** More routes behind the security chain, after the servers' (gateway mode: GET /servers, unknown server names). */
  extraRoutes?: (app: express.Express) => void;
  /** Scale-out: sends requests for other replicas' sessions to them (default: every session is local). */
  forwarder?: PeerForwarder;
  /** More paths whose sessions the forwarder routes, besides the servers' own (gateway mode: each server's routes; default none). */
  forwardedPaths?: (path: string) => boolean;
  /** Scale-out with Redis: where --rateLimit is counted across the cluster (default: in memory). */
  rateLimitStore?: Store;
}

function methodNotAllowed(allow: string) {
  return (_req: Request, res: Response): void => writeJsonError(res, 'METHOD_NOT_ALLOWED', undefined, { Allow: allow });
}

/**
 * A route handler whose response is a long-lived event stream (a legacy SSE session, a Streamable HTTP
 * GET stream): express keeps its routers' state (`req.next`, the closures of each router passed) for as
 * long as the request lives, hours for a stream; these handlers never call next, so it is let go first.
 */
function streaming(handler: (req: Request, res: Response) => unknown): express.RequestHandler {
  return (req, res) => {
    req.next = undefined;
    return handler(req, res);
  };
}

/** One server's routes: legacy SSE, and Streamable HTTP with the era of each POST decided here, once, so it goes to one endpoint. */
function routeServer(app: express.IRouter, server: ServerRoutes, guard: express.RequestHandler, body: express.RequestHandler[], forwarder?: PeerForwarder): void {
  const { ssePath, messagePath, streamableHttpPath, sse, streamableHttp, modern } = server;
  app.get(ssePath, guard, streaming((req, res) => sse.openStream(req, res)));
  app.all(ssePath, methodNotAllowed('GET'));
  app.post(messagePath, guard, ...body, (req, res) => sse.postMessage(req, res, req.body));
  app.all(messagePath, methodNotAllowed('POST'));
  app.post(streamableHttpPath, guard, ...body, async (req, res) => {
    // A retry of a 2026-07-28 call paused on another replica goes there (its body had to be read to know).
    if (forwarder && (await forwarder.pausedCall(req, res))) return;
    const modernRequest = await modern?.classify(req, res, req.body);
    if (modernRequest) await modern!.serve(modernRequest, req.body, res);
    else await streamableHttp.handle(req, res, req.body);
  });
  app.get(streamableHttpPath, guard, streaming((req, res) => streamableHttp.handle(req, res, undefined)));
  app.delete(streamableHttpPath, guard, (req, res) => streamableHttp.handle(req, res, undefined));
  app.all(streamableHttpPath, methodNotAllowed('GET, POST, DELETE'));
}

/** A router serving one server's routes, to mount under a prefix that requests are dispatched to (gateway mode). */
export function serverRouter(server: ServerRoutes, config: HttpConfig, forwarder?: PeerForwarder): express.Router {
  const router = express.Router();
  routeServer(router, server, hostOriginGuard(config), jsonRpcBody(config.maxBodyBytes), forwarder);
  return router;
}

/** Builds the express app: health probes, every server's legacy SSE and Streamable HTTP routes, and JSON errors for everything else (async: optional guards load on demand). */
export async function createApp({ config, security, servers, status, log, metrics, extraRoutes, forwarder, forwardedPaths, rateLimitStore }: AppParts): Promise<express.Express> {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const guard = hostOriginGuard(config);
  const body = jsonRpcBody(config.maxBodyBytes);

  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', (_req, res) => {
    const reason = status.accepting ? status.notReadyReason : undefined;
    const state = !status.accepting ? 'shutting down' : reason ? 'not ready' : 'ready';
    const cluster = status.cluster;
    res.status(state === 'ready' ? 200 : 503).json({ status: state, ...(reason && { reason }), sessions: status.sessions, ...(cluster && { cluster }) });
  });
  // After the probes (a 503 from /readyz is an answer, not a refusal) and before the security
  // middleware, so that refused keys and rate-limited requests are counted too.
  if (metrics) app.use(countRejections((reason) => metrics.rejected(reason)));
  // Everything registered below (MCP endpoints, /metrics, later ones too, and 404s) needs the key when one is set.
  for (const protect of await securityMiddleware(security, log, security.rateLimit && rateLimitStore)) app.use(protect);
  if (metrics) app.get('/metrics', metricsHandler(metrics));
  // Before the routes and their body parsers: a forwarded body must reach the owner as it came.
  if (forwarder) {
    const paths = servers.flatMap((server) => [server.messagePath, server.streamableHttpPath]);
    app.use(forwarder.sessions((path) => paths.includes(path) || (forwardedPaths?.(path) ?? false)));
  }
  for (const server of servers) routeServer(app, server, guard, body, forwarder);
  extraRoutes?.(app);

  app.use((_req, res) => writeJsonError(res, 'NOT_FOUND'));
  app.use(bodyErrors);
  app.use((error: Error, req: Request, res: Response, _next: NextFunction) => {
    log.error('request failed', { method: req.method, path: req.path, error: error.message });
    writeJsonError(res, 'INTERNAL');
  });
  return app;
}
