// CORS for browser MCP clients (`--cors`): the headers they send and must be able to read.
import cors from 'cors';
import type { CorsOrigins } from './options.js';

/** Request headers an MCP browser client sends: session, protocol version, resumption, credentials. */
export const corsAllowedHeaders = ['Content-Type', 'Accept', 'Authorization', 'X-API-Key', 'Mcp-Session-Id', 'Mcp-Protocol-Version', 'Last-Event-ID'];
/** Response headers a browser client must be able to read: the session id above all. */
export const corsExposedHeaders = ['Mcp-Session-Id', 'WWW-Authenticate', 'Retry-After'];

/**
 * CORS for `--cors` (any origin, `*`) or `--cors ORIGIN…` (those only). Preflights are answered
 * 204 here, before authentication, since browsers send them without credentials.
 */
export function corsMiddleware(origins: CorsOrigins) {
  return cors({
    origin: origins === '*' ? '*' : [...origins],
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: corsAllowedHeaders,
    exposedHeaders: corsExposedHeaders,
    // Browsers cap this anyway (Chrome: 2 h); it saves a preflight per request.
    maxAge: 600,
  });
}
