// The one error catalogue: every string code the bridge answers with, its JSON-RPC code, HTTP
// status and message.
import type { ErrorCode, JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { HEADER_MISMATCH } from './modernWire.js';

/**
 * The SDK's `ErrorCode`s we send, as literals the compiler checks against the SDK's enum: importing
 * the enum itself would load the SDK's schemas (zod, ~100 ms) before the first child is spawned.
 */
const wire = {
  ConnectionClosed: -32000,
  RequestTimeout: -32001,
  ParseError: -32700,
  InvalidRequest: -32600,
  InvalidParams: -32602,
  InternalError: -32603,
  MethodNotFound: -32601,
} as const satisfies { [Name in keyof typeof ErrorCode]?: (typeof ErrorCode)[Name] };

/** MCP's "resource not found" code (the spec's, not an SDK enum member). */
const resourceNotFound = -32002;

/**
 * The local error catalogue: every error mcp-bridge reports itself, with its HTTP status and
 * the JSON-RPC code it carries on the wire. Codes are stable strings; messages are for people.
 */
export const catalogue = {
  SESSION_ID_MISSING: { status: 400, rpc: wire.ConnectionClosed, message: 'Bad Request: a session id is required' },
  SESSION_ID_MALFORMED: { status: 400, rpc: wire.ConnectionClosed, message: 'Bad Request: malformed session id' },
  SESSION_NOT_FOUND: { status: 404, rpc: wire.RequestTimeout, message: 'Session not found' },
  PARSE_ERROR: { status: 400, rpc: wire.ParseError, message: 'Parse error: the body is not valid JSON' },
  INVALID_REQUEST: { status: 400, rpc: wire.InvalidRequest, message: 'Invalid Request: the body is not a JSON-RPC 2.0 message' },
  BODY_TOO_LARGE: { status: 413, rpc: wire.ConnectionClosed, message: 'Payload Too Large' },
  // A message dropped for its size is still answered: the detail names the size, the limit and its flag.
  MESSAGE_TOO_LARGE: { status: 413, rpc: wire.ConnectionClosed, message: 'Message too large' },
  NOT_ACCEPTABLE: { status: 406, rpc: wire.ConnectionClosed, message: 'Not Acceptable' },
  UNSUPPORTED_PROTOCOL_VERSION: { status: 400, rpc: wire.ConnectionClosed, message: 'Bad Request: unsupported MCP-Protocol-Version' },
  ALREADY_INITIALIZED: { status: 400, rpc: wire.InvalidRequest, message: 'Invalid Request: the session is already initialized' },
  STREAM_CONFLICT: { status: 409, rpc: wire.ConnectionClosed, message: 'Conflict: this stream is already open' },
  // 2026-07-28 (SEP-2243): the spec's HeaderMismatch code for both, answered with 400.
  HEADER_MISMATCH: { status: 400, rpc: HEADER_MISMATCH, message: 'Bad Request: the request headers and body disagree' },
  HEADER_MALFORMED: { status: 400, rpc: HEADER_MISMATCH, message: 'Bad Request: malformed header value' },
  EVENT_ID_UNKNOWN: { status: 400, rpc: wire.ConnectionClosed, message: 'Bad Request: Last-Event-ID is not an event id of this session' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, rpc: wire.ConnectionClosed, message: 'Unsupported Media Type' },
  HOST_FORBIDDEN: { status: 403, rpc: wire.ConnectionClosed, message: 'Forbidden: Host header not allowed' },
  ORIGIN_FORBIDDEN: { status: 403, rpc: wire.ConnectionClosed, message: 'Forbidden: Origin not allowed' },
  UNAUTHORIZED: { status: 401, rpc: wire.ConnectionClosed, message: 'Unauthorized: a valid API key is required' },
  RATE_LIMITED: { status: 429, rpc: wire.ConnectionClosed, message: 'Too Many Requests: rate limit exceeded' },
  TOO_MANY_SESSIONS: { status: 503, rpc: wire.ConnectionClosed, message: 'Service Unavailable: too many sessions' },
  TOO_MANY_CHILDREN: { status: 503, rpc: wire.ConnectionClosed, message: 'Service Unavailable: every MCP server process allowed is busy' },
  DUPLICATE_REQUEST_ID: { status: 409, rpc: wire.InvalidRequest, message: 'Conflict: a request with this id is still in flight in this session' },
  NOT_FOUND: { status: 404, rpc: wire.ConnectionClosed, message: 'Not Found' },
  SERVER_NOT_FOUND: { status: 404, rpc: wire.ConnectionClosed, message: 'Not Found: no such server in the gateway' },
  METHOD_NOT_ALLOWED: { status: 405, rpc: wire.ConnectionClosed, message: 'Method Not Allowed' },
  SHUTTING_DOWN: { status: 503, rpc: wire.ConnectionClosed, message: 'Service Unavailable: the gateway is shutting down' },
  INTERNAL: { status: 500, rpc: wire.InternalError, message: 'Internal error' },
  CHILD_EXITED: { status: 502, rpc: wire.ConnectionClosed, message: 'The MCP server process exited' },
  CHILD_START_FAILED: { status: 502, rpc: wire.ConnectionClosed, message: 'The MCP server process could not be started' },
  SESSION_CLOSED: { status: 410, rpc: wire.ConnectionClosed, message: 'The session was closed before the server answered' },
  CLIENT_UNREACHABLE: { status: 502, rpc: wire.InternalError, message: 'The client could not be reached' },
  REMOTE_UNREACHABLE: { status: 502, rpc: wire.ConnectionClosed, message: 'The remote MCP server could not be reached' },
  REMOTE_UNAUTHORIZED: { status: 502, rpc: wire.ConnectionClosed, message: 'The remote MCP server refused our credentials' },
  REMOTE_REJECTED: { status: 502, rpc: wire.InternalError, message: 'The remote MCP server refused the message' },
  REMOTE_CONNECTION_LOST: {
    status: 502,
    rpc: wire.ConnectionClosed,
    message: 'The connection to the remote MCP server broke before it answered; the request may have run',
  },
  REMOTE_SESSION_LOST: {
    status: 502,
    rpc: wire.ConnectionClosed,
    message: 'The remote MCP server lost the session (it may have restarted) before it answered; the request may have run',
  },
  REMOTE_INPUT_UNSUPPORTED: {
    status: 502,
    rpc: wire.InvalidRequest,
    message: 'The remote MCP server needs input from the client that the client cannot give',
  },
  REMOTE_INPUT_FAILED: { status: 502, rpc: wire.InternalError, message: 'Gathering the input the remote MCP server asked for failed' },
  SERVER_BUSY: { status: 503, rpc: wire.ConnectionClosed, message: 'The MCP server is busy: every request slot is taken and the queue is full; retry later' },
  SERVER_BACKLOGGED: { status: 503, rpc: wire.ConnectionClosed, message: 'The MCP server is not reading its input; the message was not delivered' },
  REQUEST_TIMEOUT: { status: 504, rpc: wire.RequestTimeout, message: 'The MCP server did not answer in time' },
  // A 2026-07-28 retry whose paused call is gone with its replica: the same -32602 the call's own expiry gets (HTTP 200, as the SDK answers it).
  REQUEST_STATE_EXPIRED: { status: 200, rpc: wire.InvalidParams, message: 'Invalid or expired requestState' },
  // The combined endpoint (gateway mode's root routes).
  METHOD_NOT_FOUND: { status: 404, rpc: wire.MethodNotFound, message: 'Method not found' },
  INVALID_CURSOR: { status: 400, rpc: wire.InvalidParams, message: 'Invalid params: this cursor was not given out by this endpoint' },
  NAME_NOT_FOUND: { status: 404, rpc: wire.InvalidParams, message: 'Invalid params: not offered by the combined endpoint' },
  RESOURCE_NOT_FOUND: { status: 404, rpc: resourceNotFound, message: 'Resource not found' },
  SERVER_UNAVAILABLE: { status: 503, rpc: wire.ConnectionClosed, message: 'The MCP server behind this name is not available' },
  CONFIG_INVALID: { status: 500, rpc: wire.InternalError, message: 'Invalid configuration' },
  // The client modes (inspect, chat): what the person at the terminal is told, one line each.
  CLIENT_CONNECT_FAILED: { status: 502, rpc: wire.ConnectionClosed, message: 'Could not connect to the MCP server' },
  CLIENT_CONNECTION_LOST: { status: 502, rpc: wire.ConnectionClosed, message: 'The connection to the MCP server ended' },
  CLIENT_INVALID_ARGUMENTS: { status: 400, rpc: wire.InvalidParams, message: 'Invalid arguments' },
  CLIENT_REQUEST_FAILED: { status: 502, rpc: wire.InternalError, message: 'The MCP server refused the request' },
} as const;

/** One of the catalogue's string codes. */
export type BridgeErrorCode = keyof typeof catalogue;

/** An error raised by mcp-bridge itself, carrying a catalogue code. */
export class BridgeError extends Error {
  constructor(
    readonly code: BridgeErrorCode,
    readonly detail?: string,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail ? `${catalogue[code].message}: ${detail}` : catalogue[code].message);
    this.name = 'BridgeError';
  }

  /** The HTTP status that goes with this error's code. */
  get status(): number {
    return catalogue[this.code].status;
  }
}

