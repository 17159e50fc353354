// How a call to a remote failed (unreachable, broken, unauthorized, session lost, rejected) and
// what each means for retries.
import { Agent, fetch, type RequestInit, type Response } from 'undici';
import type { BridgeErrorCode } from '../../shared/errors.js';
import { mediaTypeOf } from '../../shared/mediaType.js';

/**
 * How a call to the remote failed, which decides what the bridge does next:
 * - `unreachable`: the request never reached the server (refused, DNS, 502/503/504/429); retry with backoff.
 * - `broken`: the connection broke after the request was sent; it may have run, so it is not resent.
 * - `unauthorized`: 401/403; retrying will not help, so the desktop client is told at once.
 * - `sessionLost`: the server no longer knows our session (404 on a session, a new legacy SSE endpoint).
 * - `rejected`: any other HTTP error; the server refused this one message.
 */
export type FailureKind = 'unreachable' | 'broken' | 'unauthorized' | 'sessionLost' | 'rejected';

/** The catalogue code a request gets when the remote fails it in each way. */
export const failureErrorCodes: Readonly<Record<FailureKind, BridgeErrorCode>> = {
  unreachable: 'REMOTE_UNREACHABLE',
  broken: 'REMOTE_CONNECTION_LOST',
  unauthorized: 'REMOTE_UNAUTHORIZED',
  sessionLost: 'REMOTE_SESSION_LOST',
  rejected: 'REMOTE_REJECTED',
};

/** A failed call to the remote MCP server, classified by what the bridge should do about it. */
export class RemoteFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status?: number,
    /** The server's `WWW-Authenticate` challenge on a 401/403, for OAuth discovery and step-up. */
    readonly wwwAuthenticate?: string | null,
    /** The media type of an error answer, and its body (truncated) for debug logs only. */
    readonly contentType?: string,
    readonly body?: string,
  ) {
    super(message);
    this.name = 'RemoteFailure';
  }
}

// Statuses a gateway or a busy server answers before the request reaches the MCP server.
const notDelivered = new Set([429, 502, 503, 504]);
// Errors a connection attempt fails with before any byte of the request is sent.
const connectErrors = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

// How servers word a 400 for a session they do not know (the SDK's "No valid session ID provided",
// legacy SSE servers' "No transport found for sessionId"): real servers answer a stale session so after a restart.
const staleSession = /session|transport/i;

/**
 * Classifies an HTTP error status. A 404, or a 400 that speaks of the session, means a lost session
 * when the request named one; 499 (the server closed the request as it shut down) means the call may have run.
 */
export function failureForStatus(status: number, hadSession: boolean, detail: string, wwwAuthenticate?: string | null): RemoteFailure {
  const message = `HTTP ${status}${detail ? `: ${detail.slice(0, 200)}` : ''}`;
  if (status === 401 || status === 403) return new RemoteFailure('unauthorized', message, status, wwwAuthenticate);
  if (hadSession && (status === 404 || (status === 400 && staleSession.test(detail)))) return new RemoteFailure('sessionLost', message, status);
  if (status === 499) return new RemoteFailure('broken', message, status);
  if (notDelivered.has(status)) return new RemoteFailure('unreachable', message, status);
  return new RemoteFailure('rejected', message, status);
}

/** Classifies an error thrown by fetch or while reading a body. */
export function failureForError(error: unknown): RemoteFailure {
  if (error instanceof RemoteFailure) return error;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const message = cause?.message ?? (error as Error).message ?? String(error);
  return new RemoteFailure(connectErrors.has(cause?.code ?? '') ? 'unreachable' : 'broken', message);
}

// Long tool calls and quiet streams are normal in MCP: no header or body timeout (undici's default is 5 minutes).
const patientAgent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

/** fetch without undici's 5-minute timeouts; network errors become RemoteFailure. */
export async function fetchRemote(url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, dispatcher: patientAgent });
  } catch (error) {
    throw failureForError(error);
  }
}

// Bodies kept for the debug log at most.
const MAX_BODY_CHARS = 500;

/**
 * Throws the classified failure for a non-2xx response. Its message stays one line: a plain-text or
 * JSON body's first 200 characters, nothing of an HTML page (a web server's 404, say) but its media type.
 */
export async function ensureOk(response: Response, hadSession: boolean): Promise<Response> {
  if (response.ok) return response;
  const text = (await response.text().catch(() => '')).slice(0, 64 * 1024);
  const contentType = mediaTypeOf(response.headers.get('content-type'));
  const detail = contentType === 'text/html' ? `(${contentType})` : text.replace(/\s+/g, ' ').trim();
  const failure = failureForStatus(response.status, hadSession, detail, response.headers.get('www-authenticate'));
  throw new RemoteFailure(failure.kind, failure.message, failure.status, failure.wwwAuthenticate, contentType, text.slice(0, MAX_BODY_CHARS));
}
