// Session-era Streamable HTTP on `/mcp`: opens sessions on initialize and routes POST, GET and
// DELETE to them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { supportedProtocolVersions } from '../../shared/protocolVersions.js';
import type { Gateway } from '../../core/gateway.js';
import type { Session } from '../../core/sessions.js';
import { writeErrorResponse, writeJsonError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log.js';
import { mediaTypeOf } from '../../shared/mediaType.js';
import { BoundedEventStore } from './eventStore.js';
import { sessionBudget, type OutboundBudget } from '../outboundBudget.js';
import { findSession, refuseDuplicateIds, type NewSessionId } from '../sessionIds.js';
import { StreamableHttpSessionTransport } from './session.js';

/** Options for Streamable HTTP sessions; bodies arrive already parsed and size-checked. */
export interface StreamableHttpOptions {
  keepaliveMs: number;
  /** Answer POSTs with plain JSON instead of an SSE stream (default false). */
  jsonResponse: boolean;
  eventStoreMaxEvents: number;
  eventStoreMaxBytes: number;
  /** Bytes a session may have queued toward a client that stopped reading before it is closed (default: no bound). */
  maxBufferBytes?: number;
  /** Mints session ids (default: random UUIDs). */
  newSessionId?: NewSessionId;
}

type Body = JSONRPCMessage | JSONRPCMessage[] | undefined;

/** Messages in one batch at most, as in the SDK's own server. */
const maxBatchMessages = 100;
/** The version assumed when a client sends no MCP-Protocol-Version header (spec 2025-06-18). */
const assumedProtocolVersion = '2025-03-26';
/** Tells resuming clients (2025-11-25 priming events) how soon to reconnect. */
const resumeRetryMs = 1000;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Whether the request's Accept names `type`, and `alsoType` when given. */
function accepts(req: IncomingMessage, type: string, alsoType?: string): boolean {
  const accept = header(req, 'accept') ?? '';
  return accept.includes(type) && (alsoType === undefined || accept.includes(alsoType));
}

function isJsonContent(contentType: string | undefined): boolean {
  return contentType === 'application/json' || mediaTypeOf(contentType) === 'application/json';
}

/** Answers a POST whose headers or batch size the spec refuses, and says whether it did. */
function refusePost(req: IncomingMessage, res: ServerResponse, messages: JSONRPCMessage[]): boolean {
  if (!accepts(req, 'application/json', 'text/event-stream')) writeJsonError(res, 'NOT_ACCEPTABLE', 'accept both application/json and text/event-stream');
  else if (!isJsonContent(header(req, 'content-type'))) writeJsonError(res, 'UNSUPPORTED_MEDIA_TYPE', 'the body must be application/json');
  else if (messages.length > maxBatchMessages) writeJsonError(res, 'INVALID_REQUEST', `a batch holds at most ${maxBatchMessages} messages`);
  else return false;
  return true;
}

function isInitialize(message: JSONRPCMessage): boolean {
  return 'method' in message && message.method === 'initialize';
}

/**
 * The Streamable HTTP endpoint with sessions (spec 2025-03-26 to 2025-11-25): checks each request's
 * headers, starts a session with its own MCP server on an `initialize` POST without
 * `Mcp-Session-Id`, and routes everything else by that header to the session's transport.
 */
export class StreamableHttpEndpoint {
  // One budget per session, gone with it.
  private readonly budgets = new WeakMap<Session, OutboundBudget>();

  constructor(
    private readonly gateway: Gateway,
    private readonly options: StreamableHttpOptions,
    private readonly log: Logger,
  ) {}

  /** Handles POST, GET and DELETE on the endpoint. */
  async handle(req: IncomingMessage, res: ServerResponse, body: Body): Promise<void> {
    if (req.method === 'POST') return this.post(req, res, Array.isArray(body) ? body : body ? [body] : []);
    if (req.method === 'GET') return this.get(req, res);
    const session = this.session(req, res);
    if (!session) return;
    await session.close({ code: 'SESSION_CLOSED', detail: 'the client ended the session' });
    res.writeHead(200).end();
  }

  private async post(req: IncomingMessage, res: ServerResponse, messages: JSONRPCMessage[]): Promise<void> {
    const initialize = messages.find(isInitialize);
    if (initialize && header(req, 'mcp-session-id') === undefined) {
      if (refusePost(req, res, messages)) return;
      if (messages.length > 1) return writeJsonError(res, 'INVALID_REQUEST', 'initialize must be sent alone');
      return this.initialize(res, messages, (initialize as { params?: { protocolVersion?: string } }).params?.protocolVersion);
    }
    const session = this.session(req, res);
    if (!session || refusePost(req, res, messages)) return;
    if (initialize) return writeJsonError(res, 'ALREADY_INITIALIZED');
    if (refuseDuplicateIds(session, messages, res)) return;
    this.watchBacklog(session, res);
    session.downstream.post(res, messages, header(req, 'mcp-protocol-version') ?? assumedProtocolVersion);
  }

  private get(req: IncomingMessage, res: ServerResponse): void {
    const session = this.session(req, res);
    if (!session) return;
    if (!accepts(req, 'text/event-stream')) return writeJsonError(res, 'NOT_ACCEPTABLE', 'accept text/event-stream');
    this.watchBacklog(session, res);
    const refused = session.downstream.get(res, header(req, 'last-event-id'));
    if (refused) writeJsonError(res, refused);
  }

  /** The session a request names, with a supported MCP-Protocol-Version; otherwise answers the request itself. */
  private session(req: IncomingMessage, res: ServerResponse): Session<StreamableHttpSessionTransport> | undefined {
    const session = findSession(this.gateway, 'streamableHttp', StreamableHttpSessionTransport, header(req, 'mcp-session-id'), res);
    if (!session) return undefined;
    const version = header(req, 'mcp-protocol-version');
    if (version !== undefined && !supportedProtocolVersions.includes(version)) {
      return void writeJsonError(res, 'UNSUPPORTED_PROTOCOL_VERSION', `${version} (supported: ${supportedProtocolVersions.join(', ')})`);
    }
    return session;
  }

  private async initialize(res: ServerResponse, messages: JSONRPCMessage[], protocolVersion = assumedProtocolVersion): Promise<void> {
    const { keepaliveMs, jsonResponse, eventStoreMaxEvents, eventStoreMaxBytes, newSessionId } = this.options;
    const events = new BoundedEventStore(eventStoreMaxEvents, eventStoreMaxBytes);
    const transport = new StreamableHttpSessionTransport({ keepaliveMs, jsonResponse, events, retryMs: resumeRetryMs, newSessionId });
    let session: Session;
    try {
      // In JSON-response mode answers wait for the end of the exchange: other messages take the GET stream.
      session = await this.gateway.open('streamableHttp', transport.sessionId, transport, { relateToRequests: !jsonResponse });
    } catch (error) {
      this.log.warn('could not open a Streamable HTTP session', { error: (error as Error).message });
      return writeErrorResponse(res, error);
    }
    this.watchBacklog(session, res);
    transport.post(res, messages, protocolVersion);
  }

  /** Bounds what the session queues toward its client, over all of its responses. */
  private watchBacklog(session: Session, res: ServerResponse): void {
    const limit = this.options.maxBufferBytes;
    if (limit === undefined) return;
    let budget = this.budgets.get(session);
    if (!budget) {
      budget = sessionBudget(limit, this.log, { sessionId: session.id, transport: 'streamableHttp' }, () => {
        void session.close({ code: 'SESSION_CLOSED', detail: 'the client stopped reading' });
      });
      this.budgets.set(session, budget);
    }
    budget.watch(res);
  }
}
