// CORS for browser MCP clients (`--cors`): the headers clients of every era send and must be able to read.
import cors from 'cors';
import type { Request, RequestHandler } from 'express';
import type { CorsOrigins } from './options.js';

/**
 * Request headers an MCP browser client of any era may send: the body and its media types, the
 * credentials (`Authorization`, `X-API-Key`), the session era's session id and resumption, and
 * 2026-07-28's version, method and name. `Mcp-Param-*` headers are added per preflight (below).
 */
export const corsAllowedHeaders = [
  'Content-Type',
  'Accept',
  'Authorization',
  'X-API-Key',
  'Mcp-Session-Id',
  'Mcp-Protocol-Version',
  'Mcp-Method',
  'Mcp-Name',
  'Last-Event-ID',
];
/**
 * Response headers a browser client must be able to read: the session id (session era), the
 * challenge of a 401 (`WWW-Authenticate`, read by every SDK client) and when to come back after a
 * 429 or 503 (`Retry-After`). The 2026-07-28 transport adds none a client reads.
 */
export const corsExposedHeaders = ['Mcp-Session-Id', 'WWW-Authenticate', 'Retry-After'];

/** `Mcp-Param-{Name}`, where Name is an HTTP token (RFC 9110 `1*tchar`), as SEP-2243 requires of `x-mcp-header`. */
const paramHeader = /^mcp-param-[!#$%&'*+.^_`|~0-9a-z-]+$/i;

/**
 * The request headers one preflight may allow: the fixed list, plus those of its
 * `Access-Control-Request-Headers` that are `Mcp-Param-*` headers (a tool's `x-mcp-header`
 * annotations name them, so no fixed list can). Any other requested header stays unlisted, so the
 * browser refuses the request.
 */
export function allowedHeadersFor(requested: string | undefined): string[] {
  const params = (requested ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => paramHeader.test(name));
  return [...corsAllowedHeaders, ...new Set(params.map((name) => name.toLowerCase()))];
}

/**
 * CORS for `--cors` (any origin, `*`) or `--cors ORIGIN…` (those only). Preflights are answered
 * 204 here, before authentication, since browsers send them without credentials. Which origins
 * may call is decided only by the list; the DNS-rebinding guard still checks `Host` and `Origin`.
 */
export function corsMiddleware(origins: CorsOrigins): RequestHandler {
  const handler = cors<Request>((req, callback) =>
    callback(null, {
      origin: origins === '*' ? '*' : [...origins],
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: allowedHeadersFor(req.headers['access-control-request-headers']),
      exposedHeaders: corsExposedHeaders,
      // Browsers cap this anyway (Chrome: 2 h); it saves a preflight per request. Chrome caches the
      // allowed header names with it, and preflights again for a name it has not seen allowed.
      maxAge: 600,
    }),
  );
  return (req, res, next) => {
    // The allowed headers depend on the requested ones: caches must not reuse one preflight's answer for another.
    if (req.method === 'OPTIONS') res.vary('Access-Control-Request-Headers');
    handler(req, res, next);
  };
}
