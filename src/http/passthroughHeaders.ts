// The headers of an opaque pass-through (gateway mode's `passthrough`): what of the client's request
// reaches the remote, and what of the remote's answer reaches the client. Everything end-to-end passes
// unchanged; hop-by-hop headers stop here in both directions, the entry's own headers win over the
// client's, and the credentials a client shows the gateway never travel on.
import type { IncomingHttpHeaders } from 'node:http';

/** Hop-by-hop headers (RFC 9110 §7.6.1, plus the de-facto Proxy-Connection): they describe one connection, not the message. */
const hopByHop = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

/** The headers the gateway's API key check reads (http/apiKey.ts): they hold the gateway's key, never the remote's. */
const gatewayCredentials = ['authorization', 'x-api-key'];

/** The hop-by-hop names of a message: the fixed ones and those its own `Connection` header lists. */
function hopByHopNames(headers: IncomingHttpHeaders): Set<string> {
  const connection = headers.connection;
  const listed = (Array.isArray(connection) ? connection.join(',') : connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  return new Set([...hopByHop, ...listed]);
}

/**
 * The headers a client request is forwarded to the remote with: the client's, without hop-by-hop ones
 * and (when the gateway checks an API key, `dropCredentials`) without `Authorization` and `X-API-Key`,
 * then the entry's `headers` on top, replacing the client's headers of the same name in any case.
 */
export function remoteRequestHeaders(client: IncomingHttpHeaders, entry: Readonly<Record<string, string>>, dropCredentials: boolean): IncomingHttpHeaders {
  const dropped = hopByHopNames(client);
  if (dropCredentials) for (const name of gatewayCredentials) dropped.add(name);
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(client)) if (!dropped.has(name)) headers[name] = value;
  // Node's incoming header names are lower case; the entry's are written as people write them.
  for (const [name, value] of Object.entries(entry)) headers[name.toLowerCase()] = value;
  return headers;
}

/**
 * Removes from a remote's response headers, in place, the hop-by-hop ones and the CORS ones: the
 * gateway's own CORS policy (`--cors`) answers the browser, not the remote's.
 */
export function stripRemoteResponseHeaders(headers: IncomingHttpHeaders): void {
  const dropped = hopByHopNames(headers);
  for (const name of Object.keys(headers)) if (dropped.has(name) || name.startsWith('access-control-')) delete headers[name];
}
