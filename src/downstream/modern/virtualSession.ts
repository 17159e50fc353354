// A session-era session the bridge opens itself (no HTTP client behind it), used to run 2026-07-28
// requests on a session-era server.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { isRequest, isResponse } from '../../shared/jsonrpc.js';

type Params = Record<string, unknown>;

/** A JSON-RPC response as the virtual session hands it back: a result or an error object. */
export type RpcAnswer = { result: Record<string, unknown> } | { error: { code: number; message: string; data?: unknown } };

/** Gets what the MCP server sends that is not an answer to one of our requests. */
export interface ServerMessageListener {
  /** A server-to-client request (elicitation/create, sampling/createMessage, roots/list, ping...). */
  request(message: JSONRPCMessage & { id: RequestId; method: string }): void;
  /** A notification (progress, logging, list changes). */
  notification(message: JSONRPCMessage & { method: string }): void;
}

/**
 * The client side of a session that no HTTP connection holds: the bridge itself plays the MCP
 * client, so that one 2026-07-28 request (and its input_required retries) can run on a session-era
 * server. The Gateway's relay sees it as any other downstream transport; `request` and `answer`
 * speak to the server through it, and `listener` gets everything else the server sends.
 */
export class VirtualSessionTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** Who hears server-to-client requests and notifications right now (nobody: requests get an error). */
  listener: ServerMessageListener | undefined;

  private nextId = 0;
  private closed = false;
  private readonly waiting = new Map<RequestId, (answer: RpcAnswer) => void>();

  async start(): Promise<void> {}

  /** Sends a request to the server and resolves with its answer (an error answer when the session ends first). */
  request(method: string, params?: Params): Promise<RpcAnswer> {
    if (this.closed) return Promise.resolve(closedAnswer());
    const id = `bridge-${++this.nextId}`;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.onmessage?.({ jsonrpc: '2.0', id, method, ...(params && { params }) } as JSONRPCMessage);
    });
  }

  /** Sends a notification to the server. */
  notify(method: string, params?: Params): void {
    if (!this.closed) this.onmessage?.({ jsonrpc: '2.0', method, ...(params && { params }) } as JSONRPCMessage);
  }

  /** Answers a server-to-client request. */
  answer(id: RequestId, answer: RpcAnswer): void {
    if (!this.closed) this.onmessage?.({ jsonrpc: '2.0', id, ...answer } as JSONRPCMessage);
  }

  /** Called by the relay with everything the server sends. */
  async send(message: JSONRPCMessage): Promise<void> {
    if (isResponse(message)) {
      const resolve = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      resolve?.(message as unknown as RpcAnswer);
      return;
    }
    if (isRequest(message)) {
      if (this.listener) this.listener.request(message);
      else this.answer(message.id, { error: { code: -32601, message: `No client is listening for ${message.method}` } });
      return;
    }
    this.listener?.notification(message as JSONRPCMessage & { method: string });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const resolve of this.waiting.values()) resolve(closedAnswer());
    this.waiting.clear();
    this.onclose?.();
  }
}

function closedAnswer(): RpcAnswer {
  return { error: { code: -32000, message: 'The MCP server session ended before it answered' } };
}
