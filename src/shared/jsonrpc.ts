// Small JSON-RPC 2.0 helpers: structural checks and message kinds, shared by every layer.
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { RawJson } from './rawJson.js';
import { rawJsonOf } from './rawMessage.js';

type Json = Record<string, unknown>;

function isId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/**
 * A cheap structural check for one JSON-RPC 2.0 message: a request, notification or response.
 * Deliberately shallow (no schema walk) so that 16 MiB results cost nothing extra.
 */
export function isJsonRpcMessage(value: unknown): value is JSONRPCMessage {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const message = value as Json;
  if (message.jsonrpc !== '2.0') return false;
  if (typeof message.method === 'string') {
    if ('id' in message && !isId(message.id)) return false;
    return message.params === undefined || (typeof message.params === 'object' && message.params !== null);
  }
  if (!isId(message.id) && message.id !== null) return false;
  if ('result' in message) return !('error' in message);
  const error = message.error as Json | undefined;
  return typeof error === 'object' && error !== null && typeof error.code === 'number' && typeof error.message === 'string';
}

/** Whether `value` is what a POST may carry: one JSON-RPC message, or a non-empty batch of them. */
export function isJsonRpcBody(value: unknown): value is JSONRPCMessage | JSONRPCMessage[] {
  return Array.isArray(value) ? value.length > 0 && value.every(isJsonRpcMessage) : isJsonRpcMessage(value);
}

/** A request: has a method and an id. */
export function isRequest(message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId; method: string } {
  return 'method' in message && 'id' in message && message.id !== undefined;
}

/** A notification: has a method and no id. */
export function isNotification(message: JSONRPCMessage): message is JSONRPCMessage & { method: string } {
  return 'method' in message && !('id' in message && message.id !== undefined);
}

/** A response (result or error) to a request. */
export function isResponse(message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } {
  return !('method' in message);
}

/** The progress token a request asked for in `params._meta.progressToken`, if any. */
export function progressTokenOf(message: JSONRPCMessage): string | number | undefined {
  const meta = (message as { params?: { _meta?: { progressToken?: unknown } } }).params?._meta;
  const token = meta?.progressToken;
  return typeof token === 'string' || typeof token === 'number' ? token : undefined;
}

/** What one line of newline-delimited JSON-RPC turned out to be. */
export type LineResult =
  | { kind: 'message'; message: JSONRPCMessage }
  | { kind: 'blank' }
  | { kind: 'not-json' }
  | { kind: 'not-json-rpc'; value: unknown };

// The text each large message was read from: passing it on unchanged then costs no second
// serialization (for a 16 MiB result, tens of milliseconds and another 16 MiB string).
const textOfMessage = new WeakMap<object, string>();
/** Lines from this length on keep their text; for small ones a WeakMap entry costs more than it saves. */
const keepTextFromLength = 64 * 1024;

/** The JSON text of a message: the text it was read from when that was kept, else JSON.stringify. */
export function jsonText(message: JSONRPCMessage): string {
  return rawJsonOf(message)?.toString() ?? textOfMessage.get(message) ?? JSON.stringify(message);
}

/**
 * A message as it goes on the wire: the bytes it was read in when it is a raw message (see
 * rawMessage.ts; no carriage return or newline in them), else its JSON text (see jsonText).
 */
export function wireForm(message: JSONRPCMessage): string | RawJson {
  return rawJsonOf(message) ?? textOfMessage.get(message) ?? JSON.stringify(message);
}

/** Reads one line of a stdio transport: a JSON-RPC message, or why it is not one. */
export function parseJsonRpcLine(line: string): LineResult {
  if (line.trim() === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'not-json' };
  }
  if (!isJsonRpcMessage(value)) return { kind: 'not-json-rpc', value };
  // A carriage return would end an SSE data line early: such texts are serialized afresh.
  if (line.length >= keepTextFromLength && !line.includes('\r')) textOfMessage.set(value, line);
  return { kind: 'message', message: value };
}
