import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Gateway } from '../core/gateway.js';
import { writeErrorResponse } from '../errors.js';
import type { Logger } from '../log.js';
import { BoundedEventStore } from './eventStore.js';
import { OutboundBudget } from './outboundBudget.js';
import { findSession, refuseDuplicateIds } from './sessionIds.js';

/** Options for Streamable HTTP sessions; bodies arrive already parsed and size-checked. */
export interface StreamableHttpOptions {
  keepaliveMs: number;
  /** Answer POSTs with plain JSON instead of an SSE stream (default false). */
  jsonResponse: boolean;
  eventStoreMaxEvents: number;
  eventStoreMaxBytes: number;
  /** Bytes a session may have queued toward a client that stopped reading before it is closed (default: no bound). */
  maxBufferBytes?: number;
}

type Body = JSONRPCMessage | JSONRPCMessage[] | undefined;

function hasInitialize(body: Body): boolean {
  const messages = Array.isArray(body) ? body : body ? [body] : [];
  return messages.some((message) => 'method' in message && message.method === 'initialize');
}

/**
 * The Streamable HTTP endpoint with sessions (spec 2025-03-26 to 2025-11-25): an `initialize`
 * POST without `Mcp-Session-Id` starts a session with its own MCP server; every other request is
 * routed by that header to the session's SDK transport, which owns streams, version checks and
 * resumability.
 */
export class StreamableHttpEndpoint {
  // Keyed by transport, so a budget goes away with its session.
  private readonly budgets = new WeakMap<StreamableHTTPServerTransport, OutboundBudget>();

  constructor(
    private readonly gateway: Gateway,
    private readonly options: StreamableHttpOptions,
    private readonly log: Logger,
  ) {}

  /** Handles POST, GET and DELETE on the endpoint. */
  async handle(req: IncomingMessage, res: ServerResponse, body: Body): Promise<void> {
    const sessionId = req.headers['mcp-session-id'];
    if (sessionId === undefined && req.method === 'POST' && hasInitialize(body)) return this.initialize(req, res, body);
    const session = findSession(this.gateway, 'streamableHttp', Array.isArray(sessionId) ? sessionId[0] : sessionId, res);
    if (!session || !(session.downstream instanceof StreamableHTTPServerTransport)) return;
    if (refuseDuplicateIds(session, body, res)) return;
    this.budgets.get(session.downstream)?.watch(res, { hideBackpressure: true });
    await session.downstream.handleRequest(req, res, body);
  }

  private async initialize(req: IncomingMessage, res: ServerResponse, body: Body): Promise<void> {
    const id = randomUUID();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      enableJsonResponse: this.options.jsonResponse,
      eventStore: new BoundedEventStore(this.options.eventStoreMaxEvents, this.options.eventStoreMaxBytes),
      keepAliveMs: this.options.keepaliveMs,
      // Tells resuming clients (2025-11-25 priming events) how soon to reconnect.
      retryInterval: 1000,
    });
    try {
      // In JSON-response mode the SDK drops messages tied to a request: send them on the GET stream.
      await this.gateway.open('streamableHttp', id, transport, { relateToRequests: !this.options.jsonResponse });
    } catch (error) {
      this.log.warn('could not open a Streamable HTTP session', { error: (error as Error).message });
      return writeErrorResponse(res, error);
    }
    this.watchBacklog(id, transport, res);
    await transport.handleRequest(req, res, body);
  }

  /**
   * Bounds what the session queues toward its client. The SDK writes through @hono/node-server,
   * which waits for 'drain' and leaves the backlog in a web stream we cannot measure; hiding
   * backpressure moves that backlog into the responses, where the budget counts it.
   */
  private watchBacklog(id: string, transport: StreamableHTTPServerTransport, res: ServerResponse): void {
    const limit = this.options.maxBufferBytes;
    if (limit === undefined) return;
    const budget = new OutboundBudget(limit, (queuedBytes) => {
      this.log.warn('disconnected a client that stopped reading its stream', { sessionId: id, transport: 'streamableHttp', queuedBytes, limit });
      void this.gateway.sessions.get(id)?.close({ code: 'SESSION_CLOSED', detail: 'the client stopped reading' });
    });
    this.budgets.set(transport, budget);
    budget.watch(res, { hideBackpressure: true });
  }
}
