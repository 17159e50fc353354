/**
 * The modern (2026-07-28) wire seen from a session-era desktop client: what replaces the handshake.
 * Each request carries the client's identity in `params._meta`; `initialize` is answered from the
 * server's `server/discover` result instead of being sent.
 */
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { metaKeys, modernEnvelope, type ClientIdentity } from '../../../shared/modernWire.js';

type Json = Record<string, unknown>;


/** A request as the bridge handles it: method, id and an object of params. */
export type RpcRequest = { jsonrpc: '2.0'; id: RequestId; method: string; params?: Json };

/** True when the message already speaks 2026-07-28 (a modern desktop client): passed on as it is. */
export function carriesModernMeta(message: JSONRPCMessage): boolean {
  const meta = (message as { params?: { _meta?: Json } }).params?._meta;
  return typeof meta?.[metaKeys.protocolVersion] === 'string';
}

/** The request with the client's identity added to `params._meta` (a progress token and other keys stay). */
export function withMeta(request: RpcRequest, identity: ClientIdentity): RpcRequest {
  const params = request.params ?? {};
  return { ...request, params: { ...params, _meta: { ...(params._meta as Json | undefined), ...modernEnvelope(identity) } } };
}

/** The protocol version a request claims in `_meta`, if any. */
export function metaVersion(request: RpcRequest): string | undefined {
  const version = (request.params?._meta as Json | undefined)?.[metaKeys.protocolVersion];
  return typeof version === 'string' ? version : undefined;
}

/** The answer to a legacy client's initialize, built from the remote's server/discover result. */
export function initializeResult(discovered: Json, requestedVersion: unknown): Json {
  const meta = (discovered._meta ?? {}) as Json;
  const serverInfo = meta[metaKeys.serverInfo] ?? discovered.serverInfo ?? { name: 'remote MCP server', version: 'unknown' };
  const result: Json = {
    // The client asked for a legacy version it speaks; the bridge translates, so that version it is.
    protocolVersion: typeof requestedVersion === 'string' ? requestedVersion : '2025-11-25',
    capabilities: discovered.capabilities ?? {},
    serverInfo,
  };
  if (typeof discovered.instructions === 'string') result.instructions = discovered.instructions;
  return result;
}

/** A successful response. */
export function resultResponse(id: RequestId, result: Json): JSONRPCMessage {
  return { jsonrpc: '2.0', id, result } as JSONRPCMessage;
}
