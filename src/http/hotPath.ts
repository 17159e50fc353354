// The hot path of the forward bridge: a POST to an established session's Streamable HTTP endpoint
// or to legacy SSE's message endpoint, and the GET of an event stream, served on node:http before
// express; every other request, and every request the hot path would refuse before reading its body,
// goes to express unchanged.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { writeJsonError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { apiKeyAccepted, offeredKeys } from './apiKey.js';
import type { AppParts, ServerRoutes } from './app.js';
import { hostOriginRefusal } from './guards.js';
import { readableLength, readJsonRpcBody, type JsonRpcBody } from './hotBody.js';
import { rejectionCounter } from './observability.js';

/** Paths express matches exactly as written: no parameters, wildcards or groups of its path syntax. */
const plainPath = /^\/[A-Za-z0-9._~/-]*$/;

/**
 * Whether the hot path can serve these parts exactly as express would: one server at distinct plain
 * paths, and no CORS, rate limit or scale-out (their headers, counters and forwarding live in
 * express's middleware, so with any of them on every request takes the express path).
 */
function applies({ servers, security, forwarder, forwardedPaths, extraRoutes }: AppParts): boolean {
  if (servers.length !== 1 || forwarder || forwardedPaths || extraRoutes || security.rateLimit || security.cors !== undefined) return false;
  const { ssePath, messagePath, streamableHttpPath } = servers[0]!;
  const paths = [ssePath, messagePath, streamableHttpPath];
  return new Set(paths).size === 3 && paths.every((path) => plainPath.test(path));
}

/**
 * A POST's endpoint (`open`: /mcp without a session id, an initialize or a 2026-07-28 request), or the
 * GET of an event stream: legacy SSE's, or an established Streamable HTTP session's.
 */
type HotEndpoint = 'message' | 'mcp' | 'open' | 'sse' | 'stream';

/** Which hot endpoint a request is for, if any: only exact paths, POST or GET, and for /mcp an existing session's id. */
function endpointOf(req: IncomingMessage, routes: ServerRoutes): HotEndpoint | undefined {
  if (req.method !== 'POST' && req.method !== 'GET') return undefined;
  const url = req.url ?? '';
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  if (req.method === 'GET') {
    // A stream lives as long as its session, and express's prototype swap gives every request and
    // response it serves a hidden class of its own (~1 KiB each, held for the stream's life).
    if (path === routes.ssePath) return 'sse';
    return path === routes.streamableHttpPath && req.headers['mcp-session-id'] !== undefined ? 'stream' : undefined;
  }
  // Without a session id, an initialize or a 2026-07-28 request: decided after the body, as express's route does.
  if (path === routes.streamableHttpPath) return req.headers['mcp-session-id'] !== undefined ? 'mcp' : 'open';
  return path === routes.messagePath ? 'message' : undefined;
}

/** The checks of express's chain before the routes' handlers: the API key, then Host and Origin. */
function admissionCheck({ security, config }: AppParts): (req: IncomingMessage) => boolean {
  const refusal = hostOriginRefusal(config);
  const accepted = security.apiKey === undefined ? undefined : apiKeyAccepted(security.apiKey);
  return (req) => (accepted === undefined || accepted(offeredKeys(req.headers))) && refusal(req.headers) === undefined;
}

/**
 * Puts the hot path in front of `app` (the express app createApp built from the same `parts`):
 * POSTs to an established session's `/mcp` and to `/message`, admitted by the same checks and
 * within --maxBodyBytes, are read and parsed once and handed to their endpoint, and so are the GETs
 * of event streams (`/sse`, an established session's `/mcp`) admitted by them; the rest goes to
 * `app`, which answers it (refusals included) exactly as before. Returns `app` itself when the
 * parts need express for everything (see applies).
 */
export function hotPathFirst(app: RequestListener, parts: AppParts): RequestListener {
  if (!applies(parts)) return app;
  const routes = parts.servers[0]!;
  const admitted = admissionCheck(parts);
  const { maxBodyBytes } = parts.config;
  const metrics = parts.metrics;
  // One listener for every response, not a closure each.
  const countRefusal = metrics && rejectionCounter((reason) => metrics.rejected(reason));
  return (req, res) => {
    const endpoint = endpointOf(req, routes);
    if (!endpoint || !admitted(req)) return app(req, res);
    if (endpoint === 'sse' || endpoint === 'stream') {
      if (countRefusal) res.on('close', countRefusal);
      return serve(endpoint, routes, req, res, undefined, parts.log);
    }
    const length = readableLength(req, maxBodyBytes);
    if (length === undefined) return app(req, res);
    if (countRefusal) res.on('close', countRefusal);
    readJsonRpcBody(req, res, length, (body) => serve(endpoint, routes, req, res, body, parts.log));
  };
}

/** Hands a request (a POST with its parsed body) to its endpoint; a failure is answered as express's error handler answers it. */
function serve(endpoint: HotEndpoint, routes: ServerRoutes, req: IncomingMessage, res: ServerResponse, body: JsonRpcBody | undefined, log: Logger): void {
  const failed = (error: unknown): void => {
    log.error('request failed', { method: req.method, path: req.url?.split('?')[0], error: (error as Error).message });
    writeJsonError(res, 'INTERNAL');
  };
  try {
    if (endpoint === 'message') routes.sse.postMessage(req, res, body!);
    else if (endpoint === 'sse') routes.sse.openStream(req, res).catch(failed);
    else if (endpoint === 'open') sessionless(routes, req, res, body!).catch(failed);
    else routes.streamableHttp.handle(req, res, body).catch(failed);
  } catch (error) {
    failed(error);
  }
}

/**
 * A POST to /mcp without a session id, as express's route serves it: a 2026-07-28 request, or an
 * initialize opening a session (whose response express would have given a hidden class of its own,
 * and every header and wrapper added to it a copy of that class).
 */
async function sessionless(routes: ServerRoutes, req: IncomingMessage, res: ServerResponse, body: JsonRpcBody): Promise<void> {
  const modern = await routes.modern?.classify(req, res, body);
  if (modern) await routes.modern!.serve(modern, body, res);
  else await routes.streamableHttp.handle(req, res, body);
}