/** A JSON-RPC error object (what goes in a response's `error` member) for a catalogue code. */
export function rpcError(code: BridgeErrorCode, detail?: string): { code: number; message: string; data: { reason: BridgeErrorCode } } {
  const entry = catalogue[code];
  return { code: entry.rpc, message: detail ? `${entry.message}: ${detail}` : entry.message, data: { reason: code } };
}

/** A JSON-RPC error response to `id` (null when the request could not be identified). */
export function rpcErrorResponse(id: RequestId | null, code: BridgeErrorCode, detail?: string): JSONRPCMessage {
  return { jsonrpc: '2.0', id, error: rpcError(code, detail) } as unknown as JSONRPCMessage;
}

// Which code each error response carried, so that metrics can count rejections without every caller telling them.
const writtenCodes = new WeakMap<object, BridgeErrorCode>();

/** The catalogue code writeJsonError answered `res` with, if it did. */
export function errorCodeOf(res: object): BridgeErrorCode | undefined {
  return writtenCodes.get(res);
}

/** Writes a catalogue error as a JSON HTTP response with a JSON-RPC error body (never HTML). */
export function writeJsonError(
  res: import('node:http').ServerResponse,
  code: BridgeErrorCode,
  detail?: string,
  headers: Record<string, string> = {},
  /** The id of the request answered, when it could be found (default null). */
  id: RequestId | null = null,
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  writtenCodes.set(res, code);
  const body = JSON.stringify(rpcErrorResponse(id, code, detail));
  res.writeHead(catalogue[code].status, { 'Content-Type': 'application/json', ...headers }).end(body);
}

/** Writes any error as a JSON HTTP response: a BridgeError with its code and detail, anything else as INTERNAL. */
export function writeErrorResponse(res: import('node:http').ServerResponse, error: unknown): void {
  if (error instanceof BridgeError) writeJsonError(res, error.code, error.detail, { ...error.headers });
  else writeJsonError(res, 'INTERNAL');
}
