// Legacy SSE (2024-11-05): `GET /sse` opens a session and `POST /message` delivers to it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Gateway } from '../../core/gateway.js';
import { writeErrorResponse } from '../../shared/errors.js';
import type { Logger } from '../../shared/log.js';
import { sessionBudget } from '../outboundBudget.js';
import { SseSessionTransport, type SseSessionOptions } from './transport.js';
import { findSession, queryParam, refuseDuplicateIds } from '../sessionIds.js';

/**
 * The two legacy HTTP+SSE endpoints: `GET /sse` opens a session with its own MCP server, and
 * `POST /message?sessionId=…` (or the Python SDK's `session_id`) feeds it.
 */
export class LegacySseEndpoints {
  constructor(
    private readonly gateway: Gateway,
    private readonly options: SseSessionOptions,
    private readonly log: Logger,
  ) {}

  /** Handles `GET /sse`: starts a session and keeps the stream open until either side ends it. */
  async openStream(_req: IncomingMessage, res: ServerResponse): Promise<void> {
    const transport = new SseSessionTransport(res, this.options);
    if (this.options.maxBufferBytes !== undefined) {
      // Destroying the stream closes the transport, which ends the session the usual way.
      sessionBudget(this.options.maxBufferBytes, this.log, { sessionId: transport.sessionId, transport: 'sse' }).watch(res);
    }
    try {
      await this.gateway.open('sse', transport.sessionId, transport);
    } catch (error) {
      this.log.warn('could not open an SSE session', { error: (error as Error).message });
      writeErrorResponse(res, error);
    }
  }

  /** Handles `POST /message`: `body` is one validated JSON-RPC message or a batch of them. */
  postMessage(req: IncomingMessage, res: ServerResponse, body: JSONRPCMessage | JSONRPCMessage[]): void {
    const session = findSession(this.gateway, 'sse', SseSessionTransport, queryParam(req, 'sessionId', 'session_id'), res);
    if (!session) return;
    if (refuseDuplicateIds(session, body, res)) return;
    const transport = session.downstream;
    // Accept first, then relay: the answers travel on the event stream, not on this response.
    res.writeHead(202, { 'Content-Type': 'text/plain' }).end('Accepted');
    for (const message of Array.isArray(body) ? body : [body]) transport.receive(message);
  }
}
