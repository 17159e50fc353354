// Gateway mode's /servers/NAME/… routes: each request goes to the router of the server it names, and
// to the right one of two during a reload (the session it carries may belong to a server still draining).
import type { Request, RequestHandler } from 'express';
import { queryParam } from '../downstream/sessionIds.js';
import { writeJsonError } from '../shared/errors.js';

/** One server's routes as a handler to dispatch to (see serverRouter). */
export type ServerHandler = RequestHandler;

/** Finds the handler for server `name`, given the session a request names (undefined: none). */
export type ServerLookup = (name: string, sessionId: string | undefined) => ServerHandler | undefined;

/** The session a request names, in any of the transports' spellings (the Streamable HTTP header, legacy SSE's query). */
function requestSessionId(req: Request): string | undefined {
  return req.header('mcp-session-id') ?? queryParam(req, 'sessionId', 'session_id');
}

/** Mounted at `/servers/:name`: dispatches to the server's handler, or answers 404 SERVER_NOT_FOUND naming `names()`. */
export function serversDispatcher(lookup: ServerLookup, names: () => string[]): RequestHandler<{ name: string }> {
  return (req, res, next) => {
    const handler = lookup(req.params.name, requestSessionId(req));
    if (handler) return void handler(req, res, next);
    // Mounted behind the API key like every route but the probes, so only a client that holds it learns the names.
    writeJsonError(res, 'SERVER_NOT_FOUND', `"${req.params.name}"; the servers are ${names().join(', ') || 'none'}`);
  };
}
