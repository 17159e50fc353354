// The express app of the forward bridge: health probes, the security chain, metrics, and the routes
// of legacy SSE, Streamable HTTP and modern requests, with JSON errors for everything else.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { HttpConfig, SecurityConfig } from './options.js';
import type { Gateway } from '../core/gateway.js';
import type { LegacySseEndpoints } from '../downstream/sse/endpoints.js';
import type { ModernEndpoint } from '../downstream/modern/endpoint.js';
import type { StreamableHttpEndpoint } from '../downstream/streamableHttp/endpoint.js';
import { writeJsonError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { bodyErrors, jsonRpcBody } from './body.js';
import { hostOriginGuard } from './guards.js';
import { countRejections, metricsHandler, type Scrapable } from './observability.js';
import { securityMiddleware } from './security.js';

/** What the express app routes to. */
export interface AppParts {
  config: HttpConfig;
  /** API key, CORS and rate limit for everything but the health probes. */
  security: SecurityConfig;
  gateway: Gateway;
  sse: LegacySseEndpoints;
  streamableHttp: StreamableHttpEndpoint;
  /** 2026-07-28 requests on /mcp, decided per request (default: none, everything is session-era). */
  modern?: ModernEndpoint;
  log: Logger;
  /** Served on GET /metrics and told about refused requests (default: no /metrics). */
  metrics?: Scrapable & { rejected(reason: string): void };
  /** Why MCP servers cannot be started right now, if so: /readyz then answers 503. */
  readiness?: { readonly notReadyReason: string | undefined };
}

function methodNotAllowed(allow: string) {
  return (_req: Request, res: Response): void => writeJsonError(res, 'METHOD_NOT_ALLOWED', undefined, { Allow: allow });
}

/** Builds the express app: health probes, legacy SSE, Streamable HTTP, and JSON errors for everything else (async: optional guards load on demand). */
export async function createApp({ config, security, gateway, sse, streamableHttp, modern, log, metrics, readiness }: AppParts): Promise<express.Express> {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const guard = hostOriginGuard(config);
  const body = jsonRpcBody(config.maxBodyBytes);

  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', (_req, res) => {
    const reason = gateway.isAccepting ? readiness?.notReadyReason : undefined;
    const status = !gateway.isAccepting ? 'shutting down' : reason ? 'not ready' : 'ready';
    res.status(status === 'ready' ? 200 : 503).json({ status, ...(reason && { reason }), sessions: gateway.sessions.size });
  });
  // After the probes (a 503 from /readyz is an answer, not a refusal) and before the security
  // middleware, so that refused keys and rate-limited requests are counted too.
  if (metrics) app.use(countRejections((reason) => metrics.rejected(reason)));
  // Everything registered below (MCP endpoints, /metrics, later ones too, and 404s) needs the key when one is set.
  for (const protect of await securityMiddleware(security, log)) app.use(protect);
  if (metrics) app.get('/metrics', metricsHandler(metrics));

  app.get(config.ssePath, guard, (req, res) => sse.openStream(req, res));
  app.all(config.ssePath, methodNotAllowed('GET'));
  app.post(config.messagePath, guard, ...body, (req, res) => sse.postMessage(req, res, req.body));
  app.all(config.messagePath, methodNotAllowed('POST'));
  // The era of a /mcp POST is decided here, once, and the request goes to that era's endpoint only.
  app.post(config.streamableHttpPath, guard, ...body, async (req, res) => {
    const modernRequest = await modern?.classify(req, res, req.body);
    if (modernRequest) await modern!.serve(modernRequest, req.body, res);
    else await streamableHttp.handle(req, res, req.body);
  });
  app.get(config.streamableHttpPath, guard, (req, res) => streamableHttp.handle(req, res, undefined));
  app.delete(config.streamableHttpPath, guard, (req, res) => streamableHttp.handle(req, res, undefined));
  app.all(config.streamableHttpPath, methodNotAllowed('GET, POST, DELETE'));

  app.use((_req, res) => writeJsonError(res, 'NOT_FOUND'));
  app.use(bodyErrors);
  app.use((error: Error, req: Request, res: Response, _next: NextFunction) => {
    log.error('request failed', { method: req.method, path: req.path, error: error.message });
    writeJsonError(res, 'INTERNAL');
  });
  return app;
}
