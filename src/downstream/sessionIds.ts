// Helpers every HTTP downstream shares: finding a client's session by id, refusing duplicate
// request ids, reading query parameters.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isRequest } from '../shared/jsonrpc.js';
import type { Gateway } from '../core/gateway.js';
import type { Session, SessionKind } from '../core/sessions.js';
import { writeJsonError } from '../shared/errors.js';

/** Mints the id of a new session: random UUIDs by default, owner-carrying signed ids in a cluster. */
export type NewSessionId = () => string;

// Visible ASCII, as the spec allows for session ids, and a sane length.
const wellFormed = /^[\x21-\x7e]{1,256}$/;

/**
 * Finds the live session of `kind` (its client transport a `downstreamType`) named by a client, or answers the request itself:
 * 400 when the id is missing or malformed, 404 when no such session exists.
 */
export function findSession<D extends Transport>(
  gateway: Gateway,
  kind: SessionKind,
  downstreamType: abstract new (...args: never[]) => D,
  id: string | undefined,
  res: ServerResponse,
): Session<D> | undefined {
  if (!id) return void writeJsonError(res, 'SESSION_ID_MISSING');
  const session = gateway.sessions.get(id);
  // A live session's id is well formed (it was minted here): the form is checked only for an unknown one.
  if (!session && !wellFormed.test(id)) return void writeJsonError(res, 'SESSION_ID_MALFORMED');
  // A session that is closing is already gone for its client, even while its child winds down.
  if (!session || session.kind !== kind || !session.downstreamIs(downstreamType) || session.relay.isEnding) return void writeJsonError(res, 'SESSION_NOT_FOUND');
  session.touch();
  return session;
}

/**
 * Refuses (409, DUPLICATE_REQUEST_ID) a body reusing the id of a request still in flight in the
 * session: its answer could no longer be told apart, and the first request would never get one.
 */
export function refuseDuplicateIds(session: Session, body: JSONRPCMessage | JSONRPCMessage[] | undefined, res: ServerResponse): boolean {
  const duplicate = Array.isArray(body) ? body.find((message) => isPendingRequest(session, message)) : body;
  if (!duplicate || !isPendingRequest(session, duplicate)) return false;
  writeJsonError(res, 'DUPLICATE_REQUEST_ID', `id ${JSON.stringify((duplicate as { id: unknown }).id)}`);
  return true;
}

function isPendingRequest(session: Session, message: JSONRPCMessage): boolean {
  return isRequest(message) && session.relay.isPending(message.id);
}

/** The query parameter `name` (or its first alias present) of a request. */
export function queryParam(req: IncomingMessage, ...names: string[]): string | undefined {
  // The query alone, parsed as URL's searchParams parses it, without building the whole URL (once per POST /message).
  const url = req.url ?? '';
  const start = url.indexOf('?');
  if (start < 0) return undefined;
  const end = url.indexOf('#', start);
  const query = url.slice(start + 1, end < 0 ? undefined : end);
  // The usual query, one plain parameter (`sessionId=<id>`), is read without parsing the whole query.
  const plain = names[0]!.length + 1 < query.length && query.startsWith(`${names[0]}=`) && !/[&%+]/.test(query) ? query.slice(names[0]!.length + 1) : undefined;
  if (plain !== undefined) return plain;
  const params = new URLSearchParams(query);
  for (const name of names) {
    const value = params.get(name);
    if (value !== null) return value;
  }
  return undefined;
}
