/**
 * Facts of the 2026-07-28 HTTP binding that both directions need: the reverse bridge writes the
 * standard headers, the forward bridge checks them, and both must agree on what they mirror.
 */

type Json = Record<string, unknown>;

/** The JSON-RPC code of a request whose standard headers disagree with its body (answered with HTTP 400). */
export const HEADER_MISMATCH = -32020;

/** Which request parameter `Mcp-Name` mirrors, per method; methods not listed carry no `Mcp-Name`. */
const nameSources: Readonly<Record<string, string>> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

/** The value `Mcp-Name` must carry for this request: the tool or prompt name or resource URI; undefined when there is none. */
export function mcpNameOf(method: string, params: Record<string, unknown> | undefined): string | undefined {
  const source = nameSources[method];
  const value = source === undefined ? undefined : params?.[source];
  return typeof value === 'string' ? value : undefined;
}

/** The first (and so far only) modern protocol revision. */
export const MODERN_VERSION = '2026-07-28';

/**
 * Session-era requests that 2026-07-28 removed (SEP-2575): a 2026-07-28 request naming one is answered
 * 404 Method not found, whatever sits behind the bridge (a remote client translating for session-era
 * desktop clients would otherwise answer it).
 */
export const removedInModern: ReadonlySet<string> = new Set(['initialize', 'ping', 'logging/setLevel', 'resources/subscribe', 'resources/unsubscribe']);

/** The `_meta` keys a modern request and result carry. */
export const metaKeys = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  logLevel: 'io.modelcontextprotocol/logLevel',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
  subscriptionId: 'io.modelcontextprotocol/subscriptionId',
} as const;

/** Who the desktop client is: from its initialize, or the bridge itself until one arrives. */
export interface ClientIdentity {
  clientInfo: Json;
  capabilities: Json;
  /** Set by the client's logging/setLevel; sent with every request from then on. */
  logLevel?: string;
}

/** The per-request `_meta` envelope that says who the client is in 2026-07-28. */
export function modernEnvelope(identity: ClientIdentity): Json {
  const envelope: Json = {
    [metaKeys.protocolVersion]: MODERN_VERSION,
    [metaKeys.clientInfo]: identity.clientInfo,
    [metaKeys.clientCapabilities]: identity.capabilities,
  };
  if (identity.logLevel) envelope[metaKeys.logLevel] = identity.logLevel;
  return envelope;
}

/** The bridge's own clientInfo, when it speaks to a server for itself (probing its era, listing its tools). */
export const bridgeClientInfo = { name: 'mcp-bridge', version: '1.0.0' };
